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
  | 'DigestsGenerated';

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
      metrics.publishStoredMetrics();
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
