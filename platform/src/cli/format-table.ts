const MAX_CELL = 60

/**
 * Rows as an aligned text table: a header of the fields in order of first appearance, numbers
 * right-aligned, dates as ISO text, objects as JSON, long cells cut at 60 characters.
 *
 * @example
 * formatTable([{ name: 'Ada', total: 12.5 }]) // 'name  total\n----  -----\nAda    12.5\n'
 */
export function formatTable(rows: readonly Readonly<Record<string, unknown>>[], columns: readonly string[] = columnsOf(rows)): string {
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column])))
  const numeric = columns.map((column) => rows.some((row) => isNumber(row[column])) && rows.every((row) => isNumber(row[column]) || row[column] == null))
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((line) => line[index]!.length)))
  const render = (line: readonly string[]) => line.map((cell, index) => (numeric[index] ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!))).join('  ').trimEnd()
  return [render(columns), render(widths.map((width) => '-'.repeat(width))), ...cells.map(render)].map((line) => `${line}\n`).join('')
}

/** The fields of some rows, in order of first appearance. */
export function columnsOf(rows: readonly Readonly<Record<string, unknown>>[]): string[] {
  const seen = new Set<string>()
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key)
  return [...seen]
}

/** One value as table text. */
export function formatCell(value: unknown): string {
  let text: string
  if (value === null || value === undefined) text = ''
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  else if (typeof value === 'object') text = toJson(value)
  else text = String(value)
  text = text.replace(/[\r\n\t]+/g, ' ')
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text
}

/** JSON that also carries bigints (as strings, which is how they survive a round trip through JS). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_, item: unknown) => (typeof item === 'bigint' ? item.toString() : item), indent)
}

function isNumber(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'bigint'
}
