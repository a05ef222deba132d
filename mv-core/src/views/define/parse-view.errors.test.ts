import { describe, expect, it } from 'vitest'
import { ParqueDBError } from '../../errors.ts'
import { parseView } from './parse-view.ts'
import { collections, seedCatalog } from './test-fixtures.ts'
import type { ViewCatalog } from './types.ts'

const catalog = seedCatalog()

function errorOf(definition: unknown, options: { name?: string; catalog?: ViewCatalog } = {}): ParqueDBError {
  try {
    parseView(options.name ?? 'V', definition, options.catalog ?? catalog)
  } catch (error) {
    if (ParqueDBError.isInstance(error, 'SCHEMA')) return error
    throw error
  }
  throw new Error('expected parseView to throw')
}

function messageOf(definition: unknown, options?: { name?: string; catalog?: ViewCatalog }): string {
  return errorOf(definition, options).message
}

const DIRECTIVES = '$type, $from, $filter, $unnest, $expand, $flatten, $select, $groupBy, $compute, $refresh, $timezone'
const KNOWN_SOURCES =
  'collections: AIRequests, Customer, EvalRuns, EvalScores, Generations, MyCollection, Order, OrderItem, Product, TailEvents; views: AIErrors, AdHocReport, DailyAIUsage, DailySales, EndpointMetrics, EvalTrends, GeneratedObjects, OrderAnalytics, WeeklyAIUsage, WorkerErrors, WorkerLogs, WorkerRequests'

/** [what, definition, message] for definitions parsed as view "V" against the seed catalog. */
const cases: ReadonlyArray<readonly [string, unknown, string]> = [
  // The definition as a whole
  ['not an object', ['Order'], `view "V": definition must be an object of directives such as { $from: 'Order' }, got array(1)`],
  ['a field key', { $from: 'Order', total: 'decimal(10,2)!' }, `view "V": total: a view definition holds only directives (${DIRECTIVES}); its columns come from its source, $select, $groupBy and $compute`],
  ['a misspelled directive', { $from: 'Order', $froup: 1 }, `view "V": $froup: unknown directive (did you mean $from?); expected one of ${DIRECTIVES}`],
  ['an unknown directive', { $from: 'Order', $partition: 'day' }, `view "V": $partition: unknown directive; expected one of ${DIRECTIVES}`],
  ['a collection directive', { $from: 'Order', $ingest: 'tail' }, 'view "V": $ingest: is a directive of stream collections (it wires up ingestion); a view gets its rows from $from'],
  ['a function', { $from: 'Order', $filter: { status: () => 'paid' } }, 'view "V": $filter.status: function cannot appear in a view definition (expected JSON values, Dates or RegExps)'],
  ['a Map', { $from: 'Order', $compute: { n: new Map() } }, 'view "V": $compute.n: Map cannot appear in a view definition (expected JSON values, Dates or RegExps)'],
  // $type, $from, $timezone
  ['an empty $type', { $from: 'Order', $type: '' }, 'view "V": $type: expected a non-empty string, got ""'],
  ['no $from', { $select: { a: '$status' } }, 'view "V": $from: missing: a view needs a source, the name of a collection or of another view'],
  ['a $from that is not a name', { $from: 5 }, 'view "V": $from: expected the name of a collection or view, got 5'],
  ['a misspelled source', { $from: 'Ordr' }, `view "V": $from: unknown source "Ordr" (did you mean "Order"?); known ${KNOWN_SOURCES}`],
  ['an unknown source', { $from: 'Zebra' }, `view "V": $from: unknown source "Zebra"; known ${KNOWN_SOURCES}`],
  ['an unknown time zone', { $from: 'Order', $timezone: 'Nowhere/Land' }, `view "V": $timezone: expected an IANA time zone such as 'UTC' or 'America/New_York', got "Nowhere/Land"`],
  // $select with grouping
  [
    '$select with $groupBy',
    { $from: 'Order', $select: { a: '$status' }, $groupBy: ['status'] },
    `view "V": $select: cannot be combined with $groupBy: a grouped view's rows are its group keys and $compute aggregates, so there is no row for $select to shape; compute per-row values inside the aggregates or group keys (e.g. { $sum: { $multiply: ['$price', '$quantity'] } }), or select in a view of its own and group that`,
  ],
  [
    '$select with $compute',
    { $from: 'Order', $select: { a: '$status' }, $compute: { n: { $count: '*' } } },
    `view "V": $select: cannot be combined with $compute: a grouped view's rows are its group keys and $compute aggregates, so there is no row for $select to shape; compute per-row values inside the aggregates or group keys (e.g. { $sum: { $multiply: ['$price', '$quantity'] } }), or select in a view of its own and group that`,
  ],
  // $filter
  ['a filter on an unknown field', { $from: 'TailEvents', $filter: { outcom: 'ok' } }, 'view "V": $filter: unknown field "outcom" (not declared on TailEvents and not one of $id, createdAt, updatedAt)'],
  ['an unknown filter operator', { $from: 'TailEvents', $filter: { outcome: { $nee: 'ok' } } }, 'view "V": $filter: unknown operator "$nee" on field "outcome"'],
  ['a bad filter inside $or', { $from: 'TailEvents', $filter: { $or: [{ nope: 1 }] } }, 'view "V": $filter: $or[0]: unknown field "nope" (not declared on TailEvents and not one of $id, createdAt, updatedAt)'],
  ['a filter on a reverse relation', { $from: 'Order', $filter: { items: 1 } }, 'view "V": $filter: field "items" is a reverse relation, which is not stored and cannot be filtered on'],
  ['a filter that is a list', { $from: 'Order', $filter: [1] }, 'view "V": $filter: must be an object, got array'],
  [
    'a filter path into a string',
    { $from: 'TailEvents', $filter: { 'scriptName.x': 1 } },
    'view "V": $filter: path "scriptName.x" reaches into field "scriptName" (string!); only variant fields have nested paths, and lists only an element index',
  ],
  // $unnest
  ['$unnest of a number', { $from: 'TailEvents', $unnest: 3 }, 'view "V": $unnest: expected the name of a list field, got 3 (list fields of TailEvents: logs, exceptions)'],
  ['$unnest of an unknown field', { $from: 'TailEvents', $unnest: 'log' }, 'view "V": $unnest: "log" is not a field of TailEvents (list fields of TailEvents: logs, exceptions)'],
  ['$unnest of a path', { $from: 'TailEvents', $unnest: 'event.logs' }, 'view "V": $unnest: "event.logs" is not a field of TailEvents; $unnest takes a top-level field (list fields of TailEvents: logs, exceptions)'],
  ['$unnest of a reverse relation', { $from: 'Order', $unnest: 'items' }, 'view "V": $unnest: "items" is a reverse relation (<- OrderItem[]), which is not stored; $expand it instead'],
  ['$unnest of a variant', { $from: 'TailEvents', $unnest: 'event' }, 'view "V": $unnest: "event" is variant?, not a list (list fields of TailEvents: logs, exceptions)'],
  ['$unnest without lists', { $from: 'Order', $unnest: 'status' }, 'view "V": $unnest: "status" is string!, not a list (Order has no list fields)'],
  // $expand
  ['$expand not a list', { $from: 'Order', $expand: 'customer' }, `view "V": $expand: expected a list of relation paths such as ['customer', 'items.product'], got "customer"`],
  ['$expand of a number', { $from: 'Order', $expand: [1] }, `view "V": $expand.0: expected a relation path such as 'customer', got 1`],
  ['$expand twice', { $from: 'Order', $expand: ['customer', 'customer'] }, 'view "V": $expand.customer: is listed twice'],
  ['$expand of a bad path', { $from: 'Order', $expand: ['customer..x'] }, `view "V": $expand.customer..x: invalid path "customer..x": expected relation names joined by '.', such as 'items.product'`],
  ['$expand too deep', { $from: 'Order', $expand: ['a.b.c.d'] }, 'view "V": $expand.a.b.c.d: "a.b.c.d" is 4 relations deep; $expand goes at most 3 levels'],
  ['$expand of an unknown field', { $from: 'Order', $expand: ['buyer'] }, 'view "V": $expand.buyer: "buyer" is not a field of Order; relations of Order: customer, items'],
  ['$expand of a scalar', { $from: 'Order', $expand: ['status'] }, `view "V": $expand.status: "status" of Order is string!, not a relation ('-> Target' or '<- Target[]'), so it cannot be expanded`],
  ['$expand one hop too far', { $from: 'Order', $expand: ['customer.address'] }, 'view "V": $expand.customer.address: "address" is not a field of Customer (reached by "customer"); Customer has no relations'],
  [
    '$expand ending on a scalar',
    { $from: 'Order', $expand: ['items.price'] },
    `view "V": $expand.items.price: "price" of OrderItem (reached by "items") is decimal(10,2)!, not a relation ('-> Target' or '<- Target[]'), so it cannot be expanded`,
  ],
  ['$expand without relations', { $from: 'TailEvents', $expand: ['x'] }, 'view "V": $expand.x: "x" is not a field of TailEvents; TailEvents has no relations'],
  // $flatten
  ['$flatten not an object', { $from: 'Order', $expand: ['customer'], $flatten: ['buyer'] }, `view "V": $flatten: expected an object of expand path → prefix such as { customer: 'buyer' }, got array(1)`],
  ['$flatten of a path not expanded', { $from: 'Order', $expand: ['customer'], $flatten: { items: 'x' } }, `view "V": $flatten.items: "items" is not one of $expand's paths (customer)`],
  ['$flatten without $expand', { $from: 'Order', $flatten: { customer: 'x' } }, `view "V": $flatten.customer: "customer" is not one of $expand's paths (there are none)`],
  ['$flatten to a dotted prefix', { $from: 'Order', $expand: ['customer'], $flatten: { customer: 'a.b' } }, `view "V": $flatten.customer: expected a column prefix such as 'buyer' (no '.', no leading '$'), got "a.b"`],
  [
    '$flatten of two paths to one prefix',
    { $from: 'Order', $expand: ['customer', 'items.product'], $flatten: { customer: 'x', 'items.product': 'x' } },
    'view "V": $flatten.items.product: prefix "x" is also given to "customer"',
  ],
  // $select
  ['$select not an object', { $from: 'Order', $select: ['status'] }, `view "V": $select: expected an object of output fields such as { level: '$logs.level' }, got array(1)`],
  ['$select of nothing', { $from: 'Order', $select: {} }, 'view "V": $select: selects no fields; omit $select to keep every source field'],
  ['a dotted output name', { $from: 'Order', $select: { 'a.b': '$status' } }, `view "V": $select.a.b: output name "a.b" cannot contain '.' ('.' reads into nested values)`],
  ['a $ output name', { $from: 'Order', $select: { $x: '$status' } }, `view "V": $select.$x: output name "$x" cannot start with '$' (reserved for directives and system fields)`],
  ['a system output name', { $from: 'Order', $select: { createdAt: '$createdAt' } }, 'view "V": $select.createdAt: output name "createdAt" is a system column every view row has; choose another name'],
  ['an unknown expression operator', { $from: 'Order', $select: { s: { $concat: ['$status'] } } }, 'view "V": $select.s: unknown operator $concat'],
  ['a path into a string', { $from: 'Order', $select: { s: '$status.length' } }, 'view "V": $select.s: "status.length" reads into "status" (string!), which has no nested values; only variant fields do'],
  [
    'a path into a list without an index',
    { $from: 'TailEvents', $select: { s: '$logs.level' } },
    `view "V": $select.s: "logs.level" reads into the list "logs" (variant[]) without an element index; write "logs.0.level" for the first element, or $unnest: 'logs' for one row per element`,
  ],
  // $groupBy
  ['$groupBy not a list', { $from: 'Order', $groupBy: 'status' }, `view "V": $groupBy: expected a list of group keys such as ['scriptName', { hour: '$timestamp' }], got "status"`],
  ['$groupBy of nothing', { $from: 'Order', $groupBy: [] }, 'view "V": $groupBy: lists no keys; omit $groupBy for one group over all rows'],
  ['a group key that is a number', { $from: 'Order', $groupBy: [5] }, `view "V": $groupBy.0: expected a field name or a one-key object such as { hour: '$timestamp' }, got 5`],
  ['a group key with two names', { $from: 'Order', $groupBy: [{ a: '$status', b: '$total' }] }, `view "V": $groupBy.0: expected a field name or a one-key object such as { hour: '$timestamp' }, got an object with 2 keys (a, b)`],
  ['an empty group key', { $from: 'Order', $groupBy: [{}] }, `view "V": $groupBy.0: expected a field name or a one-key object such as { hour: '$timestamp' }, got an object with 0 keys`],
  ['a constant bucket', { $from: 'Order', $groupBy: [{ day: 'createdAt' }] }, `view "V": $groupBy.day: groups every row under the constant "createdAt"; write '$createdAt' to read the field "createdAt"`],
  ['a constant key', { $from: 'Order', $groupBy: [{ region: 5 }] }, 'view "V": $groupBy.region: groups every row under the constant 5'],
  ['a field name with $', { $from: 'Order', $groupBy: ['$status'] }, `view "V": $groupBy.0: invalid field path "$status"; write the field name without '$' ('status'), or { name: '$status' }`],
  ['a bad group path', { $from: 'Order', $groupBy: ['a..b'] }, 'view "V": $groupBy.0: invalid field path "a..b"'],
  ['a bucket of a boolean', { $from: 'AIRequests', $groupBy: [{ day: '$cached' }] }, 'view "V": $groupBy.day: a day bucket needs a timestamp, but "cached" is boolean!'],
  ['a bucket of a decimal', { $from: 'Order', $groupBy: [{ month: '$total' }] }, 'view "V": $groupBy.month: a month bucket needs a timestamp, but "total" is decimal(10,2)!'],
  [
    'two group keys with one name',
    { $from: 'TailEvents', $groupBy: ['event.request.method', { event_request_method: '$outcome' }] },
    `view "V": $groupBy.event_request_method: output name "event_request_method" is used twice: by $groupBy entry 'event.request.method' and by $groupBy entry { event_request_method: '$outcome' }`,
  ],
  [
    'a group key and an aggregate with one name',
    { $from: 'Order', $groupBy: ['status'], $compute: { status: { $count: '*' } } },
    `view "V": $compute.status: output name "status" is used twice: by $groupBy entry 'status' and by $compute.status`,
  ],
  ['a group key named _state', { $from: 'Order', $groupBy: [{ _state: '$status' }] }, 'view "V": $groupBy._state: output name "_state" is where a grouped view keeps its aggregate states; choose another name'],
  ['a group key on a system column name', { $from: 'Order', $groupBy: ['createdAt'] }, 'view "V": $groupBy.createdAt: output name "createdAt" is a system column every view row has; choose another name'],
  ['a group expression with an unknown operator', { $from: 'Order', $groupBy: [{ s: { $upper: '$status' } }] }, 'view "V": $groupBy.s: unknown operator $upper'],
  ['a path to an unknown related field', { $from: 'Order', $groupBy: ['customer.phone'] }, 'view "V": $groupBy.customer_phone: "customer.phone" reads Customer.phone, but Customer has no field "phone"'],
  [
    'a path to a related system column',
    { $from: 'Order', $groupBy: ['customer.createdAt'] },
    `view "V": $groupBy.customer_createdAt: "customer.createdAt" reads Customer.createdAt, a system column; expansions add Customer's declared fields only`,
  ],
  // $compute
  ['$compute not an object', { $from: 'Order', $compute: [] }, `view "V": $compute: expected an object of named aggregates such as { requests: { $count: '*' } }, got array(0)`],
  ['$compute of nothing', { $from: 'Order', $compute: {} }, 'view "V": $compute: computes nothing; omit $compute to keep only the distinct group keys'],
  ['a misspelled aggregate', { $from: 'Order', $groupBy: [{ date: '$createdAt' }], $compute: { revenue: { $summ: 'total' } } }, 'view "V": $compute.revenue: unknown operator $summ'],
  ['an aggregate field with $', { $from: 'Order', $compute: { revenue: { $sum: '$total' } } }, `view "V": $compute.revenue: $sum takes a field path without '$' ("total", not "$total"); expressions go in an object`],
  [
    'an implicit fan-out',
    { $from: 'Order', $compute: { v: { $sum: 'items.price' } } },
    'view "V": $compute.v: "items.price" reads through "items", which reaches many OrderItem rows; list "items" in $expand to give the view one row per OrderItem',
  ],
  // $refresh
  ['an unknown $refresh key', { $from: 'Order', $refresh: { mode: 'streaming', backend: 'iceberg' } }, 'view "V": $refresh.backend: unknown key (expected mode, schedule, timezone, strategy, gracePeriod)'],
  ['a scheduled view without schedule', { $from: 'Order', $refresh: { mode: 'scheduled' } }, `view "V": $refresh.schedule: mode 'scheduled' needs a schedule, a cron string such as '0 * * * *'`],
]

describe('parseView errors', () => {
  it.each(cases)('%s', (_what, definition, message) => {
    const error = errorOf(definition)
    expect(error.message).toBe(`[parquedb] ${message}`)
    expect(error.code).toBe('SCHEMA')
    // details name the view, the directive and the key as the message does.
    const [, directive, key] = /^view "V": (\$\w+)(?:\.(.+?))?: /.exec(message) ?? []
    expect(error.details.view).toBe('V')
    if (directive !== undefined) expect(error.details.directive).toBe(directive)
    if (key !== undefined) expect(error.details.key).toBe(key)
  })

  it('names the filter path in details', () => {
    expect(errorOf({ $from: 'TailEvents', $filter: { outcom: 'ok' } }).details).toMatchObject({ view: 'V', directive: '$filter', key: 'outcom', path: 'outcom' })
  })

  it('rejects bad view names and names taken by collections', () => {
    expect(messageOf({ $from: 'Order' }, { name: 'a/b' })).toBe(`[parquedb] view "a/b": the name must be letters, digits, '_' or '-', starting with a letter or '_'`)
    expect(messageOf({ $from: 'Order' }, { name: '' })).toBe(`[parquedb] view "": the name must be letters, digits, '_' or '-', starting with a letter or '_'`)
    expect(messageOf({ $from: 'Order' }, { name: 'Customer' })).toBe('[parquedb] view "Customer": the name is already taken by a collection')
    expect(messageOf({ $from: 'Order' }, { catalog: { collections: catalog.collections, views: new Map([['Order', {}]]) } })).toBe(
      '[parquedb] view "V": $from: "Order" names both a collection and a view',
    )
  })

  it("keeps a '__proto__' key of $flatten as data", () => {
    expect(messageOf({ $from: 'Order', $expand: ['customer'], $flatten: JSON.parse('{"__proto__": "x"}') })).toBe(
      `[parquedb] view "V": $flatten.__proto__: "__proto__" is not one of $expand's paths (customer)`,
    )
  })

  it('rejects a definition that contains itself', () => {
    const definition: Record<string, unknown> = { $from: 'Order' }
    definition.$filter = { me: definition }
    expect(messageOf(definition)).toBe('[parquedb] view "V": $filter.me: the definition refers to itself (a cycle); view definitions are trees of JSON values')
  })

  it('rejects a column an expansion would add twice', () => {
    const withName = { collections: collections({ Order: { x_name: 'string', customer: '-> Customer' } }), views: new Map() }
    expect(messageOf({ $from: 'Order', $expand: ['customer'], $flatten: { customer: 'x' } }, { catalog: withName })).toBe(
      '[parquedb] view "V": $expand.customer: column "x_name" (Customer.name) collides with field "x_name" of Order',
    )
    const clash = { collections: collections({ Order: { customer_name: 'string', customer: '-> Customer' } }), views: new Map() }
    expect(messageOf({ $from: 'Order', $expand: ['customer'] }, { catalog: clash })).toBe(
      `[parquedb] view "V": $expand.customer: column "customer_name" (Customer.name) collides with field "customer_name" of Order; rename the prefix with $flatten: { 'customer': '...' }`,
    )
  })

  it('checks every hop of a relation path', () => {
    const nowhere = { collections: collections({ Order: { customer: '-> Nobody' } }), views: new Map() }
    expect(messageOf({ $from: 'Order', $expand: ['customer'] }, { catalog: nowhere })).toBe(
      '[parquedb] view "V": $expand.customer: "customer" of Order points to Nobody, which is not a collection of this database',
    )
    const twoWays = { collections: collections({ OrderItem: { a: '-> Order', b: '-> Order' } }), views: new Map() }
    expect(messageOf({ $from: 'Order', $expand: ['items'] }, { catalog: twoWays })).toBe(
      `[parquedb] view "V": $expand.items: "items" of Order is <- OrderItem[], and OrderItem has several relations to Order (a, b); name one, as in '<- OrderItem.a[]'`,
    )
    const wrongVia = { collections: collections({ Order: { items: '<- OrderItem.order[]' }, OrderItem: { a: '-> Order' } }), views: new Map() }
    expect(messageOf({ $from: 'Order', $expand: ['items'] }, { catalog: wrongVia })).toBe(
      `[parquedb] view "V": $expand.items: "items" of Order is <- OrderItem.order[], but OrderItem.order is not a relation to Order ('-> Order')`,
    )
    const twoFanOuts = {
      collections: collections({ Order: { items: '<- OrderItem[]', payments: '<- Payment[]' }, OrderItem: { order: '-> Order' }, Payment: { order: '-> Order' } }),
      views: new Map(),
    }
    expect(messageOf({ $from: 'Order', $expand: ['items', 'payments'] }, { catalog: twoFanOuts })).toBe(
      '[parquedb] view "V": $expand.payments: "payments" reaches many Payment rows through "payments", but the view already fans out over "items"; a view fans out over one relation only',
    )
  })
})

describe('cycles among views', () => {
  const views = new Map<string, unknown>([
    ['A', { $from: 'B' }],
    ['B', { $from: 'A' }],
    ['C', { $from: 'C' }],
    ['D', { $from: 'A' }],
    ['E', { $from: 'F' }],
    ['F', { $from: 'G' }],
    ['G', { $from: 'E' }],
  ])
  const cyclic: ViewCatalog = { collections: catalog.collections, views }

  it('names the cycle, from the view where it closes', () => {
    expect(messageOf(views.get('A'), { name: 'A', catalog: cyclic })).toBe('[parquedb] view "A": $from: cycle A -> B -> A')
    expect(messageOf(views.get('C'), { name: 'C', catalog: cyclic })).toBe('[parquedb] view "C": $from: cycle C -> C')
    expect(messageOf(views.get('E'), { name: 'E', catalog: cyclic })).toBe('[parquedb] view "E": $from: cycle E -> F -> G -> E')
    expect(errorOf(views.get('A'), { name: 'A', catalog: cyclic }).details).toEqual({ view: 'A', directive: '$from', key: undefined, cycle: ['A', 'B', 'A'] })
  })

  it('reports a cycle upstream of the view being parsed', () => {
    expect(messageOf(views.get('D'), { name: 'D', catalog: cyclic })).toBe('[parquedb] view "A": $from: cycle A -> B -> A')
  })

  it('reports an error of an upstream view as that view', () => {
    const broken: ViewCatalog = { collections: catalog.collections, views: new Map([['Up', { $from: 'Order', $filter: { nope: 1 } }]]) }
    expect(messageOf({ $from: 'Up' }, { catalog: broken })).toBe(
      '[parquedb] view "Up": $filter: unknown field "nope" (not declared on Order and not one of $id, createdAt, updatedAt)',
    )
  })

  it("does not let a dependant read its source's hidden columns", () => {
    const grouped: ViewCatalog = { collections: catalog.collections, views: new Map([['G', { $from: 'Order', $groupBy: ['status'] }]]) }
    expect(messageOf({ $from: 'G', $filter: { _state: 1 } }, { catalog: grouped })).toBe(
      '[parquedb] view "V": $filter: unknown field "_state" (not declared on G and not one of $id, createdAt, updatedAt)',
    )
  })
})
