import type { Evalite } from 'evalite'

/**
 * Rows of the evalite pack's collections turned into the entities evalite's storage contract
 * returns, with the same shapes its sqlite storage gives: snake_case names, absent values as
 * null, JSON columns parsed, `created_at` as an ISO-8601 instant.
 */
type StoredRow = Readonly<Record<string, unknown>>

export function toRun(row: StoredRow): Evalite.Storage.Entities.Run {
  return { id: row.runId as number, runType: row.runType as Evalite.RunType, created_at: isoOf(row.timestamp) }
}

export function toEval(row: StoredRow): Evalite.Storage.Entities.Eval {
  return {
    id: row.evalId as number,
    run_id: row.runId as number,
    name: row.name as string,
    filepath: row.filepath as string,
    duration: row.duration as number,
    created_at: isoOf(row.timestamp),
    status: row.status as Evalite.Storage.Entities.EvalStatus,
    variant_name: (row.variantName ?? null) as string | undefined,
    variant_group: (row.variantGroup ?? null) as string | undefined,
  }
}

export function toResult(row: StoredRow): Evalite.Storage.Entities.Result {
  return {
    id: row.resultId as number,
    eval_id: row.evalId as number,
    duration: row.duration as number,
    input: parseJson(row.inputJson),
    output: parseJson(row.outputJson),
    expected: parseJson(row.expectedJson),
    col_order: row.order as number,
    created_at: isoOf(row.timestamp),
    status: row.status as Evalite.ResultStatus,
    rendered_columns: parseJson(row.renderedColumnsJson),
    trial_index: (row.trialIndex ?? null) as number | null,
  }
}

export function toScore(row: StoredRow): Evalite.Storage.Entities.Score {
  return {
    id: row.scoreId as number,
    result_id: row.resultId as number,
    name: row.scorerName as string,
    score: (row.exactScore ?? row.score) as number,
    description: (row.description ?? null) as string | undefined,
    metadata: parseJson(row.metadataJson),
    created_at: isoOf(row.timestamp),
  }
}

export function toTrace(row: StoredRow): Evalite.Storage.Entities.Trace {
  return {
    id: row.traceId as number,
    result_id: row.resultId as number,
    input: parseJson(row.inputJson),
    output: parseJson(row.outputJson),
    start_time: row.startTime as number,
    end_time: row.endTime as number,
    input_tokens: (row.inputTokens ?? null) as number | undefined,
    output_tokens: (row.outputTokens ?? null) as number | undefined,
    total_tokens: (row.totalTokens ?? null) as number | undefined,
    col_order: row.order as number,
  }
}

/** JSON text as evalite's sqlite storage writes it: `undefined` is stored as null (SQL NULL). */
export function jsonText(value: unknown): string | null {
  return JSON.stringify(value) ?? null
}

function parseJson(text: unknown): unknown {
  return typeof text === 'string' ? JSON.parse(text) : null
}

function isoOf(value: unknown): string {
  return (value instanceof Date ? value : new Date(value as string)).toISOString()
}
