import { z } from 'zod';
import { AlertIdParamSchema } from '#shared/domain/api/schemas.ts';
import { ValidationError } from '#shared/errors.ts';
import { withMiddleware } from '#shared/middleware.ts';
import { type DetectDeps, type DetectResult, redeliverAlerts, runDetect } from './detect.ts';

/**
 * The detect Lambda's input. The schedule sends `{}` (its target input in `infra/constructs/schedules.ts`):
 * a detection run. Any other field is refused, so a mistyped operator event (`{"Redeliver": …}`) fails
 * instead of running a detection. `{"redeliver": ["<alertId>", …]}` (1–50 distinct ids) is the operator's: publish those alerts if
 * they were never published, whatever their age (docs/operations.md, "Alert publishing failing").
 */
export const DetectEventSchema = z.strictObject({
  // Duplicates collapse before the limit: 50 distinct ids, however often each is named.
  redeliver: z
    .array(AlertIdParamSchema)
    .min(1)
    .max(500)
    .transform((ids) => [...new Set(ids)])
    .pipe(z.array(z.string()).max(50, 'at most 50 distinct alert ids'))
    .optional(),
});

/**
 * The detect Lambda: scheduled every 15 minutes for a detection run, or invoked by hand to redeliver
 * named alerts. Runs on AWS (`handler.ts`), in the local runtime and in tests.
 * @throws {ValidationError} for an event that is not an object or whose `redeliver` is not 1–50 distinct alert ids.
 */
export function createHandler(deps: DetectDeps) {
  return withMiddleware<unknown, DetectResult>(deps, (event) => {
    const parsed = DetectEventSchema.safeParse(event ?? {});
    if (!parsed.success) {
      throw new ValidationError(
        'invalid detect event',
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message })),
      );
    }
    return parsed.data.redeliver ? redeliverAlerts(deps, parsed.data.redeliver) : runDetect(deps);
  });
}
