// A complete view pack of your own: a plugin is the same thing the built-in integrations are.
// Put it in your parquedb.config.ts (`plugins: [checkoutPack]`) or pass it to DB().
import { Hono } from 'hono'
import { definePlugin, defineView, type DatabaseFacade } from 'parquedb'

/** Cart activity from your storefront: one row per cart event. */
const CartEvents = {
  cartId: 'string!',
  action: 'string!', // 'add' | 'remove' | 'checkout' | 'abandon'
  sku: 'string?',
  amount: 'decimal(10,2)?',
  at: 'timestamp!',
} as const

/** Revenue and abandonment per hour. */
const CartHours = defineView({
  $from: 'CartEvents',
  $groupBy: [{ hour: '$at' }],
  $compute: {
    events: { $count: '*' },
    checkouts: { $sum: { $cond: [{ $eq: ['$action', 'checkout'] }, 1, 0] } },
    abandoned: { $sum: { $cond: [{ $eq: ['$action', 'abandon'] }, 1, 0] } },
    revenue: { $sum: { $cond: [{ $eq: ['$action', 'checkout'] }, '$amount', 0] } },
  },
})

/** Abandoned carts, newest first on a dashboard. */
const AbandonedCarts = defineView({
  $from: 'CartEvents',
  $filter: { action: 'abandon' },
  $select: { cartId: '$cartId', amount: '$amount', at: '$at' },
})

/** Routes under /plugins/checkout: a summary for your own status page. */
function routes(db: () => DatabaseFacade) {
  return new Hono().get('/summary', async (c) => {
    const hours = await db().view('CartHours').find({}, { sort: { hour: -1 }, limit: 24 })
    const revenue = hours.reduce((sum, row) => sum + Number(row.revenue ?? 0), 0)
    return c.json({ hours: hours.length, revenue })
  })
}

let opened: DatabaseFacade | undefined

export const checkoutPack = definePlugin({
  name: 'checkout',
  collections: { CartEvents },
  views: { CartHours, AbandonedCarts },
  routes: routes(() => {
    if (opened === undefined) throw new Error('checkout: the database is not open yet')
    return opened
  }),
  dashboards: [
    {
      id: 'checkout',
      title: 'Checkout',
      panels: [
        { title: 'Revenue per hour', from: 'CartHours', sort: { hour: 1 }, chart: 'line', fields: ['hour', 'revenue'] },
        { title: 'Abandoned carts', from: 'AbandonedCarts', sort: { at: -1 }, limit: 20, chart: 'table', fields: ['cartId', 'amount', 'at'] },
      ],
    },
  ],
  setup: ({ db }) => {
    opened = db as DatabaseFacade
  },
})
