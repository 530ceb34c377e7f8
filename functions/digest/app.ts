import { z } from 'zod';
import { ValidationError } from '#shared/errors.ts';
import { withMiddleware } from '#shared/middleware.ts';
import { type DigestDeps, type DigestRunResult, runDigest } from './digest.ts';

/** Scheduler input: `{}` for the previous local day, or `{"date": "2026-11-29", "resend": true}` to re-run one. */
export const DigestEventSchema = z.looseObject({
  date: z.iso.date().optional(),
  resend: z.boolean().optional(),
});

/**
 * The digest Lambda.
 * @throws {ValidationError} for a malformed event (a bad manual re-run: retrying cannot fix it).
 */
export function createHandler(deps: DigestDeps) {
  return withMiddleware<
    unknown,
    Omit<DigestRunResult, 'digest'> & {
      mentions: number;
      /** Hours of the day spike detection checked, of all its hours (absent when unknown). */
      detection?: { checked: number; hours: number };
    }
  >(deps, async (event) => {
    const parsed = DigestEventSchema.safeParse(event ?? {});
    if (!parsed.success) {
      throw new ValidationError(
        'invalid digest event',
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message })),
      );
    }
    const result = await runDigest(deps, {
      ...(parsed.data.date ? { date: parsed.data.date } : {}),
      ...(parsed.data.resend ? { resend: true } : {}),
    });
    const detection = result.digest.detection;
    return {
      date: result.date,
      delivery: result.delivery,
      mentions: result.digest.totals.mentions,
      ...(detection ? { detection: { checked: detection.checked, hours: detection.hours } } : {}),
    };
  });
}
