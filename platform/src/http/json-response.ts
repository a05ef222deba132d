/**
 * A JSON response as the API writes every body: Dates as ISO strings (their `toJSON`), bigints
 * as decimal strings (JSON has no 64-bit integers; a number would silently lose digits).
 *
 * @example
 * jsonResponse({ rows: [{ at: new Date(0), big: 2n ** 63n - 1n }] }) // {"rows":[{"at":"1970-01-01T00:00:00.000Z","big":"9223372036854775807"}]}
 */
export function jsonResponse(value: unknown, status = 200, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(JSON.stringify(value, bigintAsString), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}
