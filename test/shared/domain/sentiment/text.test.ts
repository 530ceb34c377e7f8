import { describe, expect, it } from 'vitest';
import {
  headlineShaped,
  MAX_CLASSIFY_CHARS,
  markNegation,
  negatorOf,
  normalizeText,
  prepareTokens,
  tokenize,
} from '#shared/domain/sentiment/text.ts';

describe('normalizeText', () => {
  it('lower-cases, collapses elongations of three or more letters and keeps doubles', () => {
    expect(normalizeText('Bagusss BANGEEET, maaf')).toBe('bagus banget, maaf');
  });

  it('replaces URLs, handles and emoticons by placeholders', () => {
    expect(tokenize(normalizeText('cek https://bit.ly/x @budi_1 :) :( :D T_T'))).toEqual([
      'cek',
      'xurl',
      'xuser',
      'xemopos',
      'xemoneg',
      'xemopos',
      'xemoneg',
    ]);
  });

  it('strips diacritics, zero-width joiners and skin-tone modifiers but keeps the emoji', () => {
    expect(normalizeText('café 👍🏽 a\u200db')).toBe('cafe 👍 ab');
  });

  it('replaces lone surrogates instead of throwing', () => {
    expect(normalizeText('a\uD800b\uDC00c')).toBe('a b c');
  });

  it('cuts text longer than the limit', () => {
    expect(normalizeText('a'.repeat(MAX_CLASSIFY_CHARS + 50)).length).toBeLessThanOrEqual(MAX_CLASSIFY_CHARS);
  });

  it('collapses runs of ! and ?', () => {
    expect(normalizeText('keren!!! kok???')).toBe('keren! kok?');
  });
});

describe('tokenize', () => {
  it('splits words, maps digit runs to xnum, keeps ! ? and clause punctuation, splits hyphens', () => {
    expect(tokenize('enak-enak, harga 25000 murah! hati2')).toEqual([
      'enak',
      'enak',
      ',',
      'harga',
      'xnum',
      'murah',
      '!',
      'hati2',
    ]);
  });

  it('gives the same tokens on the ASCII fast path and the Unicode path', () => {
    // The trailing emoji forces the Unicode path; the rest must tokenise identically.
    const ascii = tokenize('rasanya gak enak, 2 kali. hati2 ya?');
    const unicode = tokenize('rasanya gak enak, 2 kali. hati2 ya? 😡');
    expect(unicode).toEqual([...ascii, '😡']);
  });
});

describe('markNegation', () => {
  it('marks the two tokens after a negator and canonicalises colloquial negators', () => {
    expect(markNegation(['rasanya', 'gak', 'enak', 'sama', 'sekali'], 'id')).toEqual([
      'rasanya',
      'tidak',
      'neg_enak',
      'neg_sama',
      'sekali',
    ]);
  });

  it('stops the scope at clause punctuation, drops it, and keeps ! as a token', () => {
    expect(markNegation(['tdk', 'enak', ',', 'mahal', 'jgn', 'beli', '!', 'ok'], 'id')).toEqual([
      'tidak',
      'neg_enak',
      'mahal',
      'jangan',
      'neg_beli',
      '!',
      'ok',
    ]);
  });

  it('applies Sundanese negators only to text routed as Sundanese', () => {
    expect(markNegation(['teu', 'ngeunah'], 'su')).toEqual(['teu', 'neg_ngeunah']);
    expect(markNegation(['lain', 'kali'], 'id')).toEqual(['lain', 'kali']);
    expect(markNegation(['lain', 'kali'], 'su')).toEqual(['lain', 'neg_kali']);
    expect(negatorOf('teu', 'id')).toBeUndefined();
  });

  it('restarts the scope at a second negator', () => {
    expect(markNegation(['bukan', 'tidak', 'suka', 'tapi', 'benci'], 'id')).toEqual([
      'bukan',
      'tidak',
      'neg_suka',
      'neg_tapi',
      'benci',
    ]);
  });
});

describe('prepareTokens', () => {
  it('runs the whole pipeline', () => {
    expect(prepareTokens('Pelayanannya GK RAMAHHH!!!', 'id')).toEqual([
      'pelayanannya',
      'tidak',
      'neg_ramah',
      '!',
    ]);
  });
});

describe('headlineShaped', () => {
  it('recognises Title Case headlines, including slug-rebuilt and non-ASCII ones', () => {
    expect(headlineShaped('Longsor Timpa Dua Rumah Warga Di Majalengka')).toBe(true);
    // 3 of 4 long words capitalised (75 % ≥ 60 %); `di` and `ke` are short and do not count.
    expect(headlineShaped('Bandara Kertajati sepi di Majalengka')).toBe(true);
    expect(headlineShaped('Érosi Sungai Cimanuk Mengancam Sawah')).toBe(true);
    expect(headlineShaped('Kajari Sulit Ditemui')).toBe(true);
  });

  it('rejects sentence case, lower case, short and long text', () => {
    expect(headlineShaped('Jalan di desa kami rusak parah sejak tahun lalu')).toBe(false);
    expect(headlineShaped('banjir lagi di majalengka, jalan rusak')).toBe(false);
    // Two words only; one long word only.
    expect(headlineShaped('Banjir Majalengka')).toBe(false);
    expect(headlineShaped('Di Ada Banjir')).toBe(false);
    expect(headlineShaped('Satu Dua Tiga '.repeat(11))).toBe(false);
    expect(headlineShaped('')).toBe(false);
    // The first word is not capitalised, although 4 of 5 long words are.
    expect(headlineShaped('jalan Rusak Parah Di Majalengka Terendam')).toBe(false);
    // 2 of 4 long words capitalised: 50 % < 60 %.
    expect(headlineShaped('Bupati Majalengka meninjau lokasi')).toBe(false);
  });

  it('ignores a shared link, @handles and #hashtags, and takes text mostly in capitals for shouting', () => {
    // The slug's lower-case words would otherwise outnumber the headline's.
    expect(
      headlineShaped(
        'Banjir Bandang Rendam Ratusan Rumah Di Majalengka https://www.detik.com/jabar/berita/d-7712345/banjir-bandang-rendam-ratusan-rumah',
      ),
    ).toBe(true);
    expect(
      headlineShaped('Longsor Timpa Dua Rumah Warga #majalengka #bencana @radarcirebon @bpbd_majalengka'),
    ).toBe(true);
    expect(headlineShaped('JALAN RUSAK LAGI!!! PEMDA MAJALENGKA KEMANA AJA SIH???')).toBe(false);
    expect(headlineShaped('SELAMAT ATAS PELANTIKAN BUPATI MAJALENGKA YANG BARU')).toBe(false);
    // Acronyms inside a Title Case headline are fine: 2 of 6 long words in capitals.
    expect(headlineShaped('DPRD Dan BPBD Majalengka Tinjau Lokasi Longsor')).toBe(true);
  });

  it('never throws on odd Unicode', () => {
    for (const text of [
      '\uD800 Abcd Efgh Ijkl',
      '👍🏽 Abcd Efgh Ijkl',
      '\u200d\u202e',
      'x'.repeat(100_000),
    ]) {
      expect(() => headlineShaped(text)).not.toThrow();
    }
    expect(headlineShaped('\uD800 Abcd Efgh Ijkl')).toBe(true);
  });
});
