/**
 * Thrown by the value normalizers when a value does not fit its field; validateRows turns it
 * into one line of a ParqueDBError('VALIDATION'). `path` holds the segments below the field
 * (array indexes, variant keys) so the field path is only built when something is wrong.
 */
export class InvalidValue {
  readonly path: (string | number)[] = []
  constructor(
    /** What the field accepts: 'decimal(10,2)', 'int', 'JSON value', ... */
    readonly expected: string,
    readonly value: unknown,
    /** Why a value of roughly the right type is still wrong: 'has more than 2 fractional digits'. */
    readonly note?: string,
  ) {}

  /** Adds a path segment on the way out of a nested value (the innermost one is added first). */
  within(segment: string | number): this {
    this.path.unshift(segment)
    return this
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/**
 * 'logs[2]', 'payload.items[0].name', 'payload["a b"]': a field name plus nested segments.
 *
 * @example
 * fieldPath('logs', [2, 'msg']) // 'logs[2].msg'
 */
export function fieldPath(field: string, path: readonly (string | number)[]): string {
  let out = field
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (IDENTIFIER.test(segment)) out += `.${segment}`
    else out += `[${JSON.stringify(segment)}]`
  }
  return out
}
