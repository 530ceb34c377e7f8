// The API answers 400 with `issues: [{ path, code, message }]` whose messages are English and written
// for developers. Analysts read Bahasa Indonesia: map each issue by its code and field, and fall back to
// a generic Indonesian sentence for anything unknown (the raw issues go to the console, not the page).

/** Field of a request, as analysts know it on this page (`query.from` → the period's start). */
const FIELDS = {
  'query.from': 'Awal periode',
  'query.to': 'Akhir periode (tanggal "Sampai")',
  'query.keyword': 'Kata kunci',
  'query.topic': 'Topik',
  'query.sentiment': 'Sentimen',
  'query.source': 'Sumber',
  'query.limit': 'Jumlah per halaman',
  'query.cursor': 'Penanda halaman berikutnya',
  'query.interval': 'Interval grafik',
  'query.format': 'Format ringkasan',
  'body.label': 'Label',
  'body.note': 'Catatan',
  'path.id': 'ID data',
  body: 'Isi permintaan',
};

const RELOAD_LIST =
  'Penanda halaman berikutnya tidak berlaku lagi. Muat ulang daftar dengan tombol "Muat ulang".';

/** Messages that depend only on the code. */
const BY_CODE = {
  invalid_range: 'Awal periode harus sebelum akhirnya. Periksa tanggal "Sampai".',
  range_too_long: 'Periode terlalu panjang. Pilih periode yang lebih pendek.',
  date_out_of_range:
    'Tanggal di luar rentang yang didukung (sejak 1 Januari 2000 sampai satu tahun ke depan). Periksa tanggal "Sampai".',
  unknown_keyword:
    'Kata kunci yang dipilih tidak dikenal (mungkin sudah dihapus dari konfigurasi). Muat ulang halaman.',
  unknown_topic:
    'Topik yang dipilih tidak dikenal (mungkin sudah dihapus dari konfigurasi). Muat ulang halaman.',
  unknown_source:
    'Sumber yang dipilih tidak dikenal (tidak ada di konfigurasi dan belum pernah dikumpulkan). Muat ulang halaman.',
  conflicting_parameters: 'Pilih kata kunci atau topik, jangan keduanya sekaligus.',
  invalid_utf8:
    'Isi permintaan memuat karakter yang tidak dapat dibaca (bukan UTF-8). Ketik ulang catatannya.',
  unsupported_charset: 'Isi permintaan harus dikirim dalam UTF-8.',
  invalid_json: 'Isi permintaan tidak dapat dibaca oleh server.',
  cursor_expired:
    'Penanda halaman berikutnya sudah kedaluwarsa (berlaku 15 menit). Muat ulang daftar dengan tombol "Muat ulang".',
  cursor_malformed: RELOAD_LIST,
  cursor_bad_signature: RELOAD_LIST,
  cursor_other_query: RELOAD_LIST,
};

/** Messages for a field, by code (`{field}` = the field's name). */
const BY_FIELD_CODE = {
  repeated_parameter: '{field} diberikan lebih dari sekali.',
  too_big: '{field} terlalu panjang atau terlalu besar.',
  too_small: '{field} terlalu pendek atau terlalu kecil.',
  invalid_type: '{field} tidak diisi atau jenisnya salah.',
  invalid_value: '{field} berisi pilihan yang tidak dikenal.',
};

/** Per field, where the generic sentence would not help the analyst. */
const SPECIAL = {
  'body.note:too_big': 'Catatan terlalu panjang (paling banyak 2.000 karakter).',
  'body.label:invalid_value': 'Label harus salah satu dari Positif, Netral, Campuran atau Negatif.',
};

const GENERIC = 'Ada isian yang tidak valid. Muat ulang halaman lalu coba lagi.';

/**
 * One Indonesian sentence for one API issue.
 * @param {{ path?: unknown, code?: unknown }} issue an element of a 400 response's `issues`
 * @returns {string}
 */
export function describeIssue(issue) {
  const path = typeof issue?.path === 'string' ? issue.path : '';
  const code = typeof issue?.code === 'string' ? issue.code : '';
  const special = SPECIAL[`${path}:${code}`];
  if (special) return special;
  const byCode = BY_CODE[code];
  if (byCode) return byCode;
  if (code === 'unrecognized_keys') {
    // The API names the first 10 unknown parameters and counts the rest in one issue at `query`.
    if (!path.includes('.')) return 'Ada parameter lain yang tidak dikenal.';
    const name = path.split('.').pop() ?? '';
    return /^[\w-]{1,40}$/.test(name) ? `Parameter "${name}" tidak dikenal.` : GENERIC;
  }
  const field = FIELDS[path];
  if (!field) return GENERIC;
  const template = BY_FIELD_CODE[code] ?? '{field} tidak valid.';
  return template.replace('{field}', field);
}

/**
 * The message shown for a 400 answer: `Permintaan tidak valid: ` and one sentence per distinct problem,
 * never the API's raw English text.
 * @param {unknown} body the parsed JSON body of the 400 response
 * @returns {string}
 */
export function describeBadRequest(body) {
  const issues = Array.isArray(body?.issues) ? body.issues : [];
  const sentences = [...new Set(issues.map(describeIssue))];
  return sentences.length === 0
    ? 'Permintaan tidak valid.'
    : `Permintaan tidak valid: ${sentences.join(' ')}`;
}
