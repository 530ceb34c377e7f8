/**
 * Local publishers for the embedded runtime: alerts go to the console and to JSON Lines in the data
 * folder; digests to Markdown, HTML, text and JSON files. Never imported by a Lambda entry.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Alert } from '#shared/domain/alert.ts';
import type { StoredDigest } from '#shared/ports/mention-store.ts';
import type { AlertPublisher, DigestSink } from '#shared/ports/publishers.ts';

export class FileAlertPublisher implements AlertPublisher {
  readonly published: Alert[] = [];

  /** @param write where to print the alert text (the CLI passes its progress output). */
  constructor(
    private readonly dir: string,
    private readonly write: (text: string) => void = () => {},
  ) {}

  /**
   * Appends one line per message to `<dir>/alerts.jsonl`: the primary alert's fields, the message's
   * `subject` and `text`, and `related` (the other alerts of the event delivered in it), so the file holds
   * what e-mail and webhooks would have received.
   */
  async publish(
    alert: Alert,
    rendered: { subject: string; text: string },
    related: readonly Alert[] = [],
  ): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await appendFile(
      join(this.dir, 'alerts.jsonl'),
      `${JSON.stringify({ ...alert, subject: rendered.subject, text: rendered.text, ...(related.length > 0 ? { related } : {}) })}\n`,
    );
    this.published.push(alert, ...related);
    this.write(`\n${rendered.subject}\n${rendered.text}\n`);
  }
}

export class FileDigestSink implements DigestSink {
  constructor(private readonly dir: string) {}

  /** Writes `<dir>/<date>.{md,html,txt,json}`; returns the Markdown path. */
  async deliver(digest: StoredDigest): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const base = join(this.dir, digest.date);
    await Promise.all([
      writeFile(`${base}.md`, digest.markdown),
      writeFile(`${base}.html`, digest.html),
      writeFile(`${base}.txt`, digest.text),
      writeFile(`${base}.json`, `${JSON.stringify(digest.data, null, 2)}\n`),
    ]);
    return `${base}.md`;
  }
}
