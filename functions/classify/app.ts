import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { withMiddleware } from '#shared/middleware.ts';
import { type ClassifyDeps, classifyRecords } from './classify.ts';

/** Time kept back from the Lambda deadline for storing results and answering SQS, in ms. */
export const DEADLINE_MARGIN_MS = 5_000;

/**
 * The classify Lambda: SQS batch in, partial batch response out. The same handler runs on AWS
 * (`handler.ts`), in the local runtime and in tests; only `deps` differ.
 */
export function createHandler(deps: ClassifyDeps) {
  return withMiddleware<SQSEvent, SQSBatchResponse>(deps, (event, context) =>
    classifyRecords(event.Records, deps, {
      remainingTimeMs: () => context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
    }),
  );
}
