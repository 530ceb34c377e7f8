/**
 * Language routing for sentiment: Indonesian, Sundanese and Javanese go to Pantau's embedded model;
 * the languages Amazon Comprehend scores go to Comprehend; short or unidentifiable text goes to the
 * embedded model as `und`.
 *
 * Detection = writing-system counts (decisive for CJK, Hangul, Arabic, Devanagari, even when short)
 * + `franc` trigram scores restricted to the routed Latin-script languages + function-word cues that
 * separate Sundanese and Javanese from Indonesian, which trigram profiles often confuse (they share
 * most of their loanwords). Accuracy on NusaX test is measured by `npm run eval:sentiment`.
 */
import { francAll } from 'franc';

export type RoutedLanguage =
  | 'id'
  | 'su'
  | 'jv'
  | 'en'
  | 'de'
  | 'es'
  | 'it'
  | 'pt'
  | 'fr'
  | 'ja'
  | 'ko'
  | 'hi'
  | 'ar'
  | 'zh'
  | 'zh-TW'
  | 'und';

export interface LanguageDecision {
  lang: RoutedLanguage;
  route: 'embedded' | 'comprehend';
  /** 0–1; 0 for `und`. A heuristic margin, not a calibrated probability. */
  confidence: number;
}

/** Languages Amazon Comprehend `DetectSentiment` accepts (AWS docs, "Supported languages"). */
export const COMPREHEND_SENTIMENT_LANGUAGES: ReadonlySet<string> = new Set([
  'de',
  'en',
  'es',
  'it',
  'pt',
  'fr',
  'ja',
  'ko',
  'hi',
  'ar',
  'zh',
  'zh-TW',
]);

/** Languages the embedded model serves (besides `und`). */
export const EMBEDDED_LANGUAGES: ReadonlySet<string> = new Set(['id', 'su', 'jv']);

/** Fewer Latin letters than this is "short": trigram statistics are noise there. */
export const MIN_LATIN_LETTERS = 15;
/**
 * A source that claims Indonesian, Sundanese or Javanese is overruled in favour of a Comprehend language
 * only by Latin text at least this long with a clear margin: on short headlines trigram statistics guess
 * wildly ("Kajari Sulit Ditemui" → French), and overruling the claim sends the text to a paid scorer of
 * the wrong language.
 */
export const MIN_LATIN_LETTERS_TO_OVERRULE_HINT = 40;
/** Fewer letters of a non-Latin script than this is "short". */
export const MIN_SCRIPT_LETTERS = 2;

/** ISO 639-3 codes franc may answer, mapped to routed languages (Malay counts as Indonesian). */
const FRANC_TO_ROUTED: Readonly<Record<string, RoutedLanguage>> = {
  ind: 'id',
  zlm: 'id',
  sun: 'su',
  jav: 'jv',
  eng: 'en',
  deu: 'de',
  spa: 'es',
  ita: 'it',
  por: 'pt',
  fra: 'fr',
};
const FRANC_ONLY = Object.keys(FRANC_TO_ROUTED);

/**
 * Function words and very frequent forms that are Sundanese and not Indonesian (written for Pantau;
 * ambiguous ones such as `lain`, `tapi`, `bisa`, `wae` are left out).
 */
const SUNDANESE_CUES: ReadonlySet<string> = new Set(
  `teh mah jeung sareng anu nu teu henteu abdi kuring pisan ieu eta éta oge ogé tina dina kana ka ti urang atuh euy
  mangga nuhun hatur naon kumaha kitu kieu bade nuju parantos tos geus keur lamun upami sok deui ngan saha iraha
  ayeuna kamari sae ngeunah seueur loba leutik gede ageung anjeun maneh aing hiji sanes moal acan tacan dugi kanggo
  pikeun sapertos siga kawas ku dieu dinya ditu mun sanajan langkung leuwih kirang rada ngeunaan janten manehna
  anjeunna maranehna bae hoyong hayang kedah meureun nyaeta nyaéta nya sakola imah jalmi jelema batur barudak
  boga bari teuing sanggeus saacan nepi samentawis sabab sadaya sadayana ngiring enjing dinten isukan engke
  beuki wargi lanceuk`
    .split(/\s+/)
    .filter(Boolean),
);

/** Function words that are Javanese and not Indonesian or Sundanese (written for Pantau). */
const JAVANESE_CUES: ReadonlySet<string> = new Set(
  `ora sing karo ning ing iku kuwi iki wis uwis durung ana lan uga saka marang kanthi yen lek nek opo piye sampeyan
  panjenengan nggih mboten ingkang kula wonten niku mawon lho tenan arep iso isa gawe dadi dhewe dewe kowe koe ndek
  neng sak sampek mung namung mergo amarga amerga utawa dening kang menika punika sanget kaliyan saged badhe sampun
  dereng ngendi endi kene kono kae aja ojo awake enek onok wong bocah omah mangan turu
  ngene ngono kudune meh nang soko maneh disik dhisik nduwe duwe sawetara ndang`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Sundanese and Javanese cue words that colloquial Indonesian uses too (`teh` tea, `mah`, `sok`, `gede`,
 * `rada`, `nya` and `ku` written apart, `euy`, `lho`, `aja`, `wong`, `gawe`, and `mangga`, the mango
 * Majalengka is known for). They still count in the cue shares, but they are not evidence enough to
 * overrule a claim of Indonesian, or the implied one of unclaimed text.
 */
const SHARED_WITH_INDONESIAN: ReadonlySet<string> = new Set(
  'teh mah sok gede rada nya ku euy lho aja wong gawe mangga'.split(' '),
);

/**
 * Cue words that West Java's Indonesian writes capitalised as names, titles and abbreviations: `Kang`,
 * `Neng` (Kang Dedi, Neng Dina), `Dina`, `Ana` (names), `Ka` (Ka Dinas), `Abdi` (Abdi negara), `ISO`. They
 * are evidence only in lower case, as the Sundanese and Javanese function words they also are (`ka`, `dina`,
 * `abdi`). Found by the second QA pass: 9 of 10 short Indonesian posts went to `su`/`jv` on them.
 */
const EVIDENCE_ONLY_IN_LOWER_CASE: ReadonlySet<string> = new Set('kang neng dina ana ka abdi iso'.split(' '));

/** Indonesian function words absent from Sundanese and Javanese. */
const INDONESIAN_CUES: ReadonlySet<string> = new Set(
  `yang dan dengan tidak untuk dari ini itu juga sudah akan bisa ada saya kami kita mereka dia tetapi karena sangat
  lebih seperti oleh pada dalam bahwa telah masih hanya jika kalau atau agar sebagai adalah menjadi belum bukan
  sekali banyak harus kepada tersebut para namun saat setelah sehingga gak nggak aja banget kok deh sih dong`
    .split(/\s+/)
    .filter(Boolean),
);

/** Characters used only in Traditional Chinese (frequent ones). */
const TRADITIONAL_ONLY = new Set(
  '這們個說國會來時對為學與還後發經過開關門問間見現電話書車東長從點體裡麼應當實際產業網頁選區灣臺歲帶無萬讓認識邊樣務'.split(
    '',
  ),
);
/** Their Simplified counterparts. */
const SIMPLIFIED_ONLY = new Set(
  '这们个说国会来时对为学与还后发经过开关门问间见现电话书车东长从点体里么应当实际产业网页选区湾台岁带无万让认识边样务'.split(
    '',
  ),
);

const NOISE = /(?:https?:\/\/|www\.)\S+|[@#][\p{L}\p{N}_]+/gu;

interface ScriptCounts {
  latin: number;
  han: number;
  kana: number;
  hangul: number;
  arabic: number;
  devanagari: number;
  other: number;
}

function countScripts(text: string): ScriptCounts {
  const counts: ScriptCounts = { latin: 0, han: 0, kana: 0, hangul: 0, arabic: 0, devanagari: 0, other: 0 };
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0xc0 && cp <= 0x24f))
      counts.latin++;
    else if (
      (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0xf900 && cp <= 0xfaff)
    )
      counts.han++;
    else if (cp >= 0x3040 && cp <= 0x30ff) counts.kana++;
    else if (
      (cp >= 0xac00 && cp <= 0xd7af) ||
      (cp >= 0x1100 && cp <= 0x11ff) ||
      (cp >= 0x3130 && cp <= 0x318f)
    )
      counts.hangul++;
    else if ((cp >= 0x600 && cp <= 0x6ff) || (cp >= 0x750 && cp <= 0x77f) || (cp >= 0xfb50 && cp <= 0xfeff))
      counts.arabic++;
    else if (cp >= 0x900 && cp <= 0x97f) counts.devanagari++;
    else if (/\p{L}/u.test(ch)) counts.other++;
  }
  return counts;
}

const UNDETERMINED: LanguageDecision = { lang: 'und', route: 'embedded', confidence: 0 };

function decision(lang: RoutedLanguage, confidence: number): LanguageDecision {
  const route = COMPREHEND_SENTIMENT_LANGUAGES.has(lang) ? 'comprehend' : 'embedded';
  return { lang, route, confidence: Math.round(Math.min(1, Math.max(0, confidence)) * 1000) / 1000 };
}

/** Map a source's language claim (`in`, `id-ID`, `zh-Hant`, `ms` …) to a routed language, or undefined. */
export function normalizeHint(hint: string | undefined): RoutedLanguage | undefined {
  if (!hint) return undefined;
  const h = hint.trim().toLowerCase().replace('_', '-');
  if (h === 'zh-tw' || h === 'zh-hant' || h === 'zh-hk' || h.startsWith('zh-hant')) return 'zh-TW';
  const base = h.split('-')[0]!;
  const map: Record<string, RoutedLanguage> = {
    id: 'id',
    in: 'id',
    ind: 'id',
    ms: 'id',
    msa: 'id',
    su: 'su',
    sun: 'su',
    jv: 'jv',
    jav: 'jv',
    en: 'en',
    de: 'de',
    es: 'es',
    it: 'it',
    pt: 'pt',
    fr: 'fr',
    ja: 'ja',
    ko: 'ko',
    hi: 'hi',
    ar: 'ar',
    zh: 'zh',
  };
  return map[base];
}

function chineseVariant(text: string, hint: RoutedLanguage | undefined): 'zh' | 'zh-TW' {
  let traditional = 0;
  let simplified = 0;
  for (const ch of text) {
    if (TRADITIONAL_ONLY.has(ch)) traditional++;
    else if (SIMPLIFIED_ONLY.has(ch)) simplified++;
  }
  if (traditional > simplified) return 'zh-TW';
  if (simplified > traditional) return 'zh';
  return hint === 'zh-TW' ? 'zh-TW' : 'zh';
}

interface CueShares {
  su: number;
  jv: number;
  id: number;
  tokens: number;
  /**
   * Cue words per language (function-word lists only, not the `eu` digraph), without those colloquial
   * Indonesian shares ({@link SHARED_WITH_INDONESIAN}): the evidence that may overrule a claim.
   */
  words: { su: number; jv: number; id: number };
}

function isEmbeddedLanguage(lang: RoutedLanguage): lang is 'id' | 'su' | 'jv' {
  return lang === 'id' || lang === 'su' || lang === 'jv';
}

/** Share of word tokens in each cue list. */
function cueShares(text: string): CueShares {
  const written = text.match(/\p{L}+/gu) ?? [];
  const tokens = written.map((t) => t.toLowerCase());
  const words = { su: 0, jv: 0, id: 0 };
  let su = 0;
  let jv = 0;
  let digraphs = 0;
  for (const [i, t] of tokens.entries()) {
    const shared =
      SHARED_WITH_INDONESIAN.has(t) || (EVIDENCE_ONLY_IN_LOWER_CASE.has(t) && written[i]![0] !== t[0]);
    if (SUNDANESE_CUES.has(t)) {
      su++;
      if (!shared) words.su++;
    }
    // The `eu` digraph (ngeunah, leutik, keur) is frequent in Sundanese and rare in Indonesian.
    else if (t.includes('eu')) digraphs++;
    if (JAVANESE_CUES.has(t)) {
      jv++;
      if (!shared) words.jv++;
    }
    if (INDONESIAN_CUES.has(t)) words.id++;
  }
  const n = Math.max(1, tokens.length);
  return {
    su: (su + 0.5 * digraphs) / n,
    jv: jv / n,
    id: words.id / n,
    tokens: tokens.length,
    words,
  };
}

/**
 * Decide the language and route of a text.
 *
 * Rules: non-Latin scripts decide alone (kana → `ja`, Hangul → `ko`, Arabic → `ar`, Devanagari →
 * `hi`, Han → `zh` or `zh-TW` by Traditional/Simplified characters, then the hint); Latin text under
 * {@link MIN_LATIN_LETTERS} letters is `und`; otherwise franc (ind/zlm/sun/jav/eng/deu/spa/ita/por/fra)
 * gives candidates and function-word shares arbitrate between Indonesian, Sundanese and Javanese.
 * The hint breaks near-ties only (sources often claim `id` for everything), except that a claimed
 * Indonesian/Sundanese/Javanese stands against a Comprehend language unless the text has at least
 * {@link MIN_LATIN_LETTERS_TO_OVERRULE_HINT} Latin letters and confidence ≥ 0.75, and a claim of one of
 * those three stands against another of them unless the text has at least one of that language's
 * function-word cues (`teh`, `mah`, `teu` … for Sundanese; `ora`, `karo`, `iku` … for Javanese). Without a
 * claim, text is Sundanese or Javanese only with such a cue, else Indonesian (the regency's written language). Format characters
 * (`\p{Cf}`: bidi controls, zero-width marks) are ignored. Never throws.
 *
 * @param text - Plain text (any length; only the first 2,000 code units are read).
 * @param hint - Language the source claimed (ISO 639-1/BCP 47), possibly wrong.
 * @returns The routed language, route and a 0–1 confidence.
 */
export function detectLanguage(text: string, hint?: string): LanguageDecision {
  // Format characters (bidi controls, zero-width marks) are invisible and must not change the decision.
  const sample = (text.length > 2_000 ? text.slice(0, 2_000) : text)
    .replace(NOISE, ' ')
    .replace(/\p{Cf}/gu, '');
  const hinted = normalizeHint(hint);
  const scripts = countScripts(sample);
  const cjk = scripts.han + scripts.kana + scripts.hangul;
  const nonLatin = cjk + scripts.arabic + scripts.devanagari;
  const letters = scripts.latin + nonLatin + scripts.other;
  if (letters === 0) return UNDETERMINED;

  if (nonLatin >= MIN_SCRIPT_LETTERS && nonLatin >= scripts.latin * 0.5) {
    const share = nonLatin / letters;
    if (scripts.kana > 0 && scripts.kana >= scripts.hangul) return decision('ja', share);
    if (scripts.hangul >= Math.max(scripts.han, scripts.arabic, scripts.devanagari))
      return decision('ko', share);
    if (scripts.arabic >= Math.max(scripts.han, scripts.devanagari)) return decision('ar', share);
    if (scripts.devanagari >= scripts.han) return decision('hi', share);
    if (hinted === 'ja') return decision('ja', share * 0.8);
    return decision(chineseVariant(sample, hinted), share);
  }
  if (scripts.latin < MIN_LATIN_LETTERS) return UNDETERMINED;

  const ranked = francAll(sample, { only: FRANC_ONLY, minLength: 1 });
  const scores = new Map<RoutedLanguage, number>();
  for (const [code, score] of ranked) {
    const lang = FRANC_TO_ROUTED[code];
    if (lang !== undefined) scores.set(lang, Math.max(score, scores.get(lang) ?? 0));
  }
  const top = ranked[0];
  if (!top || top[0] === 'und') return UNDETERMINED;

  const cues = cueShares(sample);
  // Cue weights were set on NusaX *valid* (ind/sun/jav/eng); NusaX test is only reported.
  const combined = new Map<RoutedLanguage, number>();
  for (const [lang, score] of scores) {
    let value = score;
    if (lang === 'su') value += 2.0 * cues.su - 1.0 * cues.id;
    if (lang === 'jv') value += 2.0 * cues.jv - 1.0 * cues.id;
    if (lang === 'id') value += 1.0 * cues.id - 0.5 * (cues.su + cues.jv);
    if (lang === hinted) value += 0.02;
    combined.set(lang, value);
  }
  const ordered = [...combined.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = ordered;
  if (!best) return UNDETERMINED;
  const margin = second ? best[1] - second[1] : 1;
  const confidence = 0.5 + Math.min(0.5, margin * 2);
  if (
    hinted !== undefined &&
    EMBEDDED_LANGUAGES.has(hinted) &&
    COMPREHEND_SENTIMENT_LANGUAGES.has(best[0]) &&
    (scripts.latin < MIN_LATIN_LETTERS_TO_OVERRULE_HINT || confidence < 0.75)
  )
    return decision(hinted, 0.5);
  // Between Indonesian, Sundanese and Javanese a claim is overruled only by a function word of the other
  // language: trigram profiles of short headlines are too alike (17 of 104 Indonesian Majalengka
  // headlines claimed `id` went to `su`/`jv`, e.g. "Longsor Timpa Dua Rumah Warga Di Majalengka"), and a
  // wrong `su` applies the Sundanese negators (`lain`, "other" in Indonesian) to Indonesian text.
  // Unclaimed text counts as claimed Indonesian, the regency's written language, for this rule: franc
  // calls "Jalan rusak parah" and "Bupati: Anggaran perbaikan jalan kabupaten tahun depan naik 20 persen"
  // Sundanese. First for short text only (under MIN_LATIN_LETTERS_TO_OVERRULE_HINT letters); since
  // 2026-11-30 for any length, with a few more Sundanese and Javanese cue words (`boga`, `bari`, `teuing` …;
  // `ngene`, `nang`, `soko` …) set on NusaX valid: Indonesian 99 → 100 %, Sundanese 98 → 98 %, Javanese
  // 93 → 98 %; on the 193 Indonesian government-topic posts 92.7 → 100 % (14 had gone to `su`/`jv`). On
  // test see BENCHMARKS.sentiment.md.
  const claim = hinted ?? 'id';
  if (
    claim !== undefined &&
    best[0] !== claim &&
    isEmbeddedLanguage(claim) &&
    isEmbeddedLanguage(best[0]) &&
    cues.words[best[0]] === 0
  )
    return decision(claim, 0.5);
  return decision(best[0], confidence);
}
