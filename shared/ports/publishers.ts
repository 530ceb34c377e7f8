import type { Alert } from '#shared/domain/alert.ts';
import type { StoredDigest } from './mention-store.ts';

/** Sends an alert to the communications team (SNS on AWS; console and a file locally). */
export interface AlertPublisher {
  /**
   * Send one message for `alert` and, with `related`, the other alerts of the same event (listed in
   * `rendered.text`; machine channels get them as JSON).
   * @throws when delivery failed (the caller leaves the alerts unpublished and retries next run).
   */
  publish(
    alert: Alert,
    rendered: { subject: string; text: string },
    related?: readonly Alert[],
  ): Promise<void>;
}

/** Delivers a rendered digest to analysts (SNS e-mail on AWS; files locally). */
export interface DigestSink {
  /** @returns where it went (a message id or a file path), for the log and the CLI summary. */
  deliver(digest: StoredDigest, subject: string): Promise<string>;
}
