/** `parquedb/ai-sdk`: the ai-sdk integration (see @parquedb/ai-sdk). */
export * from '@parquedb/ai-sdk'
