import type { CollectionSchema, ColumnStats, Row, ScalarField, StatsByColumn } from '../schema/types.ts'
import { SYSTEM_FIELDS } from '../schema/types.ts'
import { badFilter, describeType } from './bad-filter.ts'
import {
  eqMayMatch,
  existsMayMatch,
  inMayMatch,
  neMayMatch,
  ninMayMatch,
  rangeMayMatch,
  type StatsTest,
} from './column-may-match.ts'
import { buildRegex, modeOfField, toLiteral, type CompareMode, type Fail } from './filter-literal.ts'
import { compileSomeAtPath, isArrayIndex, isTraversable, isValidPath } from './get-path.ts'
import { isPlainObject } from './is-plain-object.ts'
import type { CompiledFilter, Filter } from './types.ts'
import { eqTest, inTest, isNullish, orAnyElement, rangeTest, regexTest, type RangeOperator, type ValueTest } from './value-predicates.ts'

export interface CompileFilterOptions {
  /** Names what is queried in error messages: 'collection "TailEvents"'. */
  readonly label: string
  /**
   * With a schema, unknown fields are rejected, dotted paths must go through variant fields and
   * literals are coerced to the column kinds (ISO strings and epoch ms for timestamps, integer
   * strings for bigints, decimal strings for decimals, Dates for dates).
   */
  readonly schema?: CollectionSchema
}

type RowTest = (row: Row) => boolean
type Prune = (stats: StatsByColumn, rowCount: number) => boolean

interface FilterNode {
  readonly test: RowTest
  readonly mayMatch: Prune
}

/** One operator of a field condition. `negate` marks $ne/$nin/$exists:false, which MongoDB defines as "no value at the path matches". */
type Condition =
  | { readonly kind: 'leaf'; readonly test: ValueTest; readonly negate: boolean; readonly stats: StatsTest }
  | { readonly kind: 'not'; readonly inner: readonly Condition[] }

interface Context {
  readonly label: string
  readonly schema: CollectionSchema | undefined
  /** Top-level columns read; undefined inside `$elemMatch` documents, whose fields are not columns. */
  readonly columns: Set<string> | undefined
}

/** Where a field's operands are coerced from and which column's statistics can prune it. */
interface FieldPlan {
  readonly mode: CompareMode
  /** The schema column for a top-level path; undefined without a schema or for dotted paths. */
  readonly column: ScalarField | undefined
  /** The schema guarantees the path never holds an array, so operators need not look at elements. */
  readonly scalar: boolean
}

const ALWAYS: Prune = () => true
const TRUE_NODE: FilterNode = { test: () => true, mayMatch: ALWAYS }
const ALWAYS_STATS: StatsTest = () => true
const LOGICAL_DOCUMENT_OPERATORS = new Set(['$and', '$or', '$nor'])

/**
 * Compiles a MongoDB-style filter once into a row predicate, a statistics pruning test and the
 * list of top-level columns it reads.
 *
 * - Fields: implicit equality, `$eq $ne $gt $gte $lt $lte $in $nin $exists $regex`(+`$options`)
 *   `$not $size $elemMatch`; documents: `$and $or $nor $not`.
 * - Dotted paths reach into variant objects; numeric segments index arrays; other segments fan
 *   out over array elements, and a positive operator matches when any reached value (or, for
 *   an array, any element) matches. `$ne`, `$nin`, `$not` and `$exists: false` are the negations,
 *   so they hold only when no reached value matches.
 * - `null` equality matches null and missing; `$exists: true` means "not null/undefined" (the
 *   engine stores missing optional fields as null, so the two cannot be told apart).
 * - Range operators compare within a type bracket (numbers with bigints, strings by code unit,
 *   booleans, Dates by instant, objects/arrays); other types never match them.
 * - Malformed filters throw ParqueDBError('BAD_FILTER') naming the operator and the path.
 *
 * @example
 * const f = compileFilter({ outcome: { $ne: 'ok' }, 'event.request.method': 'GET' }, { label: 'collection "TailEvents"', schema })
 * rows.filter((row) => f.test(row)); f.mayMatch(file.stats, file.rows); f.columns // ['outcome', 'event']
 */
export function compileFilter(filter: Filter, options: CompileFilterOptions): CompiledFilter {
  const columns = new Set<string>()
  const node = compileDocument(filter ?? {}, { label: options.label, schema: options.schema, columns }, 'filter')
  return Object.freeze({ columns: Object.freeze([...columns]), test: node.test, mayMatch: node.mayMatch })
}

function compileDocument(spec: unknown, context: Context, where: string): FilterNode {
  if (!isPlainObject(spec)) throw badFilter(context.label, `${where} must be an object, got ${describeType(spec)}`)
  const nodes: FilterNode[] = []
  for (const key of Object.keys(spec)) {
    const value = spec[key]
    if (key.startsWith('$') && key !== '$id') nodes.push(compileLogical(key, value, context, where))
    else nodes.push(compileField(key, value, context, where))
  }
  return allOf(nodes)
}

function compileLogical(operator: string, value: unknown, context: Context, where: string): FilterNode {
  switch (operator) {
    case '$and':
    case '$or':
    case '$nor': {
      if (!Array.isArray(value) || value.length === 0) {
        throw badFilter(context.label, `${where}: ${operator} needs a non-empty array of filters, got ${describeArgument(value)}`, { operator })
      }
      const nodes = (value as unknown[]).map((item, index) => compileDocument(item, context, `${where} ${operator}[${index}]`))
      return operator === '$and' ? allOf(nodes) : operator === '$or' ? anyOf(nodes) : noneOf(nodes)
    }
    case '$not': {
      const inner = compileDocument(value, context, `${where} $not`)
      return { test: (row) => !inner.test(row), mayMatch: ALWAYS }
    }
    default:
      throw badFilter(context.label, `${where}: unknown top-level operator "${operator}" (expected a field name, $and, $or, $nor or $not)`, { operator })
  }
}

function compileField(path: string, spec: unknown, context: Context, where: string): FilterNode {
  if (!isValidPath(path)) throw badFilter(context.label, `${where}: invalid field path "${path}"`, { path })
  const segments = path.split('.')
  const first = segments[0] as string
  const plan = planField(path, segments, context, where)
  context.columns?.add(first)
  const conditions = compileCondition(spec, path, plan, context, where)

  const dotted = segments.length > 1
  const test = dotted ? pathTestOf(path, conditions) : compileSomeAtPath(path, valueTestOf(conditions))
  // A column that is null in every row is decided exactly: run the field's test on a null.
  const matchesNull = test({ [first]: null })
  const statsTests = dotted ? [] : conditions.flatMap((condition) => (condition.kind === 'leaf' ? [condition.stats] : []))
  const mayMatch: Prune = (stats, rowCount) => {
    const column: ColumnStats | undefined = Object.hasOwn(stats, first) ? stats[first] : undefined
    if (column === undefined) return true
    if (column.nullCount === rowCount) return matchesNull
    for (const statsTest of statsTests) if (!statsTest(column)) return false
    return true
  }
  return { test, mayMatch }
}

/** Checks the path against the schema and picks the compare mode for its operands. */
function planField(path: string, segments: readonly string[], context: Context, where: string): FieldPlan {
  const { schema, label } = context
  if (schema === undefined) return { mode: 'plain', column: undefined, scalar: false }
  const first = segments[0] as string
  const column = storedColumns(schema).get(first)
  if (column === undefined) {
    if (schema.byName.has(first)) {
      throw badFilter(label, `${where}: field "${first}" is a reverse relation, which is not stored and cannot be filtered on`, { path })
    }
    throw badFilter(label, `${where}: unknown field "${first}" (not declared on ${schema.name} and not one of ${SYSTEM_FIELDS.join(', ')})`, { path })
  }
  const scalarKind = column.kind !== 'variant'
  if (segments.length === 1) return { mode: modeOfField(column), column, scalar: scalarKind && !column.array }
  if (column.kind === 'variant') return { mode: 'plain', column: undefined, scalar: false }
  if (column.array && segments.length === 2 && isArrayIndex(segments[1] as string)) return { mode: modeOfField(column), column: undefined, scalar: scalarKind }
  throw badFilter(label, `${where}: path "${path}" reaches into field "${first}" (${column.source}); only variant fields have nested paths, and lists only an element index`, { path })
}

const columnsBySchema = new WeakMap<CollectionSchema, Map<string, ScalarField>>()

function storedColumns(schema: CollectionSchema): Map<string, ScalarField> {
  let columns = columnsBySchema.get(schema)
  if (columns === undefined) {
    columns = new Map(schema.columns.map((column) => [column.name, column]))
    columnsBySchema.set(schema, columns)
  }
  return columns
}

function compileCondition(spec: unknown, path: string, plan: FieldPlan, context: Context, where: string): Condition[] {
  if (isPlainObject(spec)) {
    const keys = Object.keys(spec)
    const operators = keys.filter((key) => key.startsWith('$'))
    if (operators.length > 0) {
      if (operators.length !== keys.length) {
        const plain = keys.filter((key) => !key.startsWith('$'))
        throw badFilter(
          context.label,
          `${where}: field "${path}" mixes operators (${operators.join(', ')}) with plain keys (${plain.join(', ')}); use only operators, or a plain object for equality`,
          { path, operator: operators[0] },
        )
      }
      return compileOperators(spec, path, plan, context, where)
    }
  }
  return [equality(spec, false, path, plan, failer(context, where, path, '$eq'))]
}

function compileOperators(spec: Record<string, unknown>, path: string, plan: FieldPlan, context: Context, where: string): Condition[] {
  const conditions: Condition[] = []
  const { mode, column } = plan
  for (const operator of Object.keys(spec)) {
    const argument = spec[operator]
    const fail: Fail = failer(context, where, path, operator)
    switch (operator) {
      case '$eq':
      case '$ne':
        conditions.push(equality(argument, operator === '$ne', path, plan, fail))
        break
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        if (argument instanceof RegExp) fail('a regular expression has no order; use $regex')
        const literal = toLiteral(argument, mode, fail)
        const rangeOperator = operator as RangeOperator
        conditions.push(leaf(elementsToo(plan, rangeTest(rangeOperator, literal), literal.type === 'json'), false, rangeMayMatch(rangeOperator, literal, column)))
        break
      }
      case '$in':
      case '$nin': {
        if (!Array.isArray(argument)) fail(`needs an array, got ${describeArgument(argument)}`)
        const literals = (argument as unknown[]).map((item) => toLiteral(item, mode, fail))
        const test = elementsToo(plan, inTest(literals), literals.some((literal) => literal.type === 'json'))
        const negate = operator === '$nin'
        conditions.push(leaf(test, negate, negate ? ninMayMatch(literals, column) : inMayMatch(literals, column)))
        break
      }
      case '$exists':
        if (typeof argument !== 'boolean') fail(`needs true or false, got ${describeArgument(argument)}`)
        conditions.push(leaf(isPresent, !argument, existsMayMatch(argument)))
        break
      case '$regex': {
        if (typeof argument !== 'string' && !(argument instanceof RegExp)) fail(`needs a pattern string or a RegExp, got ${describeArgument(argument)}`)
        const options = spec.$options
        const failOptions: Fail = failer(context, where, path, '$options')
        if (options !== undefined && typeof options !== 'string') failOptions(`needs a string of flags, got ${describeArgument(options)}`)
        conditions.push(leaf(elementsToo(plan, regexTest(buildRegex(argument, options, fail)), false), false, ALWAYS_STATS))
        break
      }
      case '$options':
        if (!Object.hasOwn(spec, '$regex')) fail('needs $regex alongside')
        break
      case '$not':
        conditions.push({ kind: 'not', inner: compileNot(argument, path, plan, context, where, fail) })
        break
      case '$size':
        if (typeof argument !== 'number' || !Number.isSafeInteger(argument) || argument < 0) fail(`needs a non-negative integer, got ${describeArgument(argument)}`)
        conditions.push(leaf((value) => Array.isArray(value) && value.length === argument, false, ALWAYS_STATS))
        break
      case '$elemMatch':
        conditions.push(leaf(elementMatch(argument, path, plan, context, where, fail), false, ALWAYS_STATS))
        break
      default:
        throw badFilter(context.label, `${where}: unknown operator "${operator}" on field "${path}"`, { path, operator })
    }
  }
  return conditions
}

function equality(value: unknown, negate: boolean, path: string, plan: FieldPlan, fail: Fail): Condition {
  const literal = toLiteral(value, plan.mode, fail)
  const test = elementsToo(plan, eqTest(literal), literal.type === 'json')
  return leaf(test, negate, negate ? neMayMatch(literal, plan.column) : eqMayMatch(literal, plan.column))
}

function compileNot(argument: unknown, path: string, plan: FieldPlan, context: Context, where: string, fail: Fail): Condition[] {
  if (argument instanceof RegExp) {
    return [leaf(elementsToo(plan, regexTest(buildRegex(argument, undefined, fail)), false), false, ALWAYS_STATS)]
  }
  if (!isPlainObject(argument) || Object.keys(argument).length === 0 || !Object.keys(argument).every((key) => key.startsWith('$'))) {
    return fail(`needs an operator object such as { $gt: 5 } or a RegExp, got ${describeArgument(argument)}`)
  }
  return compileOperators(argument, path, { ...plan, column: undefined }, context, where)
}

/**
 * `$elemMatch`: an array value with one element satisfying every condition at once. Operators
 * (`{ $gte: 80, $lt: 85 }`) apply to the element itself; field names (`{ level: 'error' }`) make
 * it a filter over object elements.
 */
function elementMatch(argument: unknown, path: string, plan: FieldPlan, context: Context, where: string, fail: Fail): ValueTest {
  if (!isPlainObject(argument) || Object.keys(argument).length === 0) return fail(`needs a non-empty object, got ${describeArgument(argument)}`)
  const keys = Object.keys(argument)
  let elementTest: ValueTest
  if (keys.every((key) => key.startsWith('$') && !LOGICAL_DOCUMENT_OPERATORS.has(key))) {
    elementTest = valueTestOf(compileOperators(argument, path, { mode: plan.mode, column: undefined, scalar: false }, context, where))
  } else {
    const document = compileDocument(argument, { label: context.label, schema: undefined, columns: undefined }, `${where} "${path}".$elemMatch`)
    elementTest = (element) => isTraversable(element) && !Array.isArray(element) && document.test(element as Row)
  }
  return (value) => {
    if (!Array.isArray(value)) return false
    for (const element of value as unknown[]) if (elementTest(element)) return true
    return false
  }
}

const isPresent: ValueTest = (value) => !isNullish(value)

/** MongoDB's element matching, skipped when the schema rules out arrays at the path. */
function elementsToo(plan: FieldPlan, test: ValueTest, wholeToo: boolean): ValueTest {
  return plan.scalar ? test : orAnyElement(test, wholeToo)
}

function leaf(test: ValueTest, negate: boolean, stats: StatsTest): Condition {
  return { kind: 'leaf', test, negate, stats }
}

/** The conditions of a top-level field as one test of its value (no fan-out, so negation is plain). */
function valueTestOf(conditions: readonly Condition[]): ValueTest {
  const parts = conditions.map((condition): ValueTest => {
    if (condition.kind === 'not') return negateValue(valueTestOf(condition.inner))
    return condition.negate ? negateValue(condition.test) : condition.test
  })
  if (parts.length === 1) return parts[0] as ValueTest
  if (parts.length === 2) {
    const [a, b] = parts as [ValueTest, ValueTest]
    return (value) => a(value) && b(value)
  }
  return (value) => {
    for (const part of parts) if (!part(value)) return false
    return true
  }
}

function negateValue(test: ValueTest): ValueTest {
  return (value) => !test(value)
}

/** The conditions of a dotted path: each positive operator looks for one matching value; negations for none. */
function pathTestOf(path: string, conditions: readonly Condition[]): RowTest {
  return allRows(
    conditions.map((condition): RowTest => {
      if (condition.kind === 'not') return negateRow(pathTestOf(path, condition.inner))
      const some = compileSomeAtPath(path, condition.test)
      return condition.negate ? negateRow(some) : some
    }),
  )
}

function negateRow(test: RowTest): RowTest {
  return (row) => !test(row)
}

function allRows(tests: readonly RowTest[]): RowTest {
  if (tests.length === 0) return () => true
  if (tests.length === 1) return tests[0] as RowTest
  if (tests.length === 2) {
    const [a, b] = tests as [RowTest, RowTest]
    return (row) => a(row) && b(row)
  }
  if (tests.length === 3) {
    const [a, b, c] = tests as [RowTest, RowTest, RowTest]
    return (row) => a(row) && b(row) && c(row)
  }
  return (row) => {
    for (const test of tests) if (!test(row)) return false
    return true
  }
}

function allOf(nodes: readonly FilterNode[]): FilterNode {
  if (nodes.length === 0) return TRUE_NODE
  if (nodes.length === 1) return nodes[0] as FilterNode
  const prunes = nodes.map((node) => node.mayMatch)
  return {
    test: allRows(nodes.map((node) => node.test)),
    mayMatch: (stats, rowCount) => prunes.every((prune) => prune(stats, rowCount)),
  }
}

function anyOf(nodes: readonly FilterNode[]): FilterNode {
  const tests = nodes.map((node) => node.test)
  const prunes = nodes.map((node) => node.mayMatch)
  return {
    test: (row) => {
      for (const test of tests) if (test(row)) return true
      return false
    },
    mayMatch: (stats, rowCount) => prunes.some((prune) => prune(stats, rowCount)),
  }
}

function noneOf(nodes: readonly FilterNode[]): FilterNode {
  const any = anyOf(nodes).test
  return { test: (row) => !any(row), mayMatch: ALWAYS }
}

function failer(context: Context, where: string, path: string, operator: string): Fail {
  return (message) => {
    throw badFilter(context.label, `${where}: ${operator} on field "${path}": ${message}`, { path, operator })
  }
}

function describeArgument(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${describeType(value)} ${String(value)}`
  return describeType(value)
}

