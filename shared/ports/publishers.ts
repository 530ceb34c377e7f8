import type { Alert } from '#shared/domain/alert.ts';
import type { StoredDigest } from './mention-store.ts';

/** Sends an alert to the communications team (SNS on AWS; console and a file locally). */
export interface AlertPublisher {
  /** @throws when delivery failed (the caller leaves the alert unpublished and retries next run). */
  publish(alert: Alert, rendered: { subject: string; text: string }): Promise<void>;
}

/** Delivers a rendered digest to analysts (SNS e-mail on AWS; files locally). */
export interface DigestSink {
  /** @returns where it went (a message id or a file path), for the log and the CLI summary. */
  deliver(digest: StoredDigest, subject: string): Promise<string>;
}
