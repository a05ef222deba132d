/** `parquedb/evalite`: the evalite integration (see @parquedb/evalite). */
export * from '@parquedb/evalite'
