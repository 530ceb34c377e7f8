/**
 * Tokenising for narratives: lower-cased, NFKC-normalised words (letters and digits of any script), URLs
 * and @handles removed, with a short Indonesian/English stopword list that deliberately keeps negators
 * (`tidak`, `bukan`, `belum`, `jangan`, `tak`, `gak` …): in complaints they carry the meaning
 * ("air tidak mengalir"), so removing them would merge opposite statements.
 */

/** Negators that must never be treated as stopwords. */
export const NEGATORS: ReadonlySet<string> = new Set([
  'tidak',
  'tak',
  'bukan',
  'belum',
  'jangan',
  'tanpa',
  'kurang',
  'gak',
  'ga',
  'nggak',
  'ngga',
  'enggak',
  'engga',
  'gk',
  'tdk',
  'blm',
  'not',
  'no',
  'never',
]);

const STOPWORDS_RAW = `yang dan di ke dari ini itu dengan untuk pada adalah dalam akan juga oleh karena atau
ada sudah telah saat para bagi hingga kepada sebagai secara serta agar namun tetapi tapi lalu maka jika kalau
bahwa yaitu yakni pun lah kah nya se per kami kita saya aku anda kamu dia mereka ia beliau sang si sebuah
seorang satu dua tiga hal tersebut masih lebih sangat bisa dapat harus mau ingin sedang pernah lagi hanya
saja sama tahun hari bulan kata ujar jelas menurut via baca juga dll dsb the a an of to in and or is are was
were be been for on at by with from as it this that rt amp https http www com co id`;

const STOPWORDS: ReadonlySet<string> = new Set(
  STOPWORDS_RAW.split(/\s+/).filter((w) => w !== '' && !NEGATORS.has(w)),
);

/** True when `word` is a stopword (never true for a negator). */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Words of `text` in order (stopwords kept; used for shingles). */
export function words(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[@#][\p{L}\p{N}_]+/gu, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 2 || NEGATORS.has(w));
}

/** Distinct content terms of `text`: words minus stopwords and bare numbers. */
export function terms(text: string): Set<string> {
  return new Set(words(text).filter((w) => !isStopword(w) && !/^\d+$/.test(w)));
}

/**
 * The words of the regency's own names: its display name (`Kabupaten Majalengka`) and every keyword's label,
 * terms and phrases (`Bandara Kertajati`, `BIJB`, `Pemkab Majalengka`), tokenised as {@link words} does,
 * stopwords left out. Every collected mention names one of them, so they rise in whichever series has a
 * thin baseline (a topic) and would name its narratives; `buildNarratives` (`excludeTerms`) and the digest
 * leave them out of every series alike.
 * @param config - The regency config's `name` and `keywords` (`shared/domain/config.ts`).
 * @returns Lower-cased words, e.g. `kabupaten`, `majalengka`, `kertajati`, `bijb`.
 */
export function regencyNameTerms(config: {
  readonly name: string;
  readonly keywords: readonly {
    readonly label: string;
    readonly terms: readonly string[];
    readonly phrases: readonly string[];
  }[];
}): Set<string> {
  const texts = [config.name, ...config.keywords.flatMap((k) => [k.label, ...k.terms, ...k.phrases])];
  return new Set(texts.flatMap((t) => words(t)).filter((w) => !isStopword(w)));
}
