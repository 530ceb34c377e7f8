// Pure formatting for the dashboard (no DOM, no state), so it can be tested in Node: numbers in Indonesian
// notation and readable names for the counter series that alerts carry.

const MINUS = '\u2212';
const formats = new Map();

/**
 * A number in Indonesian notation, as the digest writes it: decimal comma, dot between thousands, and a
 * true minus sign (U+2212) instead of a hyphen. A value that rounds to zero gets no sign.
 * @param {number} value
 * @param {number} [fractionDigits=0] digits after the comma, always shown (6 → "6,0" with 1)
 * @returns {string} e.g. formatNumber(-0.7, 2) → "−0,70"; formatNumber(1234) → "1.234"
 */
export function formatNumber(value, fractionDigits = 0) {
  let format = formats.get(fractionDigits);
  if (!format) {
    format = new Intl.NumberFormat('id-ID', {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
      signDisplay: 'negative',
    });
    formats.set(fractionDigits, format);
  }
  return format
    .formatToParts(value)
    .map((part) => (part.type === 'minusSign' ? MINUS : part.value))
    .join('');
}

/** What a series measures, by the prefix the detector gives alert series (`neg:`, `share:`). */
const MEASURES = {
  neg: { of: 'sebutan negatif', all: 'Semua sebutan negatif' },
  share: { of: 'porsi negatif', all: 'Semua sebutan (porsi negatif)' },
};

/**
 * A readable name for a counter or alert series id: the keyword's or topic's label from the config
 * (`GET /v1/keywords`) and what the series measures.
 * `neg:kw:majalengka` → "Majalengka (sebutan negatif)", `share:topic:infrastruktur` →
 * "Infrastruktur & jalan (porsi negatif)", `neg:all` → "Semua sebutan negatif", `kw:majalengka` →
 * "Majalengka", `all` → "Semua sebutan". An id no longer in the config is shown as it is.
 * @param {string} seriesId
 * @param {{ keywords?: { id: string, label: string }[], topics?: { id: string, label: string }[] }} [lists]
 * @returns {string}
 */
export function seriesName(seriesId, lists = {}) {
  const [, prefix, base = ''] = /^(?:(neg|share):)?(.*)$/s.exec(String(seriesId)) ?? [];
  const measure = prefix ? MEASURES[prefix] : undefined;
  if (base === 'all') return measure ? measure.all : 'Semua sebutan';
  const colon = base.indexOf(':');
  const kind = base.slice(0, colon);
  const id = base.slice(colon + 1);
  const entries =
    kind === 'kw' ? (lists.keywords ?? []) : kind === 'topic' ? (lists.topics ?? []) : undefined;
  if (colon < 0 || !entries) return String(seriesId);
  const label = entries.find((entry) => entry.id === id)?.label ?? id;
  return measure ? `${label} (${measure.of})` : label;
}

const ZONE_NAMES = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };

/**
 * The Indonesian name of a time zone (WIB, WITA, WIT), else the IANA id.
 * @param {string} timeZone
 * @returns {string}
 */
export function zoneName(timeZone) {
  return ZONE_NAMES[timeZone] ?? timeZone;
}
