import { describe, expect, it } from 'vitest';
import { type Keyword, KeywordSchema } from '#shared/domain/config.ts';
import { createKeywordMatcher, createTextMatcher, foldForMatch, tokenize } from '#shared/domain/keywords.ts';

const kw = (input: Partial<Keyword> & { id: string }): Keyword =>
  KeywordSchema.parse({ label: input.id, ...input });

// The shape of config/majalengka.json's keywords.
const keywords = [
  kw({ id: 'majalengka', terms: ['Majalengka'], exclude: ['Majalengka FC'] }),
  kw({ id: 'kertajati', terms: ['Kertajati', 'BIJB'], phrases: ['Bandara Internasional Jawa Barat'] }),
  kw({
    id: 'bupati',
    terms: ['Bupati', 'Wabup'],
    phrases: ['Wakil Bupati', 'Pemkab Majalengka'],
    requires: ['majalengka'],
  }),
  kw({ id: 'rsud-majalengka', phrases: ['RSUD Majalengka', 'RSUD Cideres'] }),
];
const matcher = createKeywordMatcher(keywords);

describe('folding and tokens', () => {
  it('lower-cases, strips diacritics and compatibility forms', () => {
    expect(foldForMatch('CAFÉ Ｍａｊａ')).toBe('cafe maja');
    expect(tokenize('Bupati Majalengka, H. Eman—resmikan "Jalan" (Cikijing)!')).toEqual([
      'bupati',
      'majalengka',
      'h',
      'eman',
      'resmikan',
      'jalan',
      'cikijing',
    ]);
  });
});

describe('word boundaries', () => {
  it.each([
    ['Warga Majalengka mengeluh', ['majalengka']],
    ['MAJALENGKA.', ['majalengka']],
    ['#Majalengka', ['majalengka']],
    ['Majalengka-nya', ['majalengka']],
    ['Majalengkawetan', []],
    ['Kertajatiku', []],
    ['xbijb', []],
  ])('%s → %j', (text, ids) => {
    expect(matcher.match(text)).toEqual(ids);
  });

  it.each([['Majalengkanya'], ['Majalengkalah'], ['Majalengkakah'], ['Majalengkapun']])(
    'accepts the Indonesian clitic in %s',
    (text) => {
      expect(matcher.match(text)).toEqual(['majalengka']);
    },
  );

  it('never strips a clitic to a stem shorter than three letters', () => {
    const short = createTextMatcher([{ id: 'ha', patterns: ['ha'] }]);
    expect(short.match('hanya')).toEqual([]);
    expect(short.match('ha ha')).toEqual(['ha']);
  });
});

describe('case and diacritics', () => {
  it('matches regardless of case and accents, both ways', () => {
    expect(matcher.match('bandara kertajatí (bijb)')).toEqual(['kertajati']);
    const accented = createTextMatcher([{ id: 'cafe', patterns: ['Café'] }]);
    expect(accented.match('CAFE baru')).toEqual(['cafe']);
    expect(accented.match('Cafe\u0301 baru')).toEqual(['cafe']);
  });
});

describe('phrases', () => {
  it('matches a phrase as a word sequence across punctuation and spacing', () => {
    expect(matcher.match('Bandara   Internasional\nJawa Barat dibuka')).toEqual(['kertajati']);
  });

  it('does not match when another word intervenes', () => {
    expect(matcher.match('Bandara Internasional di Jawa Barat')).toEqual([]);
  });

  it('accepts a clitic on the last word of a phrase only', () => {
    expect(matcher.match('pelayanan RSUD Cideresnya buruk')).toEqual(['rsud-majalengka']);
    expect(matcher.match('RSUDnya Cideres')).toEqual([]);
  });

  it('lets multi-word entries in terms act as phrases', () => {
    const m = createTextMatcher([{ id: 'bencana', patterns: ['angin puting beliung'] }]);
    expect(m.match('Angin puting-beliung melanda')).toEqual(['bencana']);
    expect(m.match('angin kencang')).toEqual([]);
  });
});

describe('exclusions', () => {
  it('vetoes occurrences covered by an exclude phrase that contains the term', () => {
    expect(matcher.match('Majalengka FC menang 2-0')).toEqual([]);
  });

  it('still matches another occurrence outside the excluded phrase', () => {
    expect(matcher.match('Pemkab Majalengka dukung Majalengka FC')).toEqual(['majalengka', 'bupati']);
  });

  it('vetoes the whole text for an exclude that is a context word', () => {
    const m = createKeywordMatcher([kw({ id: 'kertajati', terms: ['Kertajati'], exclude: ['sepak bola'] })]);
    expect(m.match('Kertajati ramai')).toEqual(['kertajati']);
    expect(m.match('Tim sepak bola Kertajati juara')).toEqual([]);
  });
});

describe('requires', () => {
  it('needs a required keyword in the same text', () => {
    expect(matcher.match('Bupati Bandung meninjau jalan')).toEqual([]);
    expect(matcher.match('Bupati Majalengka meninjau jalan')).toEqual(['majalengka', 'bupati']);
  });

  it('follows chains and drops a keyword when its requirement was itself dropped', () => {
    const m = createTextMatcher([
      { id: 'a', patterns: ['alpha'], requires: ['b'] },
      { id: 'b', patterns: ['beta'], requires: ['c'] },
      { id: 'c', patterns: ['gamma'] },
    ]);
    expect(m.match('alpha beta gamma')).toEqual(['a', 'b', 'c']);
    expect(m.match('alpha beta')).toEqual([]);
  });

  it('keeps a cycle when all of its members match', () => {
    const m = createTextMatcher([
      { id: 'a', patterns: ['alpha'], requires: ['b'] },
      { id: 'b', patterns: ['beta'], requires: ['a'] },
    ]);
    expect(m.match('alpha beta')).toEqual(['a', 'b']);
    expect(m.match('alpha')).toEqual([]);
  });
});

describe('results', () => {
  it('lists each id once, in configuration order', () => {
    expect(matcher.match('RSUD Majalengka dekat BIJB; Majalengka, Kertajati, Wabup')).toEqual([
      'majalengka',
      'kertajati',
      'bupati',
      'rsud-majalengka',
    ]);
  });

  it('matches pre-tokenised text the same way', () => {
    const text = 'Wakil Bupati Majalengka';
    expect(matcher.matchTokens(tokenize(text))).toEqual(matcher.match(text));
  });

  it('returns nothing for empty text', () => {
    expect(matcher.match('')).toEqual([]);
  });

  it('rejects patterns without words and duplicate ids', () => {
    expect(() => createTextMatcher([{ id: 'x', patterns: ['!!'] }])).toThrow(RangeError);
    expect(() =>
      createTextMatcher([
        { id: 'x', patterns: ['a1'] },
        { id: 'x', patterns: ['b1'] },
      ]),
    ).toThrow(RangeError);
  });
});
