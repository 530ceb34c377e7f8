import { withMiddleware } from '#shared/middleware.ts';
import { type DetectDeps, type DetectResult, runDetect } from './detect.ts';

/** The detect Lambda (scheduled every 15 minutes; the event carries nothing it needs). */
export function createHandler(deps: DetectDeps) {
  return withMiddleware<unknown, DetectResult>(deps, () => runDetect(deps));
}
