/**
 * A dashboard a plugin ships: panels, each a query on one of its views (or collections) and a
 * way to show it. The UI draws them; the HTTP API lists them under `/dashboards`.
 */
export interface DashboardSpec {
  readonly id: string
  readonly title: string
  readonly panels: readonly DashboardPanel[]
}

export interface DashboardPanel {
  readonly title: string
  /** The view or collection the panel reads. */
  readonly from: string
  readonly filter?: Readonly<Record<string, unknown>>
  readonly sort?: Readonly<Record<string, 1 | -1>>
  readonly limit?: number
  readonly chart: 'table' | 'line' | 'bar' | 'stat'
  /** Fields the chart plots: x then ys for line and bar, the value for stat, the columns for table. */
  readonly fields: readonly string[]
}
