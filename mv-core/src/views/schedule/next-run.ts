import { CronExpressionParser } from 'cron-parser'

/**
 * The first instant after `after` that a cron schedule names, in the schedule's time zone (UTC by
 * default). Throws cron-parser's error for an invalid expression (parseRefresh calls it once at
 * definition, so views never hold one).
 *
 * @example
 * nextRun('0 * * * *', new Date('2024-01-15T10:30:00Z')) // 2024-01-15T11:00:00.000Z
 */
export function nextRun(schedule: string, after: Date, timeZone = 'UTC'): Date {
  return CronExpressionParser.parse(schedule, { currentDate: after, tz: timeZone }).next().toDate()
}
