/** `parquedb/tail`: the tail integration (see @parquedb/tail). */
export * from '@parquedb/tail'
