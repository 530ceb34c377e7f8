/** Test helpers for the spike detector (`shared/domain/spikes/detector.ts`). */
import {
  createSeriesState,
  type DetectorParams,
  type Observation,
  type SeriesState,
  type StepResult,
  stepSeries,
} from '#shared/domain/spikes/detector.ts';

/**
 * Steps one series through `obs` in order, from `state` or a fresh state at the first bucket.
 * @returns the state after the last step and every step's result, in order.
 */
export function runSeries(
  obs: readonly Observation[],
  params: DetectorParams,
  state?: SeriesState,
): { state: SeriesState; results: StepResult[] } {
  let s = state ?? createSeriesState(obs[0]!.bucketStartMs, params);
  const results: StepResult[] = [];
  for (const o of obs) {
    const r = stepSeries(s, o, params);
    results.push(r);
    s = r.state;
  }
  return { state: s, results };
}
