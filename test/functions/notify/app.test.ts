import { createHmac } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/notify/app.ts';
import { InvalidAlertMessageError, type NotifySettings } from '#functions/notify/notify.ts';
import type { Alert } from '#shared/domain/alert.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { type FixtureServer, startFixtureServer } from '../../helpers/fixture-server.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import { RecordingLog } from '../../helpers/log.ts';

const alert: Alert = {
  id: '2026-11-30T09:00:00.000Z~neg:kw:kertajati',
  seriesId: 'neg:kw:kertajati',
  keyword: 'kertajati',
  sentiment: 'NEGATIVE',
  kind: 'volume',
  windowStart: '2026-11-30T09:00:00.000Z',
  windowEnd: '2026-11-30T10:00:00.000Z',
  observed: 25,
  expected: 1.2,
  observedShare: 0.8,
  expectedShare: 0.15,
  total: 31,
  score: 0.99,
  severity: 'kritis',
  narratives: [],
  distinctAuthors: 12,
  sources: ['gnews-kertajati'],
  createdAt: '2026-11-30T10:05:00.000Z',
};

function snsEvent(message: unknown): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:ap-southeast-3:000000000000:pantau-alerts:sub',
        Sns: {
          Type: 'Notification',
          MessageId: 'm-1',
          TopicArn: 'arn:aws:sns:ap-southeast-3:000000000000:pantau-alerts',
          Subject: 'x',
          Message: typeof message === 'string' ? message : JSON.stringify(message),
          Timestamp: '2026-11-30T10:05:01.000Z',
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

let server: FixtureServer;
let webhookDown = true;
beforeAll(async () => {
  server = await startFixtureServer({
    '/botTOKEN-1234567890/sendMessage': { status: 200, body: '{"ok":true}' },
    '/hook/ok': { status: 204 },
    '/hook/flaky': () => (webhookDown ? { status: 503, body: 'down' } : { status: 200 }),
    '/hook/gone': { status: 404, body: 'no such hook' },
  });
});
afterAll(async () => server.close());

function setup(settings: NotifySettings) {
  const delivered = new Set<string>();
  const log = new RecordingLog();
  const handler = createHandler({
    settings: async () => settings,
    ledger: {
      wasDelivered: async (id, channel) => delivered.has(`${id}|${channel}`),
      recordDelivery: async (id, channel) => {
        delivered.add(`${id}|${channel}`);
      },
    },
    fetch: globalThis.fetch,
    telegramBaseUrl: server.url,
    log,
    metrics: new MemoryMetricSink(),
    now: () => Date.parse('2026-11-30T10:05:02.000Z'),
    retries: 1,
  });
  return { handler, log, delivered };
}

const message = {
  alert,
  subject: '[Pantau KRITIS] Lonjakan negatif: Bandara Kertajati',
  text: 'Sebutan negatif: 25',
};

describe('notify handler', () => {
  it('sends the alert to Telegram and a signed webhook', async () => {
    const { handler } = setup({
      telegram: { botToken: 'TOKEN-1234567890', chatIds: [-1001234] },
      webhooks: [
        { name: 'command-centre', url: `${server.url}/hook/ok`, secret: 'a-very-long-shared-secret' },
      ],
    });
    const result = await handler(snsEvent(message), lambdaContext());
    expect(result.delivered).toEqual(['telegram:-1001234', 'webhook:command-centre']);
    const telegram = server.hitsFor('/botTOKEN-1234567890/sendMessage');
    expect(telegram).toHaveLength(1);
    const hook = server.hitsFor('/hook/ok')[0];
    const body = JSON.stringify({
      type: 'pantau.alert',
      alert,
      subject: message.subject,
      text: message.text,
    });
    expect(hook?.headers['x-pantau-signature']).toBe(
      `sha256=${createHmac('sha256', 'a-very-long-shared-secret').update(body).digest('hex')}`,
    );
  });

  it('passes the other alerts of the same event to webhooks as `related`', async () => {
    const related = [{ ...alert, id: `${alert.windowStart}~all`, seriesId: 'all' }];
    const secret = 'another-long-shared-secret';
    const { handler } = setup({ webhooks: [{ name: 'grouped', url: `${server.url}/hook/ok`, secret }] });
    await handler(snsEvent({ ...message, related }), lambdaContext());
    // The signature covers the exact body, so it proves what was sent.
    const body = JSON.stringify({
      type: 'pantau.alert',
      alert,
      subject: message.subject,
      text: message.text,
      related,
    });
    expect(server.hitsFor('/hook/ok').at(-1)?.headers['x-pantau-signature']).toBe(
      `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    );
  });

  it('fails the invocation when a channel keeps failing, and on retry sends only to that channel', async () => {
    webhookDown = true;
    const { handler, log } = setup({
      telegram: { botToken: 'TOKEN-1234567890', chatIds: ['@humas_majalengka'] },
      webhooks: [{ name: 'flaky', url: `${server.url}/hook/flaky` }],
    });
    const telegramBefore = server.hitsFor('/botTOKEN-1234567890/sendMessage').length;
    await expect(handler(snsEvent(message), lambdaContext())).rejects.toThrow(AggregateError);
    expect(server.hitsFor('/hook/flaky').length).toBe(2);
    expect(log.find('Alert delivery failed')[0]?.context['channel']).toBe('webhook:flaky');
    webhookDown = false;
    const retry = await handler(snsEvent(message), lambdaContext());
    expect(retry.delivered).toEqual(['webhook:flaky']);
    expect(server.hitsFor('/botTOKEN-1234567890/sendMessage').length - telegramBefore).toBe(1);
  });

  it('does not retry a 404 within the invocation', async () => {
    const { handler } = setup({ webhooks: [{ name: 'gone', url: `${server.url}/hook/gone` }] });
    await expect(handler(snsEvent(message), lambdaContext())).rejects.toThrow(/404/);
    expect(server.hitsFor('/hook/gone')).toHaveLength(1);
  });

  it('refuses a message that is not an alert with a named error', async () => {
    const { handler } = setup({ webhooks: [] });
    await expect(handler(snsEvent('{"alert": {}}'), lambdaContext())).rejects.toBeInstanceOf(
      InvalidAlertMessageError,
    );
    await expect(handler(snsEvent('not json'), lambdaContext())).rejects.toBeInstanceOf(
      InvalidAlertMessageError,
    );
  });
});
