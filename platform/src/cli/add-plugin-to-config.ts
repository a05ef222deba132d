import type { Integration } from './integrations.ts'

/** What adding an integration's plugin does to a config file's text. */
export type ConfigEdit =
  | { readonly kind: 'created'; readonly text: string }
  | { readonly kind: 'edited'; readonly text: string }
  | { readonly kind: 'present' }
  /** The plugins list could not be found safely: what the user should add by hand. */
  | { readonly kind: 'manual'; readonly instructions: string }

/**
 * Adds `import { tail } from 'parquedb/tail'` and `tail()` to a config's `plugins: [...]`,
 * touching nothing else: the call goes after the last element in the list's own layout (one
 * line or one element per line, trailing comma or not), the import after the last import in
 * the file's quote and semicolon style. Without a file, writes a new one. Adding twice changes
 * nothing. A config whose list it cannot find is left alone (`manual`).
 *
 * @example
 * addPluginToConfig(undefined, findIntegration('tail')!) // { kind: 'created', text: "import { defineConfig } from 'parquedb'\n..." }
 */
export function addPluginToConfig(source: string | undefined, integration: Integration): ConfigEdit {
  const call = `${integration.factory}()`
  if (source === undefined) {
    return {
      kind: 'created',
      text: `import { defineConfig } from 'parquedb'
import { ${integration.factory} } from '${integration.specifier}'

export default defineConfig({
  storage: { type: 'fs', path: './data' },
  plugins: [${call}],
})
`,
    }
  }
  const hasImport = new RegExp(`\\bfrom\\s*['"]${escapeRegExp(integration.specifier)}['"]`).test(source)
  const list = findPluginsList(source)
  const hasCall = list !== undefined && new RegExp(`(^|[^\\w$.])${escapeRegExp(integration.factory)}\\s*\\(`).test(source.slice(list.open + 1, list.close))
  if (hasImport && hasCall) return { kind: 'present' }

  let text = source
  if (!hasCall) {
    const edited = list === undefined ? addPluginsKey(text, call) : insertIntoList(text, list, call)
    if (edited === undefined) {
      return {
        kind: 'manual',
        instructions: `${hasImport ? '' : `add this import:\n\n  import { ${integration.factory} } from '${integration.specifier}'\n\n`}and add ${call} to the plugins of the config:\n\n  plugins: [${call}],\n`,
      }
    }
    text = edited
  }
  if (!hasImport) text = insertImport(text, integration)
  return { kind: 'edited', text }
}

interface ListSpan {
  /** Index of `[` and of its matching `]`. */
  readonly open: number
  readonly close: number
  /** Index of the last character of code (not whitespace or comment) inside the list, or -1. */
  readonly lastCode: number
}

/** The `plugins: [...]` list, matched bracket for bracket (skipping strings and comments). */
function findPluginsList(source: string): ListSpan | undefined {
  const match = /(^|[^\w$.])plugins\s*:\s*\[/.exec(source)
  if (match === null) return undefined
  const open = match.index + match[0].length - 1
  let depth = 0
  let lastCode = -1
  for (let index = open; index < source.length; index++) {
    const char = source[index]!
    const next = source[index + 1]
    if (char === '/' && next === '/') {
      const end = source.indexOf('\n', index)
      index = end === -1 ? source.length : end - 1
      continue
    }
    if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2)
      if (end === -1) return undefined
      index = end + 1
      continue
    }
    if (char === '"' || char === "'" || char === '`') {
      const end = closingQuote(source, index)
      if (end === -1) return undefined
      index = end
      if (depth === 1) lastCode = end
      continue
    }
    if ('([{'.includes(char)) depth++
    else if (')]}'.includes(char)) {
      depth--
      if (depth === 0) return char === ']' ? { open, close: index, lastCode } : undefined
    }
    if (depth >= 1 && index !== open && !/\s/.test(char)) lastCode = index
  }
  return undefined
}

function closingQuote(source: string, start: number): number {
  const quote = source[start]
  for (let index = start + 1; index < source.length; index++) {
    if (source[index] === '\\') index++
    else if (source[index] === quote) return index
    // Template literals with ${...} holding quotes are beyond a config's plugins list.
  }
  return -1
}

function insertIntoList(source: string, list: ListSpan, call: string): string {
  if (list.lastCode === -1) return `${source.slice(0, list.open + 1)}${call}${source.slice(list.close)}`
  const inside = source.slice(list.open + 1, list.close)
  const trailingComma = source[list.lastCode] === ','
  if (!inside.includes('\n')) {
    return `${source.slice(0, list.lastCode + 1)}${trailingComma ? ' ' : ', '}${call}${trailingComma ? ',' : ''}${source.slice(list.lastCode + 1)}`
  }
  // One element per line: a new line in the first element's indentation, after a comment that ends the last line.
  const indent = /\n([ \t]*)\S/.exec(inside)?.[1] ?? '  '
  const lineEnd = source.indexOf('\n', list.lastCode)
  const at = lineEnd === -1 || lineEnd > list.close ? list.close : lineEnd
  const withComma = trailingComma ? source : `${source.slice(0, list.lastCode + 1)},${source.slice(list.lastCode + 1)}`
  const shift = trailingComma ? 0 : 1
  return `${withComma.slice(0, at + shift)}\n${indent}${call}${trailingComma ? ',' : ''}${withComma.slice(at + shift)}`
}

/** A config without `plugins`: a `plugins` line as the first key of `defineConfig({`, when that object spans lines. */
function addPluginsKey(source: string, call: string): string | undefined {
  const match = /defineConfig\(\s*\{[^\S\n]*\n/.exec(source)
  if (match === null) return undefined
  const at = match.index + match[0].length
  const indent = /^([ \t]*)\S/m.exec(source.slice(at))?.[1] ?? '  '
  return `${source.slice(0, at)}${indent}plugins: [${call}],\n${source.slice(at)}`
}

function insertImport(source: string, integration: Integration): string {
  const imports = [...source.matchAll(/^import\s[^;'"]*?(['"])[^'"\n]*\1;?[^\S\n]*$/gm)]
  const last = imports.at(-1)
  const quote = last?.[1] ?? "'"
  const semicolon = last?.[0].trimEnd().endsWith(';') === true ? ';' : ''
  const line = `import { ${integration.factory} } from ${quote}${integration.specifier}${quote}${semicolon}`
  if (last === undefined) return `${line}\n${source}`
  const end = last.index + last[0].length
  return `${source.slice(0, end)}\n${line}${source.slice(end)}`
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
