/**
 * Logging and metrics for every handler: Powertools Logger (structured JSON, correlation keys) and
 * Powertools Metrics (CloudWatch EMF), behind the narrow types the use cases take.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';

/** The logging surface use cases need (a Powertools `Logger` satisfies it). */
export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** Metric names the handlers emit (namespace `Pantau`); alarms in `infra/` refer to them. */
export type MetricName =
  | 'MentionsFetched'
  | 'MentionsNew'
  | 'MentionsDuplicate'
  | 'MentionsRejected'
  | 'SourceFailures'
  | 'SourcesSkipped'
  | 'MentionsClassified'
  | 'MentionsStored'
  | 'ComprehendUnits'
  /** Mentions Comprehend throttled past the adapter's retries (they go back to SQS): alarmed when sustained. */
  | 'ComprehendThrottled'
  | 'MessagesRejected'
  | 'AlertsRaised'
  /** An alert the detector would raise, held back by `minDistinctAuthors`. */
  | 'AlertsSuppressed'
  /** A detector state the store refused (its hours are stepped again next run): alarmed. */
  | 'DetectorStateUnsaved'
  /** Hours skipped unchecked by a detector too far behind (the catch-up cap), the most of any series in a run. */
  | 'DetectorHoursSkipped'
  /** Mentions stored after their hour was stepped, added to the next hour the detector steps (the all-series count). */
  | 'MentionsLateDetected'
  | 'AlertsDelivered'
  | 'DeliveryFailures'
  | 'DigestsGenerated'
  /** Requests presenting the id of a key whose stored item is malformed (answered 401): alarmed. */
  | 'ApiKeyItemsMalformed';

/** Where counts go: CloudWatch EMF on AWS, memory locally and in tests. */
export interface MetricSink {
  /** Add `value` to a count, optionally under one dimension set (e.g. `{ source: 'gnews-majalengka' }`). */
  count(name: MetricName, value: number, dimensions?: Readonly<Record<string, string>>): void;
  /** Emit what was recorded (end of an invocation). */
  flush(): void;
}

/** {@link MetricSink} over Powertools Metrics; dimensioned counts go out as single metrics. */
export function powertoolsMetricSink(metrics: Metrics): MetricSink {
  return {
    count(name, value, dimensions) {
      if (!dimensions || Object.keys(dimensions).length === 0) {
        metrics.addMetric(name, MetricUnit.Count, value);
        return;
      }
      const single = metrics.singleMetric();
      for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
      single.addMetric(name, MetricUnit.Count, value);
    },
    flush() {
      // Powertools warns "No application metrics to publish" on an empty flush: the API and the authoriser
      // count nothing, so that would be one warning per request.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}

/** In-memory {@link MetricSink}: totals keyed by `name` or `name|dim=value`. */
export class MemoryMetricSink implements MetricSink {
  readonly totals = new Map<string, number>();

  count(name: MetricName, value: number, dimensions?: Readonly<Record<string, string>>): void {
    const key = dimensions
      ? `${name}|${Object.entries(dimensions)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`
      : name;
    this.totals.set(key, (this.totals.get(key) ?? 0) + value);
  }

  flush(): void {}

  /** Total of a metric name over all its dimension sets. */
  sum(name: MetricName): number {
    let total = 0;
    for (const [key, value] of this.totals) if (key === name || key.startsWith(`${name}|`)) total += value;
    return total;
  }
}

/** middy middleware that flushes a {@link MetricSink} after every invocation, success or error. */
export function flushMetrics(sink: MetricSink): middy.MiddlewareObj {
  return {
    after: () => sink.flush(),
    onError: () => sink.flush(),
  };
}

/** The service logger (Powertools), level from `LOG_LEVEL`. */
export function createLogger(options: { serviceName?: string; logLevel?: string } = {}): Logger {
  return new Logger({
    serviceName: options.serviceName ?? process.env['POWERTOOLS_SERVICE_NAME'] ?? 'pantau',
    logLevel: (options.logLevel ?? process.env['LOG_LEVEL'] ?? 'INFO') as 'INFO',
  });
}

/** Collect's log message for each item (a feed entry, a replay line) it could not use; context has `reason`. */
export const ITEM_REJECTED = 'Source item rejected';

/** Rejected items logged one by one per collect run; the rest are counted by reason in one closing warning. */
export const MAX_REJECTIONS_LOGGED = 20;

/** A log that caps {@link ITEM_REJECTED} warnings ({@link capRejections}). */
export interface RejectionCappedLog extends Log {
  /**
   * Write one warning counting, by reason, the rejected items not logged one by one (nothing when every
   * one was), e.g. `… and 1,016 more source items rejected: invalid-json 1,010, no-text 6 (-v logs each)`,
   * with `{ sources: { <source id>: n } }`, and start counting afresh. Call it once collect has returned.
   */
  flushRejections(): void;
}

/**
 * Cap the per-item rejection warnings of a collect run: the first `max` {@link ITEM_REJECTED} lines are
 * logged as sent; later ones go to debug and are counted by reason and source for
 * {@link RejectionCappedLog.flushRejections}. A binary or broken feed then writes `max` + 1 warnings, not
 * one per line of it, and nothing goes uncounted (the `rejected` counts and the `MentionsRejected` metric
 * are collect's own, unchanged). Every other line passes through.
 * @param options.max - @default MAX_REJECTIONS_LOGGED
 * @param options.hint - How to see every rejection, ending the closing warning, e.g. `-v logs each`.
 */
export function capRejections(log: Log, options: { max?: number; hint?: string } = {}): RejectionCappedLog {
  const max = options.max ?? MAX_REJECTIONS_LOGGED;
  const hint = options.hint ?? 'LOG_LEVEL=DEBUG logs each';
  type Write = (message: string, ...extra: unknown[]) => void;
  const call =
    (level: keyof Log): Write =>
    (message, ...extra) =>
      (log[level] as Write)(message, ...extra);
  let rejections = 0;
  const byReason = new Map<string, number>();
  const bySource = new Map<string, number>();
  const bump = (counts: Map<string, number>, key: unknown) => {
    const k = typeof key === 'string' ? key : 'unknown';
    counts.set(k, (counts.get(k) ?? 0) + 1);
  };
  const capped =
    (level: 'warn' | 'error'): Write =>
    (message, ...extra) => {
      if (message === ITEM_REJECTED && ++rejections > max) {
        const context = (extra[0] ?? {}) as { reason?: unknown; source?: unknown };
        bump(byReason, context.reason);
        bump(bySource, context.source);
        call('debug')(message, ...extra);
        return;
      }
      call(level)(message, ...extra);
    };
  return {
    debug: call('debug'),
    info: call('info'),
    warn: capped('warn'),
    error: capped('error'),
    flushRejections: () => {
      const more = rejections - max;
      if (more > 0) {
        const reasons = [...byReason]
          .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
          .map(([reason, n]) => `${reason} ${n.toLocaleString('en')}`)
          .join(', ');
        call('warn')(
          `… and ${more.toLocaleString('en')} more source ${more === 1 ? 'item' : 'items'} rejected: ${reasons} (${hint})`,
          { sources: Object.fromEntries(bySource) },
        );
      }
      rejections = 0;
      byReason.clear();
      bySource.clear();
    },
  } as RejectionCappedLog;
}

/** A logger that drops everything (CLI quiet mode). */
export const silentLog: Log = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Message of any thrown value, for log lines (never for client responses). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
