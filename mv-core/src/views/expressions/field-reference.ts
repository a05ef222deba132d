import { compileGetter } from '../../query/get-path.ts'
import type { CompiledExpression } from './types.ts'

/**
 * A reader for a dotted field path that gives null for anything missing, so expressions never
 * see undefined. Own properties only (see compileGetter).
 *
 * @example
 * compileFieldReader('event.request.url')({ event: {} }) // null
 */
export function compileFieldReader(path: string): CompiledExpression {
  const get = compileGetter(path)
  return (row) => {
    const value = get(row)
    return value === undefined ? null : value
  }
}

/**
 * The path of a field reference, '$' followed by a dotted path, or undefined when the string is
 * a literal. '$$id' is the path '$id' (the system field), not an escape: write `{ $literal: '$x' }`
 * for a string that starts with '$'.
 *
 * @example
 * fieldReferencePath('$event.request.url') // 'event.request.url'
 * fieldReferencePath('ok') // undefined
 */
export function fieldReferencePath(text: string): string | undefined {
  return text.startsWith('$') ? text.slice(1) : undefined
}

