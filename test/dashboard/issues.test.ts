/**
 * The dashboard's Indonesian messages for the API's 400 issues, fed with issues the API itself produces
 * (its zod schemas through `toIssues`, and `resolveRange`), so a new English message cannot leak through.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiIssue,
  LabelBodySchema,
  MentionsQuerySchema,
  resolveRange,
  toIssues,
} from '#shared/domain/api/schemas.ts';

interface IssuesModule {
  describeIssue(issue: unknown): string;
  describeBadRequest(body: unknown): string;
}

let issues: IssuesModule;
beforeAll(async () => {
  // A browser module without types: loaded by URL so the type checker does not look for declarations.
  issues = (await import(
    pathToFileURL(join(import.meta.dirname, '../../dashboard/issues.js')).href
  )) as IssuesModule;
});

function apiIssues(
  schema: typeof MentionsQuerySchema | typeof LabelBodySchema,
  input: unknown,
  where: string,
) {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected the input to be refused');
  return toIssues(parsed.error, where);
}

describe('dashboard 400 messages', () => {
  it('maps the API query issues to Indonesian by field and code, without the English text', () => {
    const raw = apiIssues(
      MentionsQuerySchema,
      { limit: '0', keyword: 'a,b', sentimen: 'NEGATIVE', from: 'kemarin' },
      'query',
    );
    expect(raw.map((i) => i.code).sort()).toEqual([
      'invalid_format',
      'repeated_parameter',
      'too_small',
      'unrecognized_keys',
    ]);
    const shown = issues.describeBadRequest({ error: 'invalid request', issues: raw });
    expect(shown).toBe(
      [
        'Permintaan tidak valid:',
        ...raw.map((i) =>
          i.code === 'unrecognized_keys'
            ? 'Parameter "sentimen" tidak dikenal.'
            : i.code === 'repeated_parameter'
              ? 'Kata kunci diberikan lebih dari sekali.'
              : i.code === 'too_small'
                ? 'Jumlah per halaman terlalu pendek atau terlalu kecil.'
                : 'Awal periode tidak valid.',
        ),
      ].join(' '),
    );
    for (const i of raw) expect(shown).not.toContain(i.message);
  });

  it('explains an unknown source and a body that is not UTF-8 in Indonesian, not with the API text', () => {
    for (const [issue, expected] of [
      [
        { path: 'query.source', code: 'unknown_source', message: "no source 'x' (see the config)" },
        'tidak dikenal',
      ],
      [{ path: 'body', code: 'invalid_utf8', message: 'request body is not valid UTF-8' }, 'UTF-8'],
      [
        { path: 'header.content-type', code: 'unsupported_charset', message: 'charset must be utf-8' },
        'UTF-8',
      ],
    ] as const) {
      const shown = issues.describeIssue(issue);
      expect(shown).toContain(expected);
      expect(shown).not.toContain(issue.message);
      expect(shown).not.toBe(issues.describeIssue({ path: 'x', code: 'no_such_code', message: 'm' }));
    }
  });

  it('explains a bad period and a bad label in the analyst terms', () => {
    const now = Date.parse('2026-11-30T00:00:00Z');
    const backwards = resolveRange({ from: '2026-11-30', to: '2026-11-01' }, now) as { issues: ApiIssue[] };
    const tooLong = resolveRange({ from: '2026-01-01', to: '2026-11-01' }, now) as { issues: ApiIssue[] };
    expect(issues.describeBadRequest({ issues: backwards.issues })).toBe(
      'Permintaan tidak valid: Awal periode harus sebelum akhirnya. Periksa tanggal "Sampai".',
    );
    expect(issues.describeBadRequest({ issues: tooLong.issues })).toBe(
      'Permintaan tidak valid: Periode terlalu panjang. Pilih periode yang lebih pendek.',
    );
    const ancient = resolveRange({ from: '1900-01-01', to: '2026-11-01' }, now) as { issues: ApiIssue[] };
    expect(issues.describeBadRequest({ issues: ancient.issues })).toBe(
      'Permintaan tidak valid: Tanggal di luar rentang yang didukung (sejak 1 Januari 2000 sampai satu tahun ke depan). Periksa tanggal "Sampai".',
    );
    const label = apiIssues(LabelBodySchema, { label: 'MARAH', note: 'x'.repeat(2_001) }, 'body');
    expect(label.map((i) => issues.describeIssue(i)).sort()).toEqual([
      'Catatan terlalu panjang (paling banyak 2.000 karakter).',
      'Label harus salah satu dari Positif, Netral, Campuran atau Negatif.',
    ]);
  });

  it('says once that more unknown parameters were left unnamed', () => {
    const raw = apiIssues(
      MentionsQuerySchema,
      Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, '1'])),
      'query',
    );
    expect(raw).toHaveLength(11);
    expect(issues.describeIssue(raw[10])).toBe('Ada parameter lain yang tidak dikenal.');
    expect(issues.describeIssue(raw[0])).toBe('Parameter "p0" tidak dikenal.');
  });

  it('falls back to one generic Indonesian sentence for what it does not know', () => {
    const shown = issues.describeBadRequest({
      issues: [
        { path: 'query.baru', code: 'something_new', message: 'a brand-new English message' },
        { path: 'header.x-api-key', code: 'custom', message: 'another one' },
        { path: 'query.<b>', code: 'unrecognized_keys', message: "unknown parameter '<b>'" },
      ],
    });
    expect(shown).toBe(
      'Permintaan tidak valid: Ada isian yang tidak valid. Muat ulang halaman lalu coba lagi.',
    );
    expect(issues.describeBadRequest({ error: 'invalid request' })).toBe('Permintaan tidak valid.');
    expect(issues.describeBadRequest(null)).toBe('Permintaan tidak valid.');
  });
});
