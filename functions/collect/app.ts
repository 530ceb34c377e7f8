import { z } from 'zod';
import { ValidationError } from '#shared/errors.ts';
import { withMiddleware } from '#shared/middleware.ts';
import { capRejections, type RejectionCappedLog } from '#shared/observability.ts';
import { type CollectDeps, collectMentions, type SourceReport } from './collect.ts';

/** The Scheduler's input: one source (`{"sourceId": "gnews-majalengka"}`) or every source (`{}`). */
export const CollectEventSchema = z.looseObject({ sourceId: z.string().min(1).optional() });

/** What the collect Lambda returns (and logs): per-source reports and totals. */
export interface CollectResult {
  readonly startedAt: string;
  readonly sources: readonly SourceReport[];
  readonly totals: {
    readonly fetched: number;
    readonly new: number;
    readonly duplicate: number;
    /** Sources that failed (skipped ones not included). */
    readonly failedSources: number;
    /** Sources not polled on purpose: credentials missing, daily budget spent. */
    readonly skippedSources: number;
  };
}

/**
 * The collect Lambda. Runs on AWS (`handler.ts`), in the local runtime and in tests.
 * @throws {ValidationError} for an event that is not an object or names an unknown source (a
 *   configuration mistake: retrying cannot fix it).
 */
export function createHandler(deps: CollectDeps) {
  return withMiddleware<unknown, CollectResult>(deps, async (event) => {
    const parsed = CollectEventSchema.safeParse(event ?? {});
    if (!parsed.success) {
      throw new ValidationError(
        'invalid collect event',
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message })),
      );
    }
    const { sourceId } = parsed.data;
    const sources = sourceId ? deps.sources.filter((s) => s.id === sourceId) : deps.sources;
    if (sourceId && sources.length === 0) {
      throw new ValidationError(`unknown source '${sourceId}'`, [
        { path: 'sourceId', code: 'unknown_source', message: `no enabled source '${sourceId}'` },
      ]);
    }
    // One broken feed must not write a warning per line of it: the first MAX_REJECTIONS_LOGGED rejected
    // items are logged, the rest summed up by reason (a caller's own capped log, as `npm start` passes, is
    // used as it is).
    const log = 'flushRejections' in deps.log ? (deps.log as RejectionCappedLog) : capRejections(deps.log);
    let report: Awaited<ReturnType<typeof collectMentions>>;
    try {
      report = await collectMentions({ ...deps, log, sources });
    } finally {
      log.flushRejections();
    }
    const sum = (f: (r: SourceReport) => number) => report.sources.reduce((s, r) => s + f(r), 0);
    return {
      startedAt: report.startedAt,
      sources: report.sources,
      totals: {
        fetched: sum((r) => r.fetched),
        new: sum((r) => r.new),
        duplicate: sum((r) => r.duplicate),
        failedSources: sum((r) => (r.ok || r.skipped ? 0 : 1)),
        skippedSources: sum((r) => (r.skipped ? 1 : 0)),
      },
    };
  });
}
