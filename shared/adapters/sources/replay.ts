/**
 * Replay: mentions from a JSON Lines file, so the pipeline runs on real input without network access.
 * Format (`docs/replay.md`): one object per line with `url`, `publishedAt`, `source` (outlet domain) and
 * `title` and/or `text`/`excerpt`; optional `lang`; other fields ignored. Blank lines are skipped.
 * A bad line is reported in `rejected` with its line number and the reason, never dropped silently and
 * never failing the poll; only an unreadable file fails it.
 *
 * Dates are taken as given (no future check): a replay file is deliberate input, possibly synthetic.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { ReplaySourceSchema } from '#shared/domain/config.ts';
import { DEFAULT_TIME_ZONE, parseDate } from '#shared/domain/dates.ts';
import { cleanText } from '#shared/domain/text.ts';
import { InvalidUrlError, parseHttpUrl, siteOf } from '#shared/domain/url.ts';
import type {
  FetchContext,
  MentionSource,
  SourceFetchResult,
  SourceItem,
} from '#shared/ports/mention-source.ts';
import { SourceError } from '#shared/ports/mention-source.ts';
import { SourceAbortedError } from './errors.ts';
import { MAX_TITLE_LENGTH, primaryLanguage, type Rejection } from './feed.ts';

/** A parsed `replay` source config. */
export type ReplaySourceConfig = z.infer<typeof ReplaySourceSchema>;

/** The replay file could not be read (missing, unreadable, not UTF-8 text). Not retryable. */
export class ReplayFileError extends SourceError {
  override readonly name = 'ReplayFileError';
  constructor(
    sourceId: string,
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(sourceId, `cannot read replay file ${path}: ${reason}`, false, options);
  }
}

/** One line of a replay file. Unknown fields are stripped. */
export const ReplayLineSchema = z.object({
  url: z.string().min(1),
  publishedAt: z.string().optional(),
  /** Outlet domain, e.g. `radarcirebon.disway.id`. */
  source: z.string().optional(),
  title: z.string().optional(),
  text: z.string().optional(),
  excerpt: z.string().optional(),
  /** ISO 639-1 (`id`, `en`…). */
  lang: z.string().optional(),
});
export type ReplayLine = z.infer<typeof ReplayLineSchema>;

/** What {@link parseReplayLines} returns. */
export interface ParsedReplay {
  readonly items: SourceItem[];
  readonly rejected: Rejection[];
}

const MAX_LINE_LENGTH = 1_000_000;

/**
 * Parse JSON Lines text into items. Rejection reasons: `invalid-json`, `invalid-line` (schema),
 * `invalid-url`, `invalid-date`, `no-text`, `line-too-long`; each `detail` starts with `line N:`.
 * @param text - File content.
 * @param options.timeZone - Zone assumed for zone-less dates. @default DEFAULT_TIME_ZONE
 */
export function parseReplayLines(text: string, options: { timeZone?: string } = {}): ParsedReplay {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const items: SourceItem[] = [];
  const rejected: Rejection[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const result = parseLine(line, timeZone);
    if ('reason' in result)
      rejected.push({ reason: result.reason, detail: `line ${index + 1}: ${result.why}` });
    else items.push(result);
  });
  return { items, rejected };
}

function parseLine(line: string, timeZone: string): SourceItem | { reason: string; why: string } {
  if (line.length > MAX_LINE_LENGTH) return { reason: 'line-too-long', why: `${line.length} characters` };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { reason: 'invalid-json', why: error instanceof Error ? error.message : String(error) };
  }
  const parsed = ReplayLineSchema.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ');
    return { reason: 'invalid-line', why };
  }
  const fields = parsed.data;
  let url: string;
  try {
    url = parseHttpUrl(fields.url).href;
  } catch (error) {
    return { reason: 'invalid-url', why: error instanceof InvalidUrlError ? error.message : String(error) };
  }
  const title = cleanText(fields.title, { maxLength: MAX_TITLE_LENGTH });
  const body = cleanText(fields.text ?? fields.excerpt);
  if (title === '' && body === '') return { reason: 'no-text', why: 'neither title nor text/excerpt' };
  let date: { publishedAt: string; publishedAtEstimated: boolean } | undefined;
  if (fields.publishedAt !== undefined && fields.publishedAt.trim() !== '') {
    const parsedDate = parseDate(fields.publishedAt, { timeZone });
    if (!parsedDate)
      return {
        reason: 'invalid-date',
        why: `publishedAt ${JSON.stringify(fields.publishedAt.slice(0, 60))}`,
      };
    date = { publishedAt: parsedDate.iso, publishedAtEstimated: parsedDate.estimated };
  }
  const outlet = cleanText(fields.source, { maxLength: 200 }) || siteOf(url);
  const lang = primaryLanguage(fields.lang);
  return {
    url,
    text: body,
    author: {},
    outlet,
    ...(title ? { title } : {}),
    ...(date ?? {}),
    ...(lang ? { lang } : {}),
  };
}

/** What the replay source needs. */
export interface ReplaySourceDeps {
  /** Directory a relative `config.path` is resolved against. @default process.cwd() */
  readonly baseDir?: string;
  /** @default DEFAULT_TIME_ZONE */
  readonly timeZone?: string;
}

/**
 * A replay source over `config.path`. Each poll reads the whole file again (de-duplication downstream
 * makes a re-run harmless).
 * @throws (from `fetch`) ReplayFileError when the file cannot be read; SourceAbortedError on abort.
 */
export function createReplaySource(config: ReplaySourceConfig, deps: ReplaySourceDeps = {}): MentionSource {
  const path = isAbsolute(config.path) ? config.path : resolve(deps.baseDir ?? process.cwd(), config.path);
  return {
    id: config.id,
    kind: 'replay',
    keywords: config.keywords,
    async fetch(context: FetchContext): Promise<SourceFetchResult> {
      let text: string;
      try {
        text = await readFile(path, {
          encoding: 'utf8',
          ...(context.signal ? { signal: context.signal } : {}),
        });
      } catch (cause) {
        if (context.signal?.aborted) throw new SourceAbortedError(config.id, { cause });
        const code = (cause as { code?: string }).code;
        throw new ReplayFileError(
          config.id,
          path,
          code ?? (cause instanceof Error ? cause.message : 'failed'),
          { cause },
        );
      }
      if (context.signal?.aborted) throw new SourceAbortedError(config.id, { cause: context.signal.reason });
      return parseReplayLines(text, deps.timeZone === undefined ? {} : { timeZone: deps.timeZone });
    },
  };
}
