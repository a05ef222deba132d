/** Nanoseconds since the epoch, the unit OTLP counts time in, to the Date the tables store (ms). */
export function dateOfNanos(nanos: bigint): Date {
  return new Date(Number(nanos / 1_000_000n))
}

/** A span's length in milliseconds, keeping the nanoseconds as a fraction. */
export function millisBetween(startNanos: bigint, endNanos: bigint): number {
  return Number(endNanos - startNanos) / 1e6
}

/** The ISO instant of a nanosecond time, for times kept inside JSON (span events). */
export function isoOfNanos(nanos: bigint): string {
  return dateOfNanos(nanos).toISOString()
}
