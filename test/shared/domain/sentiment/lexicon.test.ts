import { describe, expect, it } from 'vitest';
import { lexiconCounts } from '#shared/domain/sentiment/features.ts';
import { LEXICON_SIZE, lexiconClass } from '#shared/domain/sentiment/lexicon.ts';
import { prepareTokens } from '#shared/domain/sentiment/text.ts';

// The 23 entries of 2026.12.1 (issue 3; docs/model-card.md, "Fifth attempt").
const AWARD_ACHIEVEMENT_ENJOYMENT = [
  'penghargaan',
  'anugerah',
  'medali',
  'trofi',
  'adipura',
  'raih',
  'meraih',
  'diraih',
  'menjuarai',
  'dinobatkan',
  'menyabet',
  'mengharumkan',
  'gemilang',
  'dipuji',
  'pujian',
  'mengapresiasi',
  'diapresiasi',
  'menikmati',
  'dinikmati',
  'memukau',
  'memesona',
  'mempesona',
  'asri',
];

describe('the authored lexicon', () => {
  it('reads award, achievement, praise and enjoyment words as positive in every language', () => {
    for (const word of AWARD_ACHIEVEMENT_ENJOYMENT) {
      for (const lang of ['id', 'su', 'jv']) expect(lexiconClass(word, lang), `${word}/${lang}`).toBe('pos');
    }
  });

  it('leaves out words that are neutral or two-sided in news', () => {
    for (const word of [
      'piala',
      'rekor',
      'lolos',
      'menawan',
      'memenangkan',
      'terpilih',
      'resmi',
      'terima',
      'sabet',
    ]) {
      expect(lexiconClass(word, 'id'), word).toBeUndefined();
    }
  });

  it('has 338 entries: the 315 of 2026.11.x plus the 23 above', () => {
    expect(new Set(AWARD_ACHIEVEMENT_ENJOYMENT).size).toBe(23);
    expect(LEXICON_SIZE).toBe(315 + 23);
  });

  it('counts an award headline as two positive hits and swaps a negated enjoyment word (hand-counted)', () => {
    const award = 'Bupati Majalengka Raih Penghargaan Nasional';
    expect(lexiconCounts(prepareTokens(award, 'id'), 'id')).toEqual({ event: 0, neg: 0, pos: 2 });
    const negated = 'warga tidak menikmati pelayanan desa';
    expect(lexiconCounts(prepareTokens(negated, 'id'), 'id')).toEqual({ event: 0, neg: 1, pos: 0 });
  });
});
