/**
 * A small polarity lexicon written for Pantau by its authors (no third-party lexicon is shipped:
 * InSet, SentiStrength-ID and the colloquial "kamus alay" carry no licence). It is not used as a
 * classifier on its own: each hit becomes a `lex:pos` / `lex:neg` feature whose weight the model
 * learns, so evaluative words missing from the training data (other domains) still carry signal.
 *
 * The news decision also adds a fixed prior per hit, so an entry must be evaluative in news too: the award,
 * achievement, praise and enjoyment words of 2026.12.1 (`penghargaan` … `asri`) leave out words that are
 * neutral or two-sided in headlines (`piala` of Piala Dunia, `rekor kasus`, `lolos` "escaped", `menawan`
 * "hold captive", `terpilih` in election coverage). See docs/model-card.md, "Fifth attempt".
 */

const INDONESIAN_POSITIVE = `
bagus baik enak mantap mantab keren puas senang suka nyaman ramah bersih murah lezat indah cantik hebat
terbaik rekomendasi recommended memuaskan menyenangkan cepat sukses berhasil bangga terimakasih mantul juara
asyik asik lancar aman sejuk rapi strategis lengkap sempurna istimewa favorit nikmat gurih segar worth love
good great nice best apresiasi mendukung meningkat prestasi bermanfaat membantu peduli jujur amanah maju
sejahtera bahagia gembira syukur alhamdulillah top oke ok sip cinta terpercaya profesional
berkualitas unggul inovatif transparan tanggap sigap responsif solutif membanggakan kompak harmonis
damai tertib meriah menarik seru lucu sehat pulih membaik tumbuh untung hemat gratis berprestasi
menang diresmikan peresmian pesona keindahan optimistis optimis
penghargaan anugerah medali trofi adipura raih meraih diraih menjuarai dinobatkan menyabet mengharumkan
gemilang dipuji pujian mengapresiasi diapresiasi menikmati dinikmati memukau memesona mempesona asri
`;

const INDONESIAN_NEGATIVE = `
buruk jelek kecewa mengecewakan mahal kotor lambat parah payah rusak bau sombong jutek judes kasar marah kesal
kesel sebal sebel benci bosan sedih susah sulit ribet repot mengganggu gagal bohong tipu penipu penipuan korupsi
korup macet hancur busuk basi hambar sempit berisik bising sakit rugi menyesal nyesel lelet lemot error
gangguan keluhan mengeluh protes anjlok menurun zalim bobrok amburadul bangsat anjing tolol bodoh goblok sampah
norak memalukan malu pungli curang lalai telat terlambat mangkrak terbengkalai kumuh resah meresahkan
khawatir takut ancaman rawan ricuh kisruh krisis menipu palsu hoaks hoax fitnah jahat kejam brengsek sialan kampret lebay alay capek lelah pusing galau
mengerikan menyedihkan menyebalkan terburuk kapok ogah parahnya
`;

/** Sundanese-only entries (applied when the text is routed as Sundanese): `goreng` is "bad" in Sundanese but "fried" in Indonesian. */
/**
 * Adverse events (disaster, crime, accidents). News about them is read as negative by the office's
 * analysts, yet review-style training data hardly contains them; they get their own feature
 * (`lex:event`) so their weight is not tied to that of evaluative words.
 */
const ADVERSE_EVENTS = `
kecelakaan tabrakan tewas meninggal korban bencana banjir longsor kebakaran terbakar gempa kriminal pencurian
pembunuhan narkoba tersangka ditangkap penangkapan bentrok darurat langka mencekam kekeringan puting beliung
tenggelam hanyut pengeroyokan penganiayaan begal penipuan korupsi pungli
`;

const SUNDANESE_POSITIVE = `
alus sae ngeunah resep bungah someah beresih merenah raos mirah hade mantep genah saé
`;

const SUNDANESE_NEGATIVE = `
goreng awon hese ambek lieur keuheul hanjelu ceurik mahal kesel jijik bau sieun
`;

const POSITIVE_EMOJI = '😀 😃 😄 😁 😊 😍 🥰 😘 👍 👏 🙌 💪 ❤ 💕 💖 💯 🔥 ✨ 🎉 🤩 😎 🙂 👌 🥳 ⭐';
const NEGATIVE_EMOJI = '😡 😠 🤬 😢 😭 😞 😔 😩 😫 👎 💩 😤 😒 🙄 😣 😖 🤮 😱 💔 😑';

function words(list: string): string[] {
  return list.split(/\s+/).filter((w) => w.length > 0);
}

/** Lexicon class of a token: evaluative positive, evaluative negative, or adverse event. */
export type LexiconClass = 'pos' | 'neg' | 'event';

function entries(list: string, cls: LexiconClass): [string, LexiconClass][] {
  return words(list).map((w) => [w, cls]);
}

const COMMON: ReadonlyMap<string, LexiconClass> = new Map<string, LexiconClass>([
  ...entries(ADVERSE_EVENTS, 'event'),
  ...entries(INDONESIAN_POSITIVE, 'pos'),
  ...entries(INDONESIAN_NEGATIVE, 'neg'),
  ...entries(POSITIVE_EMOJI, 'pos'),
  ...entries(NEGATIVE_EMOJI, 'neg'),
  ['xemopos', 'pos'],
  ['xemoneg', 'neg'],
]);

const SUNDANESE: ReadonlyMap<string, LexiconClass> = new Map<string, LexiconClass>([
  ...entries(SUNDANESE_POSITIVE, 'pos'),
  ...entries(SUNDANESE_NEGATIVE, 'neg'),
]);

/**
 * Class of a (lower-cased, un-negated) token in the authored lexicon, or undefined when absent.
 *
 * @param token - A token from `tokenize` (without the `neg_` prefix).
 * @param lang - Routed language; Sundanese entries apply only for `su`, where they take precedence.
 */
export function lexiconClass(token: string, lang: string): LexiconClass | undefined {
  if (lang === 'su') {
    const su = SUNDANESE.get(token);
    if (su !== undefined) return su;
  }
  return COMMON.get(token);
}

/** Number of entries (all languages), for the model card. */
export const LEXICON_SIZE = COMMON.size + SUNDANESE.size;
