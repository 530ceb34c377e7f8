import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseRegencyConfig } from '#shared/domain/config.ts';

const base = JSON.parse(readFileSync('config/majalengka.json', 'utf8'));

function issuesOf(input: unknown): string[] {
  try {
    parseRegencyConfig(input, 'x.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('config was accepted');
}

describe('parseRegencyConfig', () => {
  it('accepts the shipped Majalengka config with its defaults', () => {
    const config = parseRegencyConfig(base);
    expect(config.timeZone).toBe('Asia/Jakarta');
    expect(config.keywords.map((k) => k.id)).toContain('kertajati');
    expect(config.alerts.sensitivity).toBe('sedang');
  });

  it('names each bad field by its path, all at once', () => {
    const issues = issuesOf({
      ...base,
      timeZone: 'Asia/Bandung',
      keywords: [{ ...base.keywords[0], id: 'Bad Id' }, ...base.keywords.slice(1)],
      sources: [{ id: 'rss-x', kind: 'rss', url: 'ftp://example.id/feed' }],
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^timeZone: /),
        expect.stringMatching(/^keywords\.0\.id: /),
        'sources.0.url: must be an http(s) URL',
      ]),
    );
  });

  it('refuses unknown keys, so a typo cannot silently change behaviour', () => {
    expect(issuesOf({ ...base, timezone: 'Asia/Makassar' }).join('\n')).toMatch(/timezone/);
    expect(issuesOf({ ...base, alerts: { sensitivty: 'tinggi' } }).join('\n')).toMatch(/sensitivty/);
  });

  it('refuses javascript: and file: feed URLs', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd']) {
      expect(issuesOf({ ...base, sources: [{ id: 'rss-x', kind: 'rss', url }] })).toContain(
        'sources.0.url: must be an http(s) URL',
      );
    }
  });

  it('refuses duplicate ids, unknown or self requires, and requires cycles', () => {
    const kw = (id: string, requires: string[] = []) => ({ id, label: id, terms: [`${id}-kata`], requires });
    expect(issuesOf({ ...base, keywords: [kw('a'), kw('a')] })).toContain(
      "keywords.1.id: duplicate keyword id 'a'",
    );
    expect(issuesOf({ ...base, sources: [], keywords: [kw('a', ['zz'])] })).toContain(
      "keywords.0.requires.0: unknown keyword id 'zz'",
    );
    expect(issuesOf({ ...base, sources: [], keywords: [kw('a', ['a'])] })).toContain(
      'keywords.0.requires.0: a keyword cannot require itself',
    );
    expect(issuesOf({ ...base, sources: [], keywords: [kw('a', ['b']), kw('b', ['a'])] })).toContain(
      'keywords: keywords require each other in a cycle: a → b → a',
    );
  });
});
