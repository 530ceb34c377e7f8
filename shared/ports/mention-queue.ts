import type { Mention } from '#shared/domain/mention.ts';

/** Result of handing mentions to the queue: which were accepted and which failed (to retry next poll). */
export interface EnqueueResult {
  readonly sent: readonly string[];
  readonly failed: readonly { readonly id: string; readonly error: string }[];
}

/** The queue between collect and classify (SQS on AWS, an in-process SQS model locally). */
export interface MentionQueue {
  /**
   * Send mentions, in as many batches as the transport needs. Never throws for per-message failures:
   * they come back in `failed`. Throws only when the transport itself is unusable.
   */
  send(mentions: readonly Mention[]): Promise<EnqueueResult>;
}
