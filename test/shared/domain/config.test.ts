import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, isMetadataHost, parseRegencyConfig } from '#shared/domain/config.ts';

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

  it('refuses alerts.shareThreshold from an old file with the reason, and keeps minDistinctAuthors', () => {
    expect(issuesOf({ ...base, alerts: { ...base.alerts, shareThreshold: 0.5 } })).toEqual([
      "alerts: unknown key 'shareThreshold': removed: it was never read, and a fixed share has no meaning for the share tests, which compare each series with its own baseline negative share (docs/spikes.md). Delete the key",
    ]);
    expect(issuesOf({ ...base, alerts: { minDistinctAuthors: 0 } })).toEqual([
      'alerts.minDistinctAuthors: Too small: expected number to be >=1',
    ]);
    expect(parseRegencyConfig({ ...base, alerts: {} }).alerts).toEqual({
      sensitivity: 'sedang',
      minNegative: 5,
      minVolume: 10,
      cooldownHours: 6,
      minDistinctAuthors: 2,
    });
  });

  it('refuses javascript: and file: feed URLs', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd']) {
      expect(issuesOf({ ...base, sources: [{ id: 'rss-x', kind: 'rss', url }] })).toContain(
        'sources.0.url: must be an http(s) URL',
      );
    }
  });

  it('names an unparsable URL as a field issue, beside the other bad fields, instead of throwing', () => {
    for (const url of ['notaurl', 'http:// bad/', 'http://[::1/', 'http://[fe80::1%25eth0]/']) {
      const issues = issuesOf({
        ...base,
        timeZone: 'Asia/Majalengka',
        sources: [{ id: 'rss-x', kind: 'rss', url }],
      });
      expect(issues).toContain('sources.0.url: must be an http(s) URL');
      expect(issues.some((i) => i.startsWith('timeZone:'))).toBe(true);
    }
    const masto = issuesOf({
      ...base,
      sources: [{ id: 'masto', kind: 'mastodon', instance: 'http://[::1', hashtags: ['majalengka'] }],
    });
    expect(masto).toContain('sources.0.instance: must be an http(s) URL');
  });

  it('refuses a source URL that carries a user name or password (second QA pass)', () => {
    for (const url of ['http://user:pw@example.com/feed', 'https://user@example.com/feed']) {
      expect(issuesOf({ ...base, sources: [{ id: 'rss-x', kind: 'rss', url }] })).toContain(
        'sources.0.url: must not carry a user name or password (credentials go in Secrets Manager)',
      );
    }
  });

  it('refuses feed and instance URLs at link-local or instance-metadata addresses, keeps loopback for local servers', () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/feed',
      'http://metadata.google.internal/x',
      'http://metadata.google.internal./x',
      'http://instance-data./x',
      'http://[::ffff:169.254.169.254]/latest/',
      'http://[0:0:0:0:0:ffff:169.254.169.254]/',
      'http://[64:ff9b::a9fe:a9fe]/',
      'http://2852039166/',
    ]) {
      expect(issuesOf({ ...base, sources: [{ id: 'rss-x', kind: 'rss', url }] })).toContain(
        'sources.0.url: must not point at a link-local or instance-metadata address',
      );
    }
    expect(
      issuesOf({
        ...base,
        sources: [
          { id: 'masto', kind: 'mastodon', instance: 'http://169.254.169.254', hashtags: ['majalengka'] },
        ],
      }),
    ).toContain('sources.0.instance: must not point at a link-local or instance-metadata address');
    expect(() =>
      parseRegencyConfig(
        { ...base, sources: [{ id: 'rss-x', kind: 'rss', url: 'http://127.0.0.1:8080/feed.xml' }] },
        'x.json',
      ),
    ).not.toThrow();
    // An IPv4-mapped address outside 169.254/16 is an ordinary address.
    expect(isMetadataHost('[::ffff:a9ff:1]')).toBe(false);
    expect(isMetadataHost('[::ffff:a9fe:1]')).toBe(true);
  });

  it('names field problems and cross-field problems in one report, so one round of fixes is enough', () => {
    const issues = issuesOf({
      ...base,
      timeZone: 'Asia/Majalengka',
      sources: [
        { id: 'rss-a', kind: 'rss', url: 'https://a.example.id/feed' },
        { id: 'rss-a', kind: 'rss', url: 'https://b.example.id/feed', keywords: ['tidak-ada'] },
      ],
    });
    expect(issues).toContain('timeZone: not a valid IANA time zone');
    expect(issues).toContain("sources.1.id: duplicate source id 'rss-a'");
    expect(issues).toContain("sources.1.keywords.0: unknown keyword id 'tidak-ada'");
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

describe('social source kinds', () => {
  const base = {
    regency: 'majalengka',
    name: 'Kabupaten Majalengka',
    keywords: [{ id: 'majalengka', label: 'Majalengka', terms: ['Majalengka'] }],
  };
  const parse = (source: Record<string, unknown>) => parseRegencyConfig({ ...base, sources: [source] });

  it('accepts each new kind with its defaults', () => {
    expect(
      parse({ id: 'm', kind: 'mastodon', instance: 'https://mastodon.social', hashtags: ['#Majalengka'] })
        .sources[0],
    ).toMatchObject({ limit: 40, maxPages: 3 });
    expect(
      parse({ id: 'b', kind: 'bluesky', query: 'Majalengka', credentials: 'bluesky' }).sources[0],
    ).toMatchObject({ service: 'https://bsky.social' });
    expect(parse({ id: 'x', kind: 'x', query: 'Majalengka', credentials: 'x' }).sources[0]).toMatchObject({
      dailyReadBudget: 300,
      maxResults: 100,
    });
    expect(
      parse({
        id: 'r',
        kind: 'reddit',
        query: 'Majalengka',
        credentials: 'reddit',
        userAgent: 'server:pantau:0.1 (by /u/x)',
      }).sources[0],
    ).toMatchObject({ timeWindow: 'day' });
  });

  it('rejects a secret where a credential-set name belongs, a bad hashtag, and a YouTube source with nothing to watch', () => {
    expect(() => parse({ id: 'x', kind: 'x', query: 'q', credentials: 'AAAA%2Fsecret token' })).toThrow(
      /sources\.0\.credentials/,
    );
    expect(() =>
      parse({ id: 'm', kind: 'mastodon', instance: 'https://m.example', hashtags: ['two words'] }),
    ).toThrow(/sources\.0\.hashtags\.0/);
    expect(() => parse({ id: 'y', kind: 'youtube', credentials: 'youtube' })).toThrow(
      /a youtube source needs a query or channelIds/,
    );
    expect(() => parse({ id: 'x', kind: 'x', query: 'q', credentials: 'x', dailyReadBudget: 5 })).toThrow(
      /dailyReadBudget/,
    );
  });

  it('keeps the shipped config valid, with every credentialed source disabled', () => {
    const config = parseRegencyConfig(JSON.parse(readFileSync('config/majalengka.json', 'utf8')));
    const social = config.sources.filter((s) => ['bluesky', 'reddit', 'x', 'youtube'].includes(s.kind));
    expect(social.map((s) => s.kind).sort()).toEqual(['bluesky', 'reddit', 'x', 'youtube']);
    expect(social.every((s) => !s.enabled)).toBe(true);
  });
});

describe('timeZone', () => {
  it('accepts WIB, WITA and WIT and refuses zones whose offset is not a whole number of hours', () => {
    const base = JSON.parse(readFileSync('config/majalengka.json', 'utf8'));
    for (const zone of ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'UTC'])
      expect(parseRegencyConfig({ ...base, timeZone: zone }).timeZone).toBe(zone);
    // +05:30 all year; +10:30 in the southern winter only.
    for (const zone of ['Asia/Kolkata', 'Australia/Lord_Howe']) {
      expect(() => parseRegencyConfig({ ...base, timeZone: zone })).toThrow(
        /timeZone: its offset from UTC is not a whole number of hours/,
      );
    }
  });
});
