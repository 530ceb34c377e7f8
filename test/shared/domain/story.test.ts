import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  normaliseStoryTitle,
  outletDomain,
  STORY_MAX_GAP_MS,
  sameStoryTime,
  storyKey,
} from '#shared/domain/story.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

describe('outletDomain', () => {
  it.each([
    ['https://www.pikiran-rakyat.com', 'pikiran-rakyat.com'],
    ['https://m.radarcirebon.disway.id/read/1', 'radarcirebon.disway.id'],
    ['https://amp.kompas.com/x', 'kompas.com'],
    ['HTTPS://WWW.Detik.COM./berita', 'detik.com'],
    ['www.m.example.co.id', 'example.co.id'],
    ['cirebon.tribunnews.com', 'cirebon.tribunnews.com'],
    ['https://m.id', 'm.id'],
  ])('%s → %s', (input, host) => {
    expect(outletDomain(input)).toBe(host);
  });

  it.each([
    undefined,
    '',
    '   ',
    'ftp://example.com',
    'Pikiran Rakyat',
    'localhost',
    'https://[::1]/x',
    'http://',
  ])('has none for %j', (input) => {
    expect(outletDomain(input)).toBeUndefined();
  });
});

describe('normaliseStoryTitle', () => {
  it('folds width, case, punctuation and spacing', () => {
    expect(normaliseStoryTitle('  Ｊalan Tol  Cisumdawu Macet, Warga “Mengeluh”!  ')).toBe(
      'jalan tol cisumdawu macet warga mengeluh',
    );
    expect(normaliseStoryTitle('Jum’at Bersih: 2.000 Warga Turun')).toBe('jum at bersih 2 000 warga turun');
  });
});

describe('storyKey', () => {
  const title = 'Jalan Tol Cisumdawu Macet, Warga Majalengka Mengeluh';

  it('is the truncated SHA-256 of "<domain>|<normalised title>"', () => {
    expect(storyKey({ outletDomain: 'radarcirebon.disway.id', title })).toBe(
      sha('radarcirebon.disway.id|jalan tol cisumdawu macet warga majalengka mengeluh'),
    );
  });

  it('is the same for the outlet link and the Google News copy, and differs between outlets', () => {
    const outlet = storyKey({ outletDomain: 'www.radarcirebon.disway.id', title });
    expect(storyKey({ outletDomain: 'm.radarcirebon.disway.id', title: `${title}!` })).toBe(outlet);
    expect(storyKey({ outletDomain: 'pikiran-rakyat.com', title })).not.toBe(outlet);
  });

  it('has none without a domain or with fewer than 4 words', () => {
    expect(storyKey({ title })).toBeUndefined();
    expect(storyKey({ outletDomain: 'detik.com' })).toBeUndefined();
    expect(storyKey({ outletDomain: 'detik.com', title: 'Banjir di Majalengka' })).toBeUndefined();
    expect(storyKey({ outletDomain: 'detik.com', title: 'Banjir — di — Majalengka!!' })).toBeUndefined();
    expect(storyKey({ outletDomain: 'detik.com', title: 'Banjir di Majalengka Utara' })).toMatch(
      /^[0-9a-f]{32}$/,
    );
  });
});

describe('sameStoryTime', () => {
  const at = '2026-11-30T07:05:00.000Z';
  it('accepts copies up to 12 hours apart and not a recurring headline a day later', () => {
    expect(STORY_MAX_GAP_MS).toBe(12 * 3_600_000);
    expect(sameStoryTime(at, '2026-11-30T19:05:00.000Z')).toBe(true);
    expect(sameStoryTime('2026-11-30T19:05:00.001Z', at)).toBe(false);
    expect(sameStoryTime(at, '2026-12-01T07:05:00.000Z')).toBe(false);
  });
});
