/**
 * The dashboard's number formatting and series names (`dashboard/format.js`), loaded as the browser
 * loads it. Expected strings are written out by hand.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../functions/api/helpers.ts';

interface FormatModule {
  formatNumber(value: number, fractionDigits?: number): string;
  seriesName(
    seriesId: string,
    lists?: { keywords?: { id: string; label: string }[]; topics?: { id: string; label: string }[] },
  ): string;
  zoneName(timeZone: string): string;
}

const DASHBOARD = join(import.meta.dirname, '../../dashboard');
let format: FormatModule;
beforeAll(async () => {
  format = (await import(pathToFileURL(join(DASHBOARD, 'format.js')).href)) as FormatModule;
});

/** What `GET /v1/keywords` returns for the test config. */
const lists = {
  keywords: testConfig.keywords.map((k) => ({ id: k.id, label: k.label })),
  topics: testConfig.topics.map((t) => ({ id: t.id, label: t.label })),
};

describe('dashboard series names', () => {
  it('names alert series by label and by what they measure', () => {
    expect(format.seriesName('share:topic:infrastruktur', lists)).toBe(
      'Infrastruktur & jalan (porsi negatif)',
    );
    expect(format.seriesName('neg:kw:majalengka', lists)).toBe('Majalengka (sebutan negatif)');
    expect(format.seriesName('neg:topic:bandara', lists)).toBe('Bandara Kertajati (sebutan negatif)');
    expect(format.seriesName('share:kw:kertajati', lists)).toBe('Bandara Kertajati (porsi negatif)');
    expect(format.seriesName('neg:all', lists)).toBe('Semua sebutan negatif');
    expect(format.seriesName('share:all', lists)).toBe('Semua sebutan (porsi negatif)');
  });

  it('names plain counter series, ids gone from the config, and anything else as given', () => {
    expect(format.seriesName('kw:majalengka', lists)).toBe('Majalengka');
    expect(format.seriesName('topic:infrastruktur', lists)).toBe('Infrastruktur & jalan');
    expect(format.seriesName('all', lists)).toBe('Semua sebutan');
    expect(format.seriesName('neg:kw:cirebon', lists)).toBe('cirebon (sebutan negatif)');
    expect(format.seriesName('neg:kw:majalengka')).toBe('majalengka (sebutan negatif)');
    expect(format.seriesName('src:rss-test', lists)).toBe('src:rss-test');
    expect(format.seriesName('neg:', lists)).toBe('neg:');
  });
});

describe('dashboard numbers', () => {
  it('writes numbers the Indonesian way, with a true minus sign', () => {
    expect(format.formatNumber(6, 1)).toBe('6,0');
    expect(format.formatNumber(2.5, 1)).toBe('2,5');
    expect(format.formatNumber(-0.7, 2)).toBe('\u22120,70');
    expect(format.formatNumber(0.125, 2)).toBe('0,13');
    expect(format.formatNumber(1234)).toBe('1.234');
    expect(format.formatNumber(-1234.5, 1)).toBe('\u22121.234,5');
    expect(format.formatNumber(-0.001, 2)).toBe('0,00');
    expect(format.formatNumber(0)).toBe('0');
  });

  it('leaves no English number formatting in the page script', async () => {
    const app = await readFile(join(DASHBOARD, 'app.js'), 'utf8');
    expect(app).not.toMatch(/\.toFixed\(|\.toLocaleString\(\)|±/);
    expect(app).toMatch(/from '\.\/format\.js'/);
  });

  it('names the Indonesian time zones', () => {
    expect(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'UTC'].map(format.zoneName)).toEqual([
      'WIB',
      'WITA',
      'WIT',
      'UTC',
    ]);
  });
});

describe('dashboard alert figures follow the alert and digest rule', () => {
  interface FigureModule {
    formatExpectedCount(expected: number): string;
    formatPercent(fraction: number): string;
    usualCount(expected: number): string;
    usualShare(fraction: number): string;
    formatWindow(start: string, end: string, timeZone: string): string;
  }
  let page: FigureModule;
  let domain: FigureModule;
  beforeAll(async () => {
    page = format as unknown as FigureModule;
    domain = (await import('#shared/domain/alert-render.ts')) as unknown as FigureModule;
  });

  it('writes the hand-computed figures of the QA replay (30 negatives against 0.05 expected)', () => {
    // expectedShare = 0.05 / 30 = 0.001667 → 0,2 %; share 30/30 = 100,0 %.
    expect(page.usualCount(0.05)).toBe('biasanya kurang dari 1');
    expect(page.formatPercent(1)).toBe('100,0%');
    expect(page.usualShare(0.05 / 30)).toBe('biasanya sekitar 0,2%');
    expect(page.usualShare(0.0001)).toBe('biasanya di bawah 0,1%');
    expect(page.usualShare(0)).toBe('biasanya 0,0%');
    expect(page.usualCount(1)).toBe('biasanya sekitar 1,0');
    expect(page.formatExpectedCount(1234.56)).toBe('1.234,6');
  });

  it('gives the same text as the alert messages and the digest for every value of a grid', () => {
    const values = [
      0, 0.0001, 0.0004999, 0.0005, 0.004, 0.05, 0.125, 0.5, 0.95, 0.999, 1, 1.25, 2.45, 99.96, 1234.5,
    ];
    for (const v of values) {
      expect(page.formatExpectedCount(v)).toBe(domain.formatExpectedCount(v));
      expect(page.usualCount(v)).toBe(domain.usualCount(v));
      if (v <= 1) {
        expect(page.formatPercent(v)).toBe(domain.formatPercent(v));
        expect(page.usualShare(v)).toBe(domain.usualShare(v));
      }
    }
    const windows: [string, string][] = [
      ['2026-11-28T03:00:00.000Z', '2026-11-28T04:00:00.000Z'],
      ['2026-11-28T16:00:00.000Z', '2026-11-28T17:00:00.000Z'],
      ['2026-11-28T16:00:00.000Z', '2026-11-28T18:00:00.000Z'],
    ];
    for (const [start, end] of windows)
      expect(page.formatWindow(start, end, 'Asia/Jakarta')).toBe(
        domain.formatWindow(start, end, 'Asia/Jakarta'),
      );
  });

  it('says a same-day window’s date once, ends the last hour at 24.00 and names both days across midnight', () => {
    expect(page.formatWindow('2026-11-28T03:00:00.000Z', '2026-11-28T04:00:00.000Z', 'Asia/Jakarta')).toBe(
      '28 November 2026, pukul 10.00–11.00 WIB',
    );
    expect(page.formatWindow('2026-11-28T16:00:00.000Z', '2026-11-28T17:00:00.000Z', 'Asia/Jakarta')).toBe(
      '28 November 2026, pukul 23.00–24.00 WIB',
    );
    expect(page.formatWindow('2026-11-28T16:00:00.000Z', '2026-11-28T18:00:00.000Z', 'Asia/Jakarta')).toBe(
      '28 November 2026 pukul 23.00 sampai 29 November 2026 pukul 01.00 WIB',
    );
  });

  it('asks for "hak akses", not "cakupan", when a key may not act', async () => {
    const app = await readFile(join(DASHBOARD, 'app.js'), 'utf8');
    expect(app).toContain('butuh hak akses analis');
    expect(app).not.toMatch(/cakupan/i);
  });
});

describe('dashboard narrative terms', () => {
  it('leaves out the words of the keyword labels, as the digest does', () => {
    const page = format as unknown as {
      narrativeTerms(terms: string[], keywords?: { label: string }[]): string[];
    };
    expect(
      page.narrativeTerms(
        ['banjir', 'jalan', 'laporan', 'majalengka', 'marah', 'kertajati'],
        [{ label: 'Majalengka' }, { label: 'Bandara Kertajati' }],
      ),
    ).toEqual(['banjir', 'jalan', 'laporan', 'marah']);
    expect(page.narrativeTerms(['banjir'])).toEqual(['banjir']);
  });
});
