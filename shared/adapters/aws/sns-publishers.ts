/**
 * SNS adapters: alerts to the alerts topic (e-mail subscribers read `text`; the notify Lambda reads the
 * JSON `alert` from message attributes-free JSON), digests to the digest topic (e-mail, plain text).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '#shared/domain/alert.ts';
import type { StoredDigest } from '#shared/ports/mention-store.ts';
import type { AlertPublisher, DigestSink } from '#shared/ports/publishers.ts';

/** SNS subjects: ASCII, no line breaks, under 100 characters. */
export function snsSubject(subject: string): string {
  return subject
    .normalize('NFKD')
    .replace(/[—–]/g, '-')
    .replace(/[^\x20-\x7E]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 99);
}

/** SNS messages are at most 256 KiB; cut on a character boundary with a note. */
export function snsMessage(text: string, maxBytes = 250_000): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut, 'utf8') > maxBytes - 100) cut = cut.slice(0, -1000);
  return `${cut}\n\n[dipotong: pesan terlalu panjang untuk e-mail; lihat versi lengkap di dasbor]`;
}

export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  /**
   * Publishes with `MessageStructure: json`: e-mail subscribers get the Indonesian text, Lambda/HTTP
   * subscribers (Telegram, webhooks) get `{alert, subject, text, related?}` as JSON (`related`: the other
   * alerts of the same event, delivered in this one message).
   */
  async publish(
    alert: Alert,
    rendered: { subject: string; text: string },
    related: readonly Alert[] = [],
  ): Promise<void> {
    const machine = JSON.stringify({
      alert,
      subject: rendered.subject,
      text: rendered.text,
      ...(related.length > 0 ? { related } : {}),
    });
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: snsSubject(rendered.subject),
        MessageStructure: 'json',
        Message: JSON.stringify({
          default: snsMessage(rendered.text),
          email: snsMessage(rendered.text),
          lambda: machine,
          https: machine,
        }),
      }),
    );
  }
}

export class SnsDigestSink implements DigestSink {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async deliver(digest: StoredDigest, subject: string): Promise<string> {
    const out = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: snsSubject(subject),
        Message: snsMessage(digest.text),
      }),
    );
    return `sns:${out.MessageId ?? 'unknown'}`;
  }
}
