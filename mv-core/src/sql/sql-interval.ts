import type { SqlNode } from './sql-ast.ts'
import { sqlError, unsupported } from './sql-error.ts'

const UNIT_MILLIS: Readonly<Record<string, number>> = {
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
}

/**
 * An INTERVAL in milliseconds: `INTERVAL '1 hour'`, `INTERVAL '90 minutes'`, `INTERVAL '2 days
 * 3 hours'`, `INTERVAL 15 MINUTE`. Months and years have no fixed length, so they are refused.
 *
 * @example
 * intervalMillis(parsed("INTERVAL '1 hour'"), 'WHERE') // 3600000
 */
export function intervalMillis(node: SqlNode, clause: string): number {
  const inner = node.expr as { value?: unknown } | undefined
  const unit = typeof node.unit === 'string' && node.unit !== '' ? ` ${node.unit}` : ''
  const text = `${String(inner?.value ?? '')}${unit}`.trim().toLowerCase()
  const parts = [...text.matchAll(/(-?\d+(?:\.\d+)?)\s*([a-z]+)/g)]
  const consumed = parts.map((part) => part[0]).join(' ')
  if (parts.length === 0 || consumed.replace(/\s+/g, '') !== text.replace(/\s+/g, '')) {
    throw sqlError(`${clause}: cannot read INTERVAL '${text}' (write e.g. INTERVAL '1 hour' or '15 minutes')`, { construct: 'INTERVAL' })
  }
  let total = 0
  for (const [, amount, word] of parts) {
    const singular = (word as string).replace(/s$/, '')
    const name = singular === 'ms' || singular === 'msec' ? 'millisecond' : singular === 'sec' ? 'second' : singular === 'min' ? 'minute' : singular === 'hr' ? 'hour' : singular
    if (name === 'month' || name === 'year' || name === 'mon') throw unsupported(`INTERVAL in ${name}s`, 'months and years have no fixed length; use days')
    const millis = UNIT_MILLIS[name]
    if (millis === undefined) throw sqlError(`${clause}: unknown INTERVAL unit "${word}"`, { construct: 'INTERVAL' })
    total += Number(amount) * millis
  }
  return total
}
