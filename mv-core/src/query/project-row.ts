import type { Row } from '../schema/types.ts'
import { badFilter, describeType } from './bad-filter.ts'
import { isArrayIndex, isTraversable, isValidPath } from './get-path.ts'
import { isPlainObject } from './is-plain-object.ts'
import type { CompiledProjection, Projection } from './types.ts'

export interface CompileProjectionOptions {
  /** Names what is queried in error messages: 'collection "TailEvents"'. */
  readonly label: string
}

/** Path segments to keep or drop; `true` marks a path's last segment. */
type PathTree = Map<string, PathTree | true>

/**
 * Validates a projection and compiles it into a row mapper that returns a new object.
 *
 * - `['a', 'b.c']` or `{ a: 1, 'b.c': 1 }` keeps those paths, '$id' first unless `$id: 0`.
 *   Dotted paths build nested objects like MongoDB (`{ 'event.request.url': 1 }` gives
 *   `{ event: { request: { url } } }`); through an array they keep the path in each object
 *   element, and when every segment at that level is an index ('exceptions.0') they pick
 *   elements. Missing values are left out.
 * - `{ a: 0, 'b.c': 0 }` drops those paths and keeps everything else.
 * - 1 and 0 cannot be mixed, except `$id: 0` in an inclusion; `true`/`false` read as 1/0.
 * - An empty list or object keeps every field.
 *
 * @example
 * const project = compileProjection({ outcome: 1, 'event.request.url': 1 }, { label: 'collection "TailEvents"' })
 * project(row) // { $id, outcome, event: { request: { url } } }
 */
export function compileProjection(project: Projection, options: CompileProjectionOptions): CompiledProjection {
  const { label } = options
  const { include, exclude, keepId } = parseProjection(project, label)
  if (include.length > 0) return inclusion(buildTree(include, label), keepId)
  if (exclude.length > 0) {
    const tree = buildTree(exclude, label)
    return withColumns((row) => excludeFrom(row, tree) as Row, undefined)
  }
  return withColumns((row) => ({ ...row }), undefined)
}

function parseProjection(project: unknown, label: string): { include: string[]; exclude: string[]; keepId: boolean } {
  const fail = (message: string, path?: string) => badFilter(label, `projection: ${message}`, path === undefined ? { option: 'project' } : { option: 'project', path })
  if (Array.isArray(project)) {
    for (const path of project as unknown[]) {
      if (typeof path !== 'string' || !isValidPath(path)) throw fail(`${JSON.stringify(path) ?? String(path)} is not a field path`)
    }
    return { include: [...new Set(project as string[])], exclude: [], keepId: true }
  }
  if (!isPlainObject(project)) throw fail(`must be a list of fields or an object like { field: 1 }, got ${describeType(project)}`)
  const include: string[] = []
  const exclude: string[] = []
  for (const path of Object.keys(project)) {
    const flag = project[path]
    if (!isValidPath(path)) throw fail(`invalid field path "${path}"`, path)
    if (flag === 1 || flag === true) include.push(path)
    else if (flag === 0 || flag === false) exclude.push(path)
    else throw fail(`field "${path}" must be 1 (keep) or 0 (drop), got ${typeof flag === 'string' ? JSON.stringify(flag) : String(flag)}`, path)
  }
  if (include.length > 0) {
    const dropped = exclude.filter((path) => path !== '$id')
    if (dropped.length > 0) {
      throw fail(`cannot mix kept fields (${include.join(', ')}) with dropped fields (${dropped.join(', ')}); only $id: 0 may be combined with kept fields`, dropped[0])
    }
    return { include, exclude: [], keepId: !exclude.includes('$id') }
  }
  return { include, exclude, keepId: true }
}

function buildTree(paths: readonly string[], label: string): PathTree {
  const root: PathTree = new Map()
  for (const path of paths) {
    const segments = path.split('.')
    let node = root
    segments.forEach((segment, index) => {
      const last = index === segments.length - 1
      const existing = node.get(segment)
      if (existing === true || (last && existing !== undefined)) {
        const other = paths.find((p) => p !== path && (p.startsWith(`${path}.`) || path.startsWith(`${p}.`))) ?? path
        throw badFilter(label, `projection: paths "${other}" and "${path}" collide; keep one of them`, { option: 'project', path })
      }
      if (last) node.set(segment, true)
      else {
        const child: PathTree = existing ?? new Map()
        node.set(segment, child)
        node = child
      }
    })
  }
  return root
}

function inclusion(tree: PathTree, keepId: boolean): CompiledProjection {
  // A kept $id always comes first, whatever its place in the list.
  if (keepId) tree.delete('$id')
  const keys = [...tree.keys()]
  const columns = [...new Set([...(keepId ? ['$id'] : []), ...keys])]
  const flat = [...tree.values()].every((node) => node === true)
  if (flat) {
    const wanted = keepId ? columns : keys
    return withColumns((row) => {
      const out: Row = {}
      for (const key of wanted) {
        const value = Object.hasOwn(row, key) ? row[key] : undefined
        if (value !== undefined) setOwn(out, key, value)
      }
      return out
    }, columns)
  }
  return withColumns((row) => {
    const out: Row = {}
    if (keepId && Object.hasOwn(row, '$id') && row.$id !== undefined) out.$id = row.$id
    includeInto(out, row, tree)
    return out
  }, columns)
}

function includeInto(out: Record<string, unknown>, source: object, tree: PathTree): void {
  for (const [key, node] of tree) {
    if (!Object.hasOwn(source, key)) continue
    const value = (source as Record<string, unknown>)[key]
    if (value === undefined) continue
    if (node === true) setOwn(out, key, value)
    else {
      const projected = includeValue(value, node)
      if (projected !== undefined) setOwn(out, key, projected)
    }
  }
}

/** Projects below a path prefix; undefined when the value has nothing to project into (a scalar). */
function includeValue(value: unknown, tree: PathTree): unknown {
  if (!isTraversable(value)) return undefined
  if (!Array.isArray(value)) {
    const out: Record<string, unknown> = {}
    includeInto(out, value, tree)
    return out
  }
  const elements = value as unknown[]
  const out: unknown[] = []
  if (indexesOnly(tree)) {
    const picks = [...tree].sort(([a], [b]) => Number(a) - Number(b))
    for (const [key, node] of picks) {
      const element = elements[Number(key)]
      if (element === undefined) continue
      const projected = node === true ? element : includeValue(element, node)
      if (projected !== undefined) out.push(projected)
    }
    return out
  }
  for (const element of elements) {
    const projected = includeValue(element, tree)
    if (projected !== undefined) out.push(projected)
  }
  return out
}

/** Copies a value without the tree's paths; values the paths do not reach are shared, not copied. */
function excludeFrom(value: unknown, tree: PathTree): unknown {
  if (!isTraversable(value)) return value
  if (Array.isArray(value)) {
    const elements = value as unknown[]
    if (!indexesOnly(tree)) return elements.map((element) => excludeFrom(element, tree))
    const out: unknown[] = []
    elements.forEach((element, index) => {
      const node = tree.get(String(index))
      if (node === undefined) out.push(element)
      else if (node !== true) out.push(excludeFrom(element, node))
    })
    return out
  }
  const source = value as Record<string, unknown>
  const out: Record<string, unknown> = { ...source }
  for (const [key, node] of tree) {
    if (!Object.hasOwn(source, key)) continue
    if (node === true) delete out[key]
    else setOwn(out, key, excludeFrom(source[key], node))
  }
  return out
}

function indexesOnly(tree: PathTree): boolean {
  for (const key of tree.keys()) if (!isArrayIndex(key)) return false
  return true
}

/** Assignment that defines '__proto__' as a plain key instead of replacing the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

function withColumns(map: (row: Row) => Row, columns: readonly string[] | undefined): CompiledProjection {
  return Object.assign(map, { columns: columns === undefined ? undefined : Object.freeze([...columns]) })
}
