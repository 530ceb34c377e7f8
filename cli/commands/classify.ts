/**
 * `pantau classify`: score texts with the embedded model from a stream, one result per line.
 *
 * Input: one text per line, or JSON Lines objects with a `text` field (and an optional `lang` hint).
 * A line is read as JSON only when it starts with `{`. Output: one JSON object per input line,
 * `{"line","label","scores","lang","route","model","modelVersion"}`, or `{"error","line"}` for a bad line.
 * Empty lines are skipped (not counted). Texts routed to Comprehend are still scored by the embedded
 * model here (the CLI works offline); `route` says where the pipeline would send them.
 */
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { detectLanguage } from '#shared/domain/language.ts';
import { MAX_TEXT_LENGTH } from '#shared/domain/mention.ts';
import { type EmbeddedModel, loadEmbeddedModel } from '#shared/domain/sentiment/index.ts';

const JsonLineSchema = z.object({
  text: z.string().max(MAX_TEXT_LENGTH * 10),
  lang: z.string().max(35).optional(),
});

/** One output line for a scored text. */
export interface ClassifyResult {
  /** 1-based input line number (blank lines are skipped but counted), to join results back to input. */
  line: number;
  label: string;
  scores: { Positive: number; Negative: number; Neutral: number; Mixed: number };
  lang: string;
  route: 'embedded' | 'comprehend';
  model: string;
  modelVersion: string;
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError)
    return error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ');
  if (error instanceof SyntaxError) return `invalid JSON: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Classify every line of `input` and write one JSON result per line to `output`.
 *
 * @param input - Text stream (UTF-8), e.g. `process.stdin`.
 * @param output - Destination, e.g. `process.stdout`; back-pressure is respected.
 * @param model - Scorer. @default the shipped embedded model
 * @returns Non-empty lines read and how many of them produced an error object.
 */
export async function classifyCommand(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  model: EmbeddedModel = loadEmbeddedModel(),
): Promise<{ lines: number; errors: number }> {
  let lines = 0;
  let errors = 0;
  let lineNumber = 0;
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of reader) {
    lineNumber++;
    const line = raw.trim();
    if (line === '') continue;
    lines++;
    let record: string;
    try {
      const { text, lang } = line.startsWith('{')
        ? JsonLineSchema.parse(JSON.parse(line))
        : { text: line, lang: undefined };
      const routed = detectLanguage(text, lang);
      const sentiment = model.classify(text, routed.lang);
      const result: ClassifyResult = {
        line: lineNumber,
        label: sentiment.label,
        scores: sentiment.scores,
        lang: routed.lang,
        route: routed.route,
        model: sentiment.model,
        modelVersion: sentiment.modelVersion,
      };
      record = JSON.stringify(result);
    } catch (error) {
      errors++;
      record = JSON.stringify({ error: describe(error), line: lineNumber });
    }
    if (!output.write(`${record}\n`)) {
      await new Promise<void>((resolve) => output.once('drain', () => resolve()));
    }
  }
  return { lines, errors };
}
