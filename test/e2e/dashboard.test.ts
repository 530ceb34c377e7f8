/**
 * Browser test of the analysts' dashboard against `pantau serve`'s server with seeded data: the chart
 * and the alert list render, an alert is acknowledged through the UI, hostile text stays text, and a
 * screenshot lands in `test-results/dashboard.png`. Needs Chromium at /usr/bin/chromium (Debian package
 * `chromium`, listed in `.ci/apt-packages`); skips with a message without it.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApiKeyStore } from '#shared/adapters/aws/api-keys.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '#shared/adapters/local/dynalite.ts';
import { MemoryMetricSink } from '#shared/observability.ts';
import { systemClock } from '#shared/ports/clock.ts';
import { type LocalApiServer, startLocalApiServer } from '../../cli/commands/serve.ts';
import { testAlert, testConfig } from '../functions/api/helpers.ts';
import { RecordingLog } from '../helpers/log.ts';
import { scoredMention } from '../helpers/mentions.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  process.stderr.write(
    `Skipping the dashboard browser test: ${CHROMIUM} not found (apt-get install chromium).\n`,
  );
}

const HOUR = 3_600_000;
const hourStart = (ms: number) => new Date(Math.floor(ms / HOUR) * HOUR).toISOString();

describe.skipIf(!hasChromium)('dashboard in a browser', () => {
  let db: EmbeddedDynamo;
  let store: DynamoStore;
  let server: LocalApiServer;
  let context: BrowserContext;
  let profile: string;
  let token: string;
  const labels = ['NEGATIVE', 'POSITIVE', 'NEUTRAL', 'NEGATIVE', 'MIXED'] as const;
  const now = Date.now();
  const alertStart = hourStart(now - 20 * HOUR);

  beforeAll(async () => {
    db = await startEmbeddedDynamo({ tableName: 'e2e' });
    store = new DynamoStore({ client: db.client, tableName: 'e2e' });
    const keys = new DynamoApiKeyStore({ client: db.client, tableName: 'e2e' });
    token = (await keys.create({ name: 'e2e-analis', scope: 'analyst', now: new Date(now).toISOString() }))
      .token;
    for (let i = 0; i < 20; i++) {
      await store.putMention(
        scoredMention(i, {
          publishedAt: new Date(now - (i * 6 + 1) * HOUR).toISOString(),
          label: labels[i % 5] ?? 'NEUTRAL',
          ...(i === 0 ? { title: '<img src=x onerror="window.__xss=1">Jalan rusak di Cigasong' } : {}),
        }),
      );
    }
    await store.putAlert(testAlert(alertStart, 'kw:majalengka'));
    await store.putAlert(testAlert(hourStart(now - 50 * HOUR), 'kw:kertajati', { severity: 'kritis' }));
    server = await startLocalApiServer({
      deps: {
        store,
        config: testConfig,
        cursorKey: Buffer.alloc(32, 5),
        clock: systemClock,
        log: new RecordingLog(),
        metrics: new MemoryMetricSink(),
      },
      keys,
      port: 0,
    });
    profile = await mkdtemp(join(tmpdir(), 'pantau-e2e-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 1400 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await db?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('renders the chart and alerts, acknowledges an alert, and keeps hostile text inert', async () => {
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('requestfailed', (request) => failures.push(`${request.url()} ${request.failure()?.errorText}`));

    await page.goto(`${server.url}/#key=${token}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    expect(new URL(page.url()).hash).toBe('');
    await expect(page.getByTestId('who').textContent()).resolves.toBe('e2e-analis (analyst)');

    // Runs in the page; typed structurally because the test tsconfig has no DOM library.
    const chart = await page.evaluate(() => {
      const page = globalThis as unknown as {
        document: { querySelector(selector: string): { width: number } };
        Chart: {
          getChart(
            canvas: unknown,
          ): { data: { datasets: { label: string; data: (number | null)[] }[] } } | undefined;
        };
      };
      const canvas = page.document.querySelector('[data-testid="trend-chart"]');
      const instance = page.Chart.getChart(canvas);
      return {
        width: canvas.width,
        datasets: instance?.data.datasets.map((d) => ({
          label: d.label,
          sum: d.data.reduce<number>((s, v) => s + (v ?? 0), 0),
        })),
      };
    });
    expect(chart.width).toBeGreaterThan(0);
    // 20 mentions over the last 7 days: 8 negative, 4 positive, 4 neutral, 4 mixed (labels cycle every 5).
    expect(chart.datasets?.slice(0, 4)).toEqual([
      { label: 'Negatif', sum: 8 },
      { label: 'Campuran', sum: 4 },
      { label: 'Netral', sum: 4 },
      { label: 'Positif', sum: 4 },
    ]);
    await expect(page.getByTestId('trend-summary').textContent()).resolves.toContain('20 sebutan');

    const alerts = page.getByTestId('alert');
    await expect(alerts.count()).resolves.toBe(2);
    await expect(page.getByTestId('narrative').first().textContent()).resolves.toContain(
      'jalan, rusak, cigasong',
    );

    const mentions = page.getByTestId('mention');
    await expect(mentions.count()).resolves.toBe(8);
    const hostile = page.locator(`[data-mention-id="${scoredMention(0).id}"] a`);
    await expect(hostile.textContent()).resolves.toBe(
      '<img src=x onerror="window.__xss=1">Jalan rusak di Cigasong',
    );
    await expect(page.locator('[data-testid="mentions"] img').count()).resolves.toBe(0);

    const first = page.locator(`[data-alert-id="${alertStart}~kw:majalengka"]`);
    await first.locator('input').fill('Sudah dikoordinasikan dengan Dinas PUTR');
    await first.getByTestId('ack-button').click();
    await first.getByText(/Ditangani oleh e2e-analis/).waitFor({ timeout: 5_000 });
    const stored = await store.getAlert(`${alertStart}~kw:majalengka`);
    expect(stored?.acknowledgement).toMatchObject({
      by: 'e2e-analis',
      note: 'Sudah dikoordinasikan dengan Dinas PUTR',
    });

    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true });
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    expect(failures).toEqual([]);
  }, 30_000);
});
