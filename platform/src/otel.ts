/** `parquedb/otel`: the otel integration (see @parquedb/otel). */
export * from '@parquedb/otel'
