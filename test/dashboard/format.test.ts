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
