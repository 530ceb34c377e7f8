/**
 * The notify use case: an alert published on the alerts topic → Telegram (`sendMessage`) and generic JSON
 * webhooks. Each (alert, channel) pair is delivered at most once: a delivery is recorded after it
 * succeeds and skipped on retries. Any failed channel makes the invocation fail, so Lambda's asynchronous
 * retries (2) and then the function's dead-letter queue take over: nothing is lost silently.
 */
import { createHmac } from 'node:crypto';
import pRetry, { AbortError } from 'p-retry';
import { z } from 'zod';
import { AlertSchema } from '#shared/domain/alert.ts';
import { errorMessage, type Log, type MetricSink } from '#shared/observability.ts';

/** What the detect function publishes for Lambda subscribers (`MessageStructure: json`, key `lambda`). */
export const AlertMessageSchema = z.object({
  alert: AlertSchema,
  subject: z.string(),
  text: z.string(),
  /** Other alerts of the same event, delivered in this message (their text is in `text`). */
  related: z.array(AlertSchema).optional(),
});
export type AlertMessage = z.infer<typeof AlertMessageSchema>;

/** Delivery settings, kept in Secrets Manager (JSON). */
export const NotifySettingsSchema = z.object({
  telegram: z
    .object({
      /** Bot token from @BotFather. */
      botToken: z.string().min(10),
      /** Chat ids (groups are negative numbers) or `@channelusername`. */
      chatIds: z.array(z.union([z.string().min(1), z.number().int()])).min(1),
    })
    .optional(),
  webhooks: z
    .array(
      z.object({
        name: z.string().min(1),
        url: z.url({ protocol: /^https?$/ }),
        /** When set, each body is signed: header `X-Pantau-Signature: sha256=<hex HMAC of the body>`. */
        secret: z.string().min(16).optional(),
      }),
    )
    .default([]),
});
export type NotifySettings = z.infer<typeof NotifySettingsSchema>;

/** Telegram's limit on one message, in characters. */
export const TELEGRAM_MAX_CHARS = 4_096;

export interface DeliveryLedger {
  /** True when this (alert, channel) was delivered before. */
  wasDelivered(alertId: string, channel: string): Promise<boolean>;
  recordDelivery(alertId: string, channel: string, at: string): Promise<void>;
}

export interface NotifyDeps {
  readonly settings: () => Promise<NotifySettings>;
  readonly ledger: DeliveryLedger;
  readonly fetch: typeof fetch;
  /** @default https://api.telegram.org */
  readonly telegramBaseUrl?: string;
  readonly log: Log;
  readonly metrics: MetricSink;
  readonly now: () => number;
  /** Retries per channel inside one invocation. @default 2 */
  readonly retries?: number;
  /** Per-request timeout, ms. @default 10_000 */
  readonly timeoutMs?: number;
}

/** A channel refused or failed a delivery. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly channel: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${channel}: ${message}`, options);
  }
}

/** A message on the topic that is not an alert: delivering it again would not help. */
export class InvalidAlertMessageError extends Error {
  override readonly name = 'InvalidAlertMessageError';
}

/** Parse one SNS message body. @throws {InvalidAlertMessageError} naming what is wrong. */
export function parseAlertMessage(body: string): AlertMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new InvalidAlertMessageError('alert message is not JSON', { cause });
  }
  const parsed = AlertMessageSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidAlertMessageError(
      `alert message invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

async function post(
  deps: NotifyDeps,
  channel: string,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<void> {
  await pRetry(
    async () => {
      const response = await deps.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Pantau/0.1 (+alert delivery)',
          ...headers,
        },
        body,
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
      if (response.ok) return;
      const detail = (await response.text().catch(() => '')).slice(0, 300);
      const error = new DeliveryError(channel, `HTTP ${response.status} ${detail}`.trim());
      // 4xx other than 408/429 means the request itself is wrong (bad token, unknown chat): do not hammer.
      if (response.status < 500 && response.status !== 408 && response.status !== 429)
        throw new AbortError(error);
      throw error;
    },
    { retries: deps.retries ?? 2, minTimeout: 200, maxTimeout: 2_000, randomize: true },
  );
}

/**
 * Deliver one alert message to every configured channel not yet delivered.
 * @returns the channels delivered in this call.
 * @throws {AggregateError} of {@link DeliveryError}s when any channel failed (after the others were tried).
 */
export async function deliverAlert(message: AlertMessage, deps: NotifyDeps): Promise<string[]> {
  const settings = await deps.settings();
  const { alert } = message;
  const jobs: { channel: string; send: () => Promise<void> }[] = [];
  if (settings.telegram) {
    const { botToken } = settings.telegram;
    const text = `${message.subject}\n\n${message.text}`.slice(0, TELEGRAM_MAX_CHARS);
    for (const chatId of settings.telegram.chatIds) {
      jobs.push({
        channel: `telegram:${chatId}`,
        send: () =>
          post(
            deps,
            `telegram:${chatId}`,
            `${deps.telegramBaseUrl ?? 'https://api.telegram.org'}/bot${botToken}/sendMessage`,
            JSON.stringify({ chat_id: chatId, text, disable_web_page_preview: true }),
            {},
          ),
      });
    }
  }
  for (const hook of settings.webhooks) {
    const body = JSON.stringify({
      type: 'pantau.alert',
      alert,
      subject: message.subject,
      text: message.text,
      ...(message.related && message.related.length > 0 ? { related: message.related } : {}),
    });
    const headers: Record<string, string> = hook.secret
      ? { 'x-pantau-signature': `sha256=${createHmac('sha256', hook.secret).update(body).digest('hex')}` }
      : {};
    jobs.push({
      channel: `webhook:${hook.name}`,
      send: () => post(deps, `webhook:${hook.name}`, hook.url, body, headers),
    });
  }
  if (jobs.length === 0)
    deps.log.warn('No Telegram chat or webhook configured; alert goes out by e-mail only', {
      alertId: alert.id,
    });

  const delivered: string[] = [];
  const errors: DeliveryError[] = [];
  for (const job of jobs) {
    if (await deps.ledger.wasDelivered(alert.id, job.channel)) continue;
    try {
      await job.send();
      await deps.ledger.recordDelivery(alert.id, job.channel, new Date(deps.now()).toISOString());
      delivered.push(job.channel);
      deps.metrics.count('AlertsDelivered', 1, { channel: job.channel.split(':')[0] ?? job.channel });
      deps.log.info('Alert delivered', { alertId: alert.id, channel: job.channel });
    } catch (error) {
      const failure =
        error instanceof DeliveryError
          ? error
          : new DeliveryError(job.channel, errorMessage(error), { cause: error });
      errors.push(failure);
      deps.metrics.count('DeliveryFailures', 1, { channel: job.channel.split(':')[0] ?? job.channel });
      // Never log the URL: a Telegram URL contains the bot token.
      deps.log.error('Alert delivery failed', {
        alertId: alert.id,
        channel: job.channel,
        error: failure.message,
      });
    }
  }
  if (errors.length > 0)
    throw new AggregateError(
      errors,
      `${errors.length} channel(s) failed for alert ${alert.id}: ${errors.map((e) => e.message).join('; ')}`,
    );
  return delivered;
}
