/**
 * The Powertools metric sink as the handlers use it.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { powertoolsMetricSink } from '#shared/observability.ts';

describe('powertoolsMetricSink.flush', () => {
  it('publishes only when something was counted, so an invocation that counts nothing logs no warning', () => {
    const metrics = new Metrics({ namespace: 'Pantau', serviceName: 'pantau-test' });
    const publish = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const sink = powertoolsMetricSink(metrics);
    sink.flush();
    expect(publish).not.toHaveBeenCalled();
    sink.count('MentionsFetched', 3);
    sink.flush();
    expect(publish).toHaveBeenCalledTimes(1);
  });
});
