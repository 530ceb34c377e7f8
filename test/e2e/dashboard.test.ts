/**
 * Browser test of the analysts' dashboard against `pantau serve`'s server with seeded data: the chart
 * and the alert list render, an alert is acknowledged through the UI, hostile text stays text, every
 * panel covers the same period (the last N WIB days including today), the mention list reads on to its
 * second page, an end date before 2000 is refused in the page and a failed refresh leaves caption and
 * panels on the previous period, and a screenshot lands in `test-results/dashboard.png`. Needs Chromium at /usr/bin/chromium (Debian package
 * `chromium`, listed in `.ci/apt-packages`); skips with a message without it.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page, type Response } from 'playwright-core';
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
const DAY = 24 * HOUR;
const hourStart = (ms: number) => new Date(Math.floor(ms / HOUR) * HOUR).toISOString();
const iso = (ms: number) => new Date(ms).toISOString();

/** The chart's x labels (runs in the page; typed structurally because the test tsconfig has no DOM library). */
function chartLabels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const page = globalThis as unknown as {
      document: { querySelector(selector: string): unknown };
      Chart: { getChart(canvas: unknown): { data: { labels: unknown[] } } | undefined };
    };
    return (
      page.Chart.getChart(page.document.querySelector('[data-testid="trend-chart"]'))?.data.labels.length ?? 0
    );
  });
}

/** `from`/`to` of each API read, as requested and as answered, keyed by route. */
async function rangesOf(responses: Response[]) {
  const ranges: { route: string; asked: string[]; answered: string[] }[] = [];
  for (const response of responses) {
    const url = new URL(response.url());
    const route = url.pathname;
    if (!['/v1/trends', '/v1/alerts', '/v1/mentions'].includes(route)) continue;
    const body = (await response.json()) as { from: string; to: string };
    ranges.push({
      route,
      asked: [url.searchParams.get('from') ?? '', url.searchParams.get('to') ?? ''],
      answered: [body.from, body.to],
    });
  }
  return ranges;
}

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
  // "7 hari" = today and the 6 WIB days before it: from 00:00 WIB (17:00Z the day before) 6 days ago.
  const todayStart = Math.floor((now + 7 * HOUR) / DAY) * DAY - 7 * HOUR;
  const periodStart = todayStart - 6 * DAY;
  const periodEnd = todayStart + DAY;
  const inside = scoredMention(30, { publishedAt: iso(periodStart + HOUR / 2), label: 'NEGATIVE' });
  const outside = scoredMention(31, { publishedAt: iso(periodStart - HOUR / 2), label: 'NEGATIVE' });

  beforeAll(async () => {
    db = await startEmbeddedDynamo({ tableName: 'e2e' });
    store = new DynamoStore({ client: db.client, tableName: 'e2e' });
    const keys = new DynamoApiKeyStore({ client: db.client, tableName: 'e2e' });
    token = (await keys.create({ name: 'e2e-analis', scope: 'analyst', now: new Date(now).toISOString() }))
      .token;
    // 30 mentions within the last 117 hours, always inside the period whatever the time of day.
    for (let i = 0; i < 30; i++) {
      await store.putMention(
        scoredMention(i, {
          publishedAt: iso(now - (i * 4 + 1) * HOUR),
          label: labels[i % 5] ?? 'NEUTRAL',
          ...(i === 0 ? { title: '<img src=x onerror="window.__xss=1">Jalan rusak di Cigasong' } : {}),
        }),
      );
    }
    await store.putAlert(testAlert(alertStart, 'kw:majalengka'));
    await store.putMention(inside);
    await store.putMention(outside);
    await store.putAlert(testAlert(hourStart(now - 50 * HOUR), 'kw:kertajati', { severity: 'kritis' }));
    await store.putAlert(testAlert(iso(periodStart), 'kw:kertajati'));
    await store.putAlert(testAlert(iso(periodStart - HOUR), 'kw:majalengka'));
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

  it('renders one period in every panel, pages the mentions, acknowledges an alert, keeps hostile text inert', async () => {
    const page = await context.newPage();
    // The page's clock is the test's `now`, so a WIB midnight between seeding and loading cannot move the
    // period under the hand-computed boundaries.
    await page.clock.setFixedTime(now);
    const failures: string[] = [];
    const responses: Response[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('requestfailed', (request) => failures.push(`${request.url()} ${request.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
      responses.push(response);
    });

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
    // 30 mentions cycling through 5 labels (12 negative, 6 each of the rest) plus the negative one half an
    // hour after the period starts; the one half an hour before it is in no panel.
    expect(chart.datasets?.slice(0, 4)).toEqual([
      { label: 'Negatif', sum: 13 },
      { label: 'Campuran', sum: 6 },
      { label: 'Netral', sum: 6 },
      { label: 'Positif', sum: 6 },
    ]);
    await expect(chartLabels(page)).resolves.toBe(7);
    await expect(page.getByTestId('trend-summary').textContent()).resolves.toContain('31 sebutan');
    const firstDay = new Date(periodStart + DAY).getUTCDate();
    const lastDay = new Date(periodEnd).getUTCDate();
    await expect(page.getByTestId('period-caption').textContent()).resolves.toMatch(
      new RegExp(`^Periode: ${firstDay}\\D.*\\b${lastDay} \\S+ \\d{4} \\(WIB\\), sama untuk grafik`),
    );
    const period = [iso(periodStart), iso(periodEnd)];
    const ranges = await rangesOf(responses);
    expect(ranges.map((r) => r.route).sort()).toEqual(['/v1/alerts', '/v1/mentions', '/v1/trends']);
    for (const r of ranges) expect(r, r.route).toMatchObject({ asked: period, answered: period });

    // The alert at the period's first hour is in; the one an hour before is not.
    const alerts = page.getByTestId('alert');
    await expect(alerts.count()).resolves.toBe(3);
    await expect(page.locator(`[data-alert-id="${iso(periodStart)}~kw:kertajati"]`).count()).resolves.toBe(1);
    await expect(page.getByTestId('narrative').first().textContent()).resolves.toContain(
      'jalan, rusak, cigasong',
    );

    const mentions = page.getByTestId('mention');
    await expect(mentions.count()).resolves.toBe(10);
    const hostile = page.locator(`[data-mention-id="${scoredMention(0).id}"] a`);
    await expect(hostile.textContent()).resolves.toBe(
      '<img src=x onerror="window.__xss=1">Jalan rusak di Cigasong',
    );
    await expect(page.locator('[data-testid="mentions"] img').count()).resolves.toBe(0);

    // Page 2 repeats page 1's exact query with the cursor: the 3 older negatives, appended, none twice.
    const ids = () =>
      mentions.evaluateAll((nodes) =>
        nodes.map((n) => (n as unknown as { dataset: { mentionId: string } }).dataset.mentionId),
      );
    const firstPage = await ids();
    responses.length = 0;
    await page.locator('#more').click();
    // Polled together, so a refused page 2 fails with the page's error message rather than a timeout.
    await expect
      .poll(
        async () => ({ error: await page.locator('#error').textContent(), count: await mentions.count() }),
        { timeout: 5_000 },
      )
      .toEqual({ error: '', count: 13 });
    const bothPages = await ids();
    expect(bothPages).toHaveLength(13);
    expect(new Set(bothPages).size).toBe(13);
    expect(bothPages.slice(0, 10)).toEqual(firstPage);
    expect(bothPages.at(-1)).toBe(inside.id);
    expect(bothPages).not.toContain(outside.id);
    await expect(page.locator('#more').isHidden()).resolves.toBe(true);
    await expect(page.locator('#error').isHidden()).resolves.toBe(true);
    const nextPage = await rangesOf(responses);
    expect(nextPage).toEqual([{ route: '/v1/mentions', asked: period, answered: period }]);
    expect(new URL(responses[0]?.url() ?? '').searchParams.has('cursor')).toBe(true);

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

    // "30 hari": 30 day bars, and the lists ask for the same 30 WIB days.
    responses.length = 0;
    await page.locator('#period').selectOption('30');
    await expect.poll(() => chartLabels(page), { timeout: 5_000 }).toBe(30);
    await expect.poll(async () => (await rangesOf(responses)).length, { timeout: 5_000 }).toBe(3);
    const month = [iso(periodEnd - 30 * DAY), iso(periodEnd)];
    for (const r of await rangesOf(responses))
      expect(r, r.route).toMatchObject({ asked: month, answered: month });
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    expect(failures).toEqual([]);
  }, 30_000);

  it('refuses an end date before 2000 in the page, and keeps caption and panels together when a refresh fails (QA second pass)', async () => {
    const page = await context.newPage();
    await page.clock.setFixedTime(now);
    const asked: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path !== '/v1/me' && path !== '/v1/keywords') asked.push(path);
    });
    await page.goto(`${server.url}/#key=${token}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    const caption = page.getByTestId('period-caption');
    const week = await caption.textContent();
    expect(week).toMatch(/^Periode: /);
    await expect(page.locator('#until').getAttribute('min')).resolves.toBe('2000-01-07');

    // The API's floor is 2000-01-01 (00:00 WIB): refused in the page, with no request and nothing changed.
    asked.length = 0;
    await page.locator('#until').fill('1999-12-31');
    await expect
      .poll(() => page.locator('#error').textContent(), { timeout: 5_000 })
      .toBe(
        'Data tersedia mulai 1 Jan 2000: untuk periode ini pilih "Sampai tanggal" 7 Jan 2000 atau sesudahnya.',
      );
    expect(asked).toEqual([]);
    await expect(caption.textContent()).resolves.toBe(week);
    await expect(chartLabels(page)).resolves.toBe(7);

    // A refresh the API fails (here the alerts request): caption and every panel keep the 7 days.
    await page.locator('#until').fill('');
    await page.route('**/v1/alerts?*', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"internal error"}' }),
    );
    await page.locator('#period').selectOption('30');
    await expect
      .poll(() => page.locator('#error').textContent(), { timeout: 5_000 })
      .toBe(
        'Terjadi kesalahan di server. Coba lagi nanti. Grafik, peringatan, dan daftar sebutan masih menampilkan periode sebelumnya.',
      );
    await expect(caption.textContent()).resolves.toBe(week);
    await expect(chartLabels(page)).resolves.toBe(7);
    await expect(page.getByTestId('alert').count()).resolves.toBe(3);

    // Once the API answers again, caption and panels move to 30 days together.
    await page.unroute('**/v1/alerts?*');
    await page.locator('#refresh').click();
    await expect.poll(() => chartLabels(page), { timeout: 5_000 }).toBe(30);
    await expect(caption.textContent()).resolves.not.toBe(week);
    await expect(page.locator('#error').isHidden()).resolves.toBe(true);
    await page.close();
  }, 30_000);
});
