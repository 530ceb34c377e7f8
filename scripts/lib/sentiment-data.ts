/**
 * Readers for the public sentiment data in `../shared/data/sentiment` (see its README for sources and
 * licences) and for exported analyst feedback. Script-side only: never bundled into a Lambda.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { detectLanguage } from '#shared/domain/language.ts';
import { mentionId } from '#shared/domain/mention.ts';
import type { SentimentClass } from '#shared/domain/sentiment/model.ts';
import type { TrainingExample } from '#shared/domain/sentiment/train.ts';
import { canonicalUrl } from '#shared/domain/url.ts';

/** A data file is missing or malformed. */
export class SentimentDataError extends Error {
  override readonly name = 'SentimentDataError';
}

/** Default data folder, relative to the repository root. */
export const DEFAULT_DATA_DIR = '../shared/data/sentiment';

/** A labelled text with its source id (NusaX ids are shared across languages). */
export interface LabelledText extends TrainingExample {
  readonly id: string;
  /**
   * True for a text of a social source (analyst feedback exported with `domain: "social"`): it trains the
   * social block only (`docs/model-card.md`, "Eleventh attempt"). @default false
   */
  readonly social?: boolean;
}

/**
 * Parse RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes).
 *
 * @returns Rows of fields, the header row included.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || (r[0] ?? '') !== '');
}

function readText(path: string): string {
  if (!existsSync(path)) {
    throw new SentimentDataError(`missing data file ${path} (layout: ../shared/data/README.md, sentiment/)`);
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    // A folder or an unreadable file given as a data file: one message, exit 2, no stack trace.
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SentimentDataError(`${path}: cannot be read as a file (${code})`, { cause: error });
  }
}

const ClassSchema = z.enum(['negative', 'neutral', 'positive']);

/** A label of `ClassSchema`, or a SentimentDataError naming where the bad one is. */
function parseClass(label: string | undefined, where: string): SentimentClass {
  const parsed = ClassSchema.safeParse(label);
  if (!parsed.success) {
    throw new SentimentDataError(
      `${where}: label ${JSON.stringify(label)} is not negative, neutral or positive`,
      {
        cause: parsed.error,
      },
    );
  }
  return parsed.data;
}

/** SmSA split (`text<TAB>label`, no header). */
export function readSmsa(dir: string, split: 'train' | 'valid' | 'test'): LabelledText[] {
  const file = join(dir, 'smsa', `${split}.tsv`);
  return readText(file)
    .split('\n')
    .map((line, n) => ({ line, lineNumber: n + 1 }))
    .filter(({ line }) => line.trim().length > 0)
    .map(({ line, lineNumber }, i) => {
      const tab = line.lastIndexOf('\t');
      return {
        id: `smsa-${split}-${i}`,
        text: line.slice(0, tab),
        label: parseClass(line.slice(tab + 1).trim(), `${file}:${lineNumber}`),
        lang: 'id',
      };
    });
}

/** NusaX split for one language folder (`id,text,label`). */
export function readNusax(
  dir: string,
  language: 'indonesian' | 'sundanese' | 'english' | 'javanese',
  split: 'train' | 'valid' | 'test',
): LabelledText[] {
  const lang = { indonesian: 'id', sundanese: 'su', english: 'en', javanese: 'jv' }[language];
  const file = join(dir, 'nusax', language, `${split}.csv`);
  return rowsWithHeader(readText(file), ['id', 'text', 'label'], file).map((r, i) => ({
    id: r['id']!,
    text: r['text']!,
    label: parseClass(r['label'], `${file}: data row ${i + 1}`),
    lang,
  }));
}

/** NusaTranslation Sundanese split (binary: `id,text,label`). */
export function readNusaTranslationSun(dir: string, split: 'train' | 'valid' | 'test'): LabelledText[] {
  const file = join(dir, 'nusatranslation-sun', `${split}.csv`);
  return rowsWithHeader(readText(file), ['id', 'text', 'label'], file).map((r, i) => ({
    id: r['id']!,
    text: r['text']!,
    label: parseClass(r['label'], `${file}: data row ${i + 1}`),
    lang: 'su',
  }));
}

/**
 * IndoLEM (minangNLP) fold 0, `indo` column; 1 = positive, 0 = negative. Rows are marked `binary`, so
 * training uses the partial-label loss for them (see `TrainingExample.binary`).
 */
export function readIndolem(dir: string, split: 'train0' | 'dev0' | 'test0'): LabelledText[] {
  const file = join(dir, 'indolem-mit', `${split}.csv`);
  return rowsWithHeader(readText(file), ['minang', 'indo', 'sentiment'], file).map((r, i) => {
    const value = r['sentiment']!.trim();
    // 1 = positive, 0 = negative (data README); anything else is a broken file, not a negative row.
    if (value !== '0' && value !== '1')
      throw new SentimentDataError(
        `${file}: data row ${i + 1}: sentiment must be 0 or 1, got ${JSON.stringify(r['sentiment'])}`,
      );
    return {
      id: `indolem-${split}-${i}`,
      text: r['indo']!,
      label: value === '1' ? 'positive' : 'negative',
      lang: 'id',
      binary: true,
    };
  });
}

function rowsWithHeader(text: string, expected: readonly string[], file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header || expected.some((name, i) => header[i]?.trim() !== name)) {
    throw new SentimentDataError(
      `${file}: unexpected CSV header ${JSON.stringify(header)}; want ${expected.join(',')}`,
    );
  }
  return rows.map((row) => Object.fromEntries(expected.map((name, i) => [name, row[i] ?? ''])));
}

const FeedbackLineSchema = z.object({
  text: z.string().min(1),
  label: z
    .string()
    .transform((l) => l.toLowerCase())
    .pipe(z.enum(['negative', 'neutral', 'positive', 'mixed'])),
  lang: z.string().min(2).max(8).default('id'),
  /**
   * The domain of the mention's source (`pantau export-labels`, since 2026.12.4): `social` for posts and
   * comments of social sources, which train the social block; `general` (also when absent, as in files
   * exported before) for anything else, which trains the general block.
   */
  domain: z.enum(['general', 'social']).default('general'),
});

/** An analyst-feedback file as read: the rows that train, and the lines left out. */
export interface FeedbackFile {
  readonly rows: LabelledText[];
  /** Line numbers (1-based) of MIXED lines, skipped: the model has no mixed class. */
  readonly skippedMixed: number[];
}

/**
 * Analyst feedback exported as JSON Lines `{"text","label","lang","domain"?}` (`pantau export-labels`;
 * `domain: "social"` rows are marked `social` and train the social block). MIXED
 * labels are skipped (the model has no mixed class; MIXED comes from its decision rule) and their line
 * numbers returned, so the training log can say so; blank lines are ignored.
 *
 * @throws {SentimentDataError} on a line that is not valid JSON or misses a field (with its number).
 */
export function readFeedbackFile(path: string): FeedbackFile {
  const rows: LabelledText[] = [];
  const skippedMixed: number[] = [];
  readText(path)
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        throw new SentimentDataError(`${path}:${i + 1}: not a feedback line: not JSON`, { cause: error });
      }
      const result = FeedbackLineSchema.safeParse(json);
      if (!result.success) {
        // Name the fields (QA: `"label":"sad"` only said "not a feedback line").
        const fields = result.error.issues
          .slice(0, 3)
          .map((issue) => `${issue.path.join('.') || '(line)'}: ${issue.message}`)
          .join('; ');
        throw new SentimentDataError(`${path}:${i + 1}: not a feedback line: ${fields}`, {
          cause: result.error,
        });
      }
      const parsed = result.data;
      if (parsed.label === 'mixed') {
        skippedMixed.push(i + 1);
        return;
      }
      rows.push({
        id: `feedback-${i + 1}`,
        text: parsed.text,
        label: parsed.label as SentimentClass,
        lang: parsed.lang,
        ...(parsed.domain === 'social' ? { social: true } : {}),
      });
    });
  return { rows, skippedMixed };
}

/**
 * The training rows of an analyst-feedback file ({@link readFeedbackFile} without the skipped lines).
 *
 * @throws {SentimentDataError} on a line that is not valid JSON or misses a field (with its number).
 */
export function readFeedback(path: string): LabelledText[] {
  return readFeedbackFile(path).rows;
}

/** Lower-cased word tokens for near-duplicate detection. */
function tokenSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/**
 * Ids of `candidates` that are NOT near-duplicates of any `reference` text: token Jaccard < 0.7
 * against every reference (the threshold from `shared/data/README.md`).
 */
export function notNearDuplicated(
  candidates: readonly LabelledText[],
  references: readonly { text: string }[],
  threshold = 0.7,
): Set<string> {
  const refs = references.map((r) => tokenSet(r.text));
  const byToken = new Map<string, number[]>();
  refs.forEach((set, i) => {
    for (const t of set) {
      const list = byToken.get(t);
      if (list) list.push(i);
      else byToken.set(t, [i]);
    }
  });
  const keep = new Set<string>();
  for (const candidate of candidates) {
    const set = tokenSet(candidate.text);
    const overlap = new Map<number, number>();
    for (const t of set) for (const i of byToken.get(t) ?? []) overlap.set(i, (overlap.get(i) ?? 0) + 1);
    let duplicate = false;
    for (const [i, inter] of overlap) {
      const union = set.size + refs[i]!.size - inter;
      if (union > 0 && inter / union >= threshold) {
        duplicate = true;
        break;
      }
    }
    if (!duplicate) keep.add(candidate.id);
  }
  return keep;
}

/** URLs in a text, lower-cased, trailing punctuation dropped. */
export function urlsOf(text: string): string[] {
  return (text.match(/https?:\/\/[^\s"')]+/gi) ?? []).map((u) => u.toLowerCase().replace(/[.,;:!?]+$/, ''));
}

/**
 * Ids of `candidates` that do not overlap `training`: no shared URL and token Jaccard < 0.7 against
 * every training text ({@link notNearDuplicated}). IndoLEM repeats tweets across its folds (79 of the
 * 999 test0 texts also occur in train0), so figures on a split trained next to train0 are also
 * reported on these ids.
 */
export function notInTraining(
  candidates: readonly LabelledText[],
  training: readonly LabelledText[],
): Set<string> {
  const urls = new Set(training.flatMap((r) => urlsOf(r.text)));
  const keep = notNearDuplicated(candidates, training);
  for (const r of candidates) if (urlsOf(r.text).some((u) => urls.has(u))) keep.delete(r.id);
  return keep;
}

/** Labels of the Majalengka headlines, kept in the repo (ids only; the texts stay in `../shared/data`). */
export const DEFAULT_HEADLINE_LABELS = 'scripts/data/majalengka-headlines.labels.jsonl';
/** The headline texts: the replay file of real Majalengka mentions, beside the sentiment folder. */
export const DEFAULT_HEADLINE_TEXTS = '../shared/data/replay/majalengka-real/mentions.jsonl';

const HeadlineLabelSchema = z.strictObject({
  /** Mention id: SHA-256 prefix of the canonical URL (`mentionId(canonicalUrl(url))`). */
  id: z.string().regex(/^[0-9a-f]{32}$/),
  label: z.enum(['negative', 'neutral', 'positive']),
  confidence: z.enum(['clear', 'borderline']),
  /** `dev` fits the news decision; `test` is only reported. Fixed by the id's first hex digit (< 8 → dev). */
  split: z.enum(['dev', 'test']),
});

const HeadlineTextSchema = z.object({ url: z.string(), title: z.string(), lang: z.string().optional() });

/**
 * The labelled Majalengka headlines of one split: labels from `labelsPath` (one JSON object per line,
 * `{id, label, confidence, split}`), texts (`title`) and the source's language claim from the replay file,
 * joined by mention id. `lang` is routed by `detectLanguage(title, claim)`, as the pipeline does.
 * Labels: media-monitoring tonality, by a labeller who saw neither the model nor its outputs (guidelines
 * in `docs/model-card.md`).
 *
 * @throws SentimentDataError when a file is missing, a line is malformed, or a label has no text.
 */
export function readHeadlines(
  labelsPath: string,
  textsPath: string,
  split: 'dev' | 'test' | 'all',
): (LabelledText & { confidence: 'clear' | 'borderline' })[] {
  for (const path of [labelsPath, textsPath])
    if (!existsSync(path)) throw new SentimentDataError(`${path}: not found`);
  const texts = new Map<string, { title: string; lang: string | undefined }>();
  readFileSync(textsPath, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const parsed = HeadlineTextSchema.safeParse(safeJson(line));
      if (!parsed.success)
        throw new SentimentDataError(`${textsPath}:${i + 1}: not a replay line with url and title`);
      texts.set(mentionId(canonicalUrl(parsed.data.url)), {
        title: parsed.data.title,
        lang: parsed.data.lang,
      });
    });
  const out: (LabelledText & { confidence: 'clear' | 'borderline' })[] = [];
  readFileSync(labelsPath, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const parsed = HeadlineLabelSchema.safeParse(safeJson(line));
      if (!parsed.success) throw new SentimentDataError(`${labelsPath}:${i + 1}: not a headline label line`);
      const { id, label, confidence } = parsed.data;
      const text = texts.get(id);
      if (text === undefined)
        throw new SentimentDataError(`${labelsPath}:${i + 1}: no headline with id ${id} in ${textsPath}`);
      if (split !== 'all' && parsed.data.split !== split) return;
      out.push({ id, text: text.title, label, lang: detectLanguage(text.title, text.lang).lang, confidence });
    });
  return out;
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Government-topic social posts written and labelled for Pantau (texts, labels and provenance in the repo). */
export const DEFAULT_GOV_POSTS = 'scripts/data/gov-posts.jsonl';

/**
 * A second writer's 300 posts, aimed at sarcasm, thanks around adverse events, condolences and questions
 * (`docs/model-card.md`, "Eighth attempt"); no shipped model trains on them.
 */
export const DEFAULT_GOV_POSTS_2 = 'scripts/data/gov-posts-2.jsonl';
/** The twelfth attempt's robustness set: 200 posts, all `test` (`docs/model-card.md`, "Twelfth attempt"). */
export const DEFAULT_GOV_POSTS_3 = 'scripts/data/gov-posts-3.jsonl';
/**
 * The thirteenth attempt's 240 posts aimed at sincere thanks, praise and short neutral replies: `s001`…`s160` dev,
 * `s161`…`s240` test (`docs/model-card.md`, "Thirteenth attempt").
 */
export const DEFAULT_GOV_POSTS_4 = 'scripts/data/gov-posts-4.jsonl';
/**
 * The fourteenth attempt's 160 fresh held-out posts by another persona (older residents, village officials,
 * traders): `t001`…`t160`, all `test` (`docs/model-card.md`, "Fourteenth attempt").
 */
export const DEFAULT_GOV_POSTS_5 = 'scripts/data/gov-posts-5.jsonl';

const GovPostSchema = z.strictObject({
  /**
   * `p001` … `p300` (`gov-posts.jsonl`); `q001` … `q300` (`gov-posts-2.jsonl`, the second writer); `r001` …
   * `r200` (`gov-posts-3.jsonl`, the robustness set); `s001` … `s240` (`gov-posts-4.jsonl`, thanks and replies);
   * `t001` … `t160` (`gov-posts-5.jsonl`, held out).
   */
  id: z.string().regex(/^[pqrst]\d{3}$/),
  text: z.string().min(1),
  /** The writer's description of the language: `id`, `su` or code-mixed `mix`. Not used for routing. */
  writtenAs: z.enum(['id', 'su', 'mix']),
  /** Topic tag from the writer (`jalan`, `rsud`, `bijb` …). */
  kind: z.string().min(1),
  /** The sentiment the writer intended. */
  writerLabel: z.enum(['negative', 'neutral', 'positive']),
  /** The blind labeller's label under the office's tonality convention: the reference label. */
  label: z.enum(['negative', 'neutral', 'positive']),
  /** `unclear` is the robustness set's word for `borderline`. */
  confidence: z.enum(['clear', 'borderline', 'unclear']),
  note: z.string().optional(),
  /**
   * Fixed by the first hex digit of SHA-256(`gov-post:<id>`): < 8 → dev (gov-posts-4: by id range, `s160` and
   * below dev).
   */
  split: z.enum(['dev', 'test']),
});

/** One labelled government-topic social post. */
export type GovPost = z.infer<typeof GovPostSchema>;

/**
 * Government-topic social posts of one split (`docs/model-card.md`, "Government-topic social posts"):
 * 300 posts about Kabupaten Majalengka written for Pantau by one writer (with an intended label) and
 * labelled blind by a second (the reference `label`, with `confidence`). `lang` is routed by
 * `detectLanguage(text)` with no source claim, as for a social source that claims none.
 *
 * @throws SentimentDataError when the file is missing, unreadable or empty, or a line is malformed (the
 *   message names the line and why).
 */
export function readGovPosts(
  path: string,
  split: 'dev' | 'test' | 'all',
): (LabelledText & { post: GovPost })[] {
  return readJsonLines(path, GovPostSchema, 'government-post')
    .filter((post) => split === 'all' || post.split === split)
    .map((post) => ({
      id: post.id,
      text: post.text,
      label: post.label,
      lang: detectLanguage(post.text).lang,
      post,
    }));
}

/**
 * Every line of a JSON Lines file of hand-labelled texts, parsed by `schema` (blank lines skipped).
 * @param what - What a line is, for messages (`government-post`).
 * @throws SentimentDataError when the file is missing, unreadable or holds no line, or a line is malformed
 *   (the message names the line and why): an empty file would train without its rows and say nothing.
 */
function readJsonLines<T>(path: string, schema: z.ZodType<T>, what: string): T[] {
  if (!existsSync(path)) throw new SentimentDataError(`${path}: not found`);
  const out: T[] = [];
  readText(path)
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const json = safeJson(line);
      if (json === undefined) throw new SentimentDataError(`${path}:${i + 1}: not a ${what} line: not JSON`);
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const why = parsed.error.issues.map(
          (issue) => `${issue.path.join('.') || '(line)'}: ${issue.message}`,
        );
        throw new SentimentDataError(`${path}:${i + 1}: not a ${what} line: ${why.join('; ')}`);
      }
      out.push(parsed.data);
    });
  if (out.length === 0) throw new SentimentDataError(`${path}: no ${what} lines in it`);
  return out;
}

/** Short review-and-comment texts written and labelled for Pantau (`docs/model-card.md`, "Seventh attempt"). */
export const DEFAULT_REVIEW_TEXTS = 'scripts/data/review-texts.jsonl';

const ReviewTextSchema = z.strictObject({
  /** `r001` … `r400`. */
  id: z.string().regex(/^r\d{3}$/),
  text: z.string().min(1),
  /** Topic tag from the writer (`restaurant`, `bank`, `telco` …). */
  domain: z.string().min(1),
  /** The sentiment the writer intended. */
  writerLabel: z.enum(['negative', 'neutral', 'positive']),
  /** The blind labeller's label under the review convention: the reference label. */
  label: z.enum(['negative', 'neutral', 'positive']),
  confidence: z.enum(['clear', 'borderline']),
  note: z.string().optional(),
});

/**
 * The review-and-comment texts whose writer and blind labeller agree (training rows only: there is no held-out
 * split; the measurement they serve is NusaX-Indonesian test). `lang` is routed by `detectLanguage(text)`.
 * @throws SentimentDataError as {@link readGovPosts} does.
 */
export function readReviewTexts(path: string): LabelledText[] {
  return readJsonLines(path, ReviewTextSchema, 'review-text')
    .filter((r) => r.writerLabel === r.label)
    .map((r) => ({ id: r.id, text: r.text, label: r.label, lang: detectLanguage(r.text).lang }));
}
