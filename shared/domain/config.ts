/**
 * The regency configuration: keywords, sources, time zone, retention, topics and alert thresholds.
 * One JSON file per regency under `config/`, parsed with {@link RegencyConfigSchema} at start; a bad file
 * fails fast with {@link ConfigError} naming every offending field.
 */
import { z } from 'zod';
import { zoneOffsetMinutes } from './time.ts';

/** A keyword to watch: any of `terms` (whole words) or `phrases` (exact word sequences), minus `exclude`. */
export const KeywordSchema = z
  .object({
    /** Stable id used in keys, counters and the API, e.g. `kertajati`. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, 1–40 chars'),
    /** Display label, e.g. `Bandara Kertajati`. */
    label: z.string().min(1),
    /** Single words matched on word boundaries, case- and diacritic-insensitive. */
    terms: z.array(z.string().min(2)).default([]),
    /** Multi-word phrases matched as whole word sequences. */
    phrases: z.array(z.string().min(2)).default([]),
    /** Words or phrases that veto a match (e.g. another regency's name). */
    exclude: z.array(z.string().min(2)).default([]),
    /** Only match when one of these other keyword ids also matches (e.g. `bupati` needs `majalengka`). */
    requires: z.array(z.string()).default([]),
  })
  .refine((k) => k.terms.length + k.phrases.length > 0, {
    message: 'a keyword needs at least one term or phrase',
  });
export type Keyword = z.infer<typeof KeywordSchema>;

/**
 * Cloud instance-metadata and link-local hosts (169.254.0.0/16, fe80::/10, the metadata names), also
 * written as IPv4-mapped (`::ffff:169.254.169.254`) or NAT64 (`64:ff9b::a9fe:a9fe`) IPv6 addresses or
 * with a trailing dot. A feed URL pointing there would make the collect function fetch its own
 * credentials. This guards against config mistakes; it is not a sandbox: names are not resolved, so a
 * DNS name pointing at 169.254.x.x passes (the regency config is written by the operator). Loopback stays
 * allowed for local test servers.
 */
export function isMetadataHost(hostname: string): boolean {
  const h = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  // WHATWG URL parsing already turns decimal, hex and octal IPv4 forms into dotted decimal and compresses
  // IPv6, so `::ffff:169.254.169.254` arrives as `::ffff:a9fe:a9fe`.
  const embedded = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (embedded) {
    const hi = Number.parseInt(embedded[1]!, 16);
    return hi >> 8 === 169 && (hi & 0xff) === 254;
  }
  return (
    /^169\.254\.\d{1,3}\.\d{1,3}$/.test(h) ||
    /^fe[89ab][0-9a-f]:/.test(h) ||
    h === 'metadata.google.internal' ||
    h === 'metadata' ||
    h === 'instance-data' ||
    h === 'fd00:ec2::254'
  );
}

/** An http(s) URL a source may fetch: not a link-local or instance-metadata address. */
const SourceUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  // Refinements still run after the format check failed (zod 4), so an unparsable URL must not throw here:
  // it already carries 'must be an http(s) URL', and the other fields' issues are still collected.
  .refine((u) => !URL.canParse(u) || !isMetadataHost(new URL(u).hostname), {
    error: 'must not point at a link-local or instance-metadata address',
  })
  // The config is committed and logged; secrets belong in Secrets Manager (`credentials`), not in a URL.
  .refine((u) => !URL.canParse(u) || (new URL(u).username === '' && new URL(u).password === ''), {
    error: 'must not carry a user name or password (credentials go in Secrets Manager)',
  });

const SourceBaseSchema = z.strictObject({
  /** Stable source id, e.g. `gnews-majalengka`, used in keys, logs and metrics. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'lowercase letters, digits and dashes, 1–60 chars'),
  enabled: z.boolean().default(true),
  /** Polling interval in minutes (Scheduler rate on AWS). */
  everyMinutes: z.number().int().min(5).max(1440).default(15),
  /** Keyword ids a search query stands for (used when the match is not in the item's own text). */
  keywords: z.array(z.string()).default([]),
});

export const GoogleNewsSourceSchema = SourceBaseSchema.extend({
  kind: z.literal('google-news'),
  /** Google News search query, operators allowed (`"…"`, `OR`, `-term`, `site:`, `when:1d`). */
  query: z.string().min(1),
  hl: z.string().default('id'),
  gl: z.string().default('ID'),
});

export const RssSourceSchema = SourceBaseSchema.extend({
  kind: z.literal('rss'),
  /** RSS 2.0 or Atom feed URL. */
  url: SourceUrlSchema,
  /** Language of the feed when items carry none (ISO 639-1). */
  lang: z.string().default('id'),
});

export const ReplaySourceSchema = SourceBaseSchema.extend({
  kind: z.literal('replay'),
  /** Path of a JSON Lines file (see `docs/replay.md`). */
  path: z.string().min(1),
});

/**
 * Name of a credential set (never the secret itself): a key of the `source-tokens` secret on AWS, of the
 * local credentials file, or the suffix of a `PANTAU_CREDENTIALS_<NAME>` variable (`docs/sources.md`).
 */
const CredentialNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,59}$/, 'a credential set name: lowercase letters, digits, ".", "_", "-"');

/** Pages read per poll by paging APIs: bounds the work of one Lambda run (the rest comes next poll). */
const MaxPagesSchema = z.number().int().min(1).max(10).default(3);

export const MastodonSourceSchema = SourceBaseSchema.extend({
  kind: z.literal('mastodon'),
  /** Instance base URL, e.g. `https://mastodon.social` (public hashtag timelines need no key). */
  instance: SourceUrlSchema,
  /** Hashtags to follow, with or without `#` (letters, digits, `_`), e.g. `["majalengka", "kertajati"]`. */
  hashtags: z
    .array(z.string().regex(/^#?[\p{L}\p{N}_]{1,100}$/u, 'a hashtag: letters, digits and _'))
    .min(1)
    .max(10),
  /** Statuses per page (Mastodon's maximum is 40). */
  limit: z.number().int().min(1).max(40).default(40),
  maxPages: MaxPagesSchema,
});

export const BlueskySourceSchema = SourceBaseSchema.extend({
  kind: z.literal('bluesky'),
  /** `app.bsky.feed.searchPosts` query (Lucene-like: words, `"phrases"`, `from:`, `#tag`). */
  query: z.string().min(1).max(500),
  /** Credential set with `identifier` (handle or e-mail) and `appPassword`. */
  credentials: CredentialNameSchema,
  /** PDS that issues the session and proxies the search. @default https://bsky.social */
  service: SourceUrlSchema.default('https://bsky.social'),
  /** Only posts declared in this language (ISO 639-1), when set. */
  lang: z
    .string()
    .regex(/^[a-z]{2,3}$/)
    .optional(),
  maxPages: MaxPagesSchema,
});

export const YouTubeSourceSchema = SourceBaseSchema.extend({
  kind: z.literal('youtube'),
  /** Credential set with `apiKey` (YouTube Data API v3). */
  credentials: CredentialNameSchema,
  /** `search.list` query for videos (100 quota units per call); omit to watch `channelIds` only. */
  query: z.string().min(1).max(500).optional(),
  /** Channels whose uploads playlist is read (1 unit per call), e.g. local news or the Pemkab channel. */
  channelIds: z
    .array(z.string().regex(/^UC[A-Za-z0-9_-]{22}$/, 'a channel id like UCxxxxxxxxxxxxxxxxxxxxxx'))
    .max(20)
    .default([]),
  regionCode: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('ID'),
  relevanceLanguage: z
    .string()
    .regex(/^[a-z]{2,3}$/)
    .default('id'),
  /** `search.list` calls per poll (each costs 100 units of the 10 000/day default quota). */
  maxSearchCallsPerRun: z.number().int().min(0).max(5).default(1),
  /** Videos whose newest comments are read per poll (`commentThreads.list`, 1 unit each). */
  commentVideosPerRun: z.number().int().min(0).max(50).default(10),
  /** Days a found video's comments keep being read. */
  trackVideoDays: z.number().int().min(1).max(30).default(7),
  /** Quota units this source may spend per Pacific-time day (YouTube's quota day). */
  dailyQuotaUnits: z.number().int().min(1).max(1_000_000).default(2_000),
  /** Pages read per poll of each uploads playlist (50 videos) and each video's comments (100 threads). */
  maxPages: MaxPagesSchema,
});

export const RedditSourceSchema = SourceBaseSchema.extend({
  kind: z.literal('reddit'),
  /** Reddit search query. */
  query: z.string().min(1).max(512),
  /** Credential set with `clientId` and `clientSecret` (an app-only OAuth "script"/"web" app). */
  credentials: CredentialNameSchema,
  /** Search only this subreddit (name without `r/`), when set. */
  subreddit: z
    .string()
    .regex(/^[A-Za-z0-9_]{2,21}$/)
    .optional(),
  /** Descriptive User-Agent Reddit requires: `<platform>:<app id>:<version> (by /u/<operator>)`. */
  userAgent: z.string().min(10).max(300),
  /** Reddit's `t`: how far back a search looks. */
  timeWindow: z.enum(['hour', 'day', 'week']).default('day'),
  maxPages: MaxPagesSchema,
});

export const XSourceSchema = SourceBaseSchema.extend({
  kind: z.literal('x'),
  /** X API v2 recent-search query, e.g. `Majalengka lang:id -is:retweet` (≤ 512 characters on Basic). */
  query: z.string().min(1).max(512),
  /** Credential set with `bearerToken`. Without it the source is skipped: X is paid per post read. */
  credentials: CredentialNameSchema,
  /** Posts this source may read per UTC day (X bills per post read; about USD 0.005 each). */
  dailyReadBudget: z.number().int().min(10).max(1_000_000).default(300),
  /** `max_results` per page (X allows 10–100). */
  maxResults: z.number().int().min(10).max(100).default(100),
  maxPages: MaxPagesSchema,
});

export const SourceConfigSchema = z.discriminatedUnion('kind', [
  GoogleNewsSourceSchema,
  RssSourceSchema,
  ReplaySourceSchema,
  MastodonSourceSchema,
  BlueskySourceSchema,
  YouTubeSourceSchema,
  RedditSourceSchema,
  XSourceSchema,
]);
export type SourceConfig = z.infer<typeof SourceConfigSchema>;

/** A topic in the regency's taxonomy, assigned by keyword terms, with the OPD (agency) responsible. */
export const TopicSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
  label: z.string().min(1),
  /** Responsible regional agency (OPD), e.g. `Dinas PUTR`. */
  opd: z.string().min(1),
  terms: z.array(z.string().min(2)).min(1),
});
export type Topic = z.infer<typeof TopicSchema>;

export const SensitivitySchema = z.enum(['rendah', 'sedang', 'tinggi']);

/**
 * Alert keys that no longer exist, with why: an old config file that sets one fails with this reason
 * rather than having it silently ignored.
 */
const REMOVED_ALERT_KEYS: Readonly<Record<string, string>> = {
  shareThreshold:
    'removed: it was never read, and a fixed share has no meaning for the share tests, which compare each series with its own baseline negative share (docs/spikes.md). Delete the key',
};

export const AlertConfigSchema = z.strictObject(
  {
    /** Preset: `rendah` alerts least, `tinggi` most. */
    sensitivity: SensitivitySchema.default('sedang'),
    /** Minimum negative mentions in the window before a share alert. */
    minNegative: z.number().int().min(1).default(5),
    /** Minimum mentions (all sentiments) in the window before the negative-share test applies. */
    minVolume: z.number().int().min(1).default(10),
    /** Hours after an alert before the same keyword may alert again unless it got worse. */
    cooldownHours: z.number().min(0).max(168).default(6),
    /**
     * Distinct authors an alert's window needs among its negative mentions (a news item without an author
     * counts as its outlet, else its source: one site is one author however many articles it runs).
     */
    minDistinctAuthors: z.number().int().min(1).default(2),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys
            .map((k) => `unknown key '${k}'${REMOVED_ALERT_KEYS[k] ? `: ${REMOVED_ALERT_KEYS[k]}` : ''}`)
            .join('; ')
        : undefined,
  },
);

export const RegencyConfigSchema = z.strictObject({
  /** Tenant id, e.g. `majalengka`. */
  regency: z.string().regex(/^[a-z0-9-]{2,40}$/),
  /** Display name, e.g. `Kabupaten Majalengka`. */
  name: z.string().min(1),
  /**
   * IANA zone for day boundaries and schedules. Its offset from UTC must be a whole number of hours
   * (WIB, WITA and WIT are): counters are kept per UTC hour and summed into local days.
   */
  timeZone: z
    .string()
    .refine(isValidTimeZone, { message: 'not a valid IANA time zone' })
    .refine((zone) => !isValidTimeZone(zone) || hasWholeHourOffsets(zone), {
      message:
        'its offset from UTC is not a whole number of hours (counters are per UTC hour, so local days would be off); use a zone such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura',
    })
    .default('Asia/Jakarta'),
  keywords: z.array(KeywordSchema).min(1),
  sources: z.array(SourceConfigSchema).default([]),
  topics: z.array(TopicSchema).default([]),
  retention: z
    .object({
      /** Days to keep a mention's raw text and author (UU 27/2022 PDP: keep no longer than the purpose needs). */
      rawTextDays: z.number().int().min(1).max(3650).default(90),
    })
    .default({ rawTextDays: 90 }),
  alerts: AlertConfigSchema.default(AlertConfigSchema.parse({})),
  digest: z
    .object({
      /** Local hour (0–23, in `timeZone`) the digest runs for the previous day. */
      hour: z.number().int().min(0).max(23).default(7),
      recipients: z.array(z.email()).default([]),
    })
    .default({ hour: 7, recipients: [] }),
});
export type RegencyConfig = z.infer<typeof RegencyConfigSchema>;
export type RegencyConfigInput = z.input<typeof RegencyConfigSchema>;

/** A configuration file that does not parse; `issues` name each bad field by its dotted path. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly issues: readonly { path: string; message: string }[],
    options?: { cause?: unknown },
  ) {
    super(
      `Invalid config ${file}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      options,
    );
  }
}

/**
 * Parse a regency config object; cross-checks keyword and source references.
 * @throws {ConfigError} listing every bad field by path (e.g. `sources.2.url: Invalid URL`).
 */
export function parseRegencyConfig(input: unknown, file = '<config>'): RegencyConfig {
  const result = RegencyConfigSchema.safeParse(input);
  if (!result.success) {
    // Cross-field problems are reported too, from the raw input, so one round of fixes is enough.
    const fieldIssues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const seen = new Set(fieldIssues.map((i) => `${i.path}|${i.message}`));
    const extra = crossFieldProblems(looseView(input)).filter((p) => !seen.has(`${p.path}|${p.message}`));
    throw new ConfigError(file, [...fieldIssues, ...extra], { cause: result.error });
  }
  const problems = crossFieldProblems(result.data);
  if (problems.length > 0) throw new ConfigError(file, problems);
  return result.data;
}

/** The fields the cross-field checks read; a parsed config has this shape, and so does {@link looseView}. */
interface CrossFieldView {
  readonly keywords: readonly { readonly id: string; readonly requires: readonly string[] }[];
  readonly topics: readonly { readonly id: string }[];
  readonly sources: readonly {
    readonly id: string;
    readonly kind: string;
    readonly keywords: readonly string[];
    readonly query?: string | undefined;
    readonly channelIds?: readonly string[];
  }[];
}

/**
 * Best-effort view of a config that failed field validation: entries without a string id are left out,
 * missing lists read as empty, so the checks across fields can still name what they see.
 */
function looseView(input: unknown): CrossFieldView {
  const record = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');
  const withId = (v: unknown): (Record<string, unknown> & { id: string }) | undefined => {
    const r = record(v);
    return typeof r['id'] === 'string' ? { ...r, id: r['id'] } : undefined;
  };
  const root = record(input);
  return {
    keywords: list(root['keywords']).flatMap((k) => {
      const r = withId(k);
      return r ? [{ id: r.id, requires: strings(r['requires']) }] : [];
    }),
    topics: list(root['topics']).flatMap((t) => {
      const r = withId(t);
      return r ? [{ id: r.id }] : [];
    }),
    sources: list(root['sources']).flatMap((src) => {
      const r = withId(src);
      if (!r) return [];
      return [
        {
          id: r.id,
          kind: typeof r['kind'] === 'string' ? r['kind'] : '',
          keywords: strings(r['keywords']),
          ...(typeof r['query'] === 'string' ? { query: r['query'] } : {}),
          channelIds: strings(r['channelIds']),
        },
      ];
    }),
  };
}

/** Duplicate ids, unknown or cyclic keyword references, and a YouTube source with nothing to watch. */
function crossFieldProblems(config: CrossFieldView): { path: string; message: string }[] {
  const ids = new Set(config.keywords.map((k) => k.id));
  const problems: { path: string; message: string }[] = [];
  const seenKeywords = new Set<string>();
  config.keywords.forEach((k, i) => {
    if (seenKeywords.has(k.id))
      problems.push({ path: `keywords.${i}.id`, message: `duplicate keyword id '${k.id}'` });
    seenKeywords.add(k.id);
    k.requires.forEach((r, j) => {
      if (!ids.has(r))
        problems.push({ path: `keywords.${i}.requires.${j}`, message: `unknown keyword id '${r}'` });
      else if (r === k.id)
        problems.push({ path: `keywords.${i}.requires.${j}`, message: 'a keyword cannot require itself' });
    });
  });
  const cycle = requiresCycle(config.keywords);
  if (cycle)
    problems.push({
      path: 'keywords',
      message: `keywords require each other in a cycle: ${cycle.join(' → ')}`,
    });
  const seenTopics = new Set<string>();
  config.topics.forEach((t, i) => {
    if (seenTopics.has(t.id))
      problems.push({ path: `topics.${i}.id`, message: `duplicate topic id '${t.id}'` });
    seenTopics.add(t.id);
  });
  const sourceIds = new Set<string>();
  config.sources.forEach((s, i) => {
    if (sourceIds.has(s.id))
      problems.push({ path: `sources.${i}.id`, message: `duplicate source id '${s.id}'` });
    sourceIds.add(s.id);
    s.keywords.forEach((k, j) => {
      if (!ids.has(k))
        problems.push({ path: `sources.${i}.keywords.${j}`, message: `unknown keyword id '${k}'` });
    });
    if (s.kind === 'youtube' && s.query === undefined && (s.channelIds ?? []).length === 0)
      problems.push({ path: `sources.${i}`, message: 'a youtube source needs a query or channelIds' });
  });
  return problems;
}

function requiresCycle(keywords: CrossFieldView['keywords']): string[] | undefined {
  const requires = new Map(keywords.map((k) => [k.id, k.requires.filter((r) => r !== k.id)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of requires.get(id) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const k of keywords) {
    const found = visit(k.id);
    if (found) return found;
  }
  return undefined;
}

/**
 * Whether `zone`'s offset is a whole number of hours in mid-January and mid-July: every daylight-saving
 * rule has one of its two offsets in force on each date (Australia/Lord_Howe: +11:00 / +10:30).
 */
function hasWholeHourOffsets(zone: string): boolean {
  return [Date.UTC(2026, 0, 15, 12), Date.UTC(2026, 6, 15, 12)].every(
    (ms) => zoneOffsetMinutes(zone, ms) % 60 === 0,
  );
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
