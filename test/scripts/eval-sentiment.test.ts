import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkDataDir,
  checkModelPath,
  EvalUsageError,
  HELP,
  modelFrom,
  parseEvalArgs,
  REQUIRED_SENTIMENT_FILES,
  readModelJson,
} from '../../scripts/eval-sentiment.ts';
import { SentimentDataError } from '../../scripts/lib/sentiment-data.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pantau-eval-sentiment-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const REPO = path.resolve(import.meta.dirname, '../..');

describe('eval:sentiment arguments', () => {
  it('defaults to ../shared/data and the shipped model, and tells a given --data apart', () => {
    expect(parseEvalArgs([])).toEqual({
      data: '../shared/data',
      dataGiven: false,
      json: false,
      model: 'models/sentiment-id-2026.12.6.json',
    });
    expect(parseEvalArgs(['--data', '../shared/data', '--json', '--model', 'm.json'])).toEqual({
      data: '../shared/data',
      dataGiven: true,
      json: true,
      model: 'm.json',
    });
  });

  it('has a --help', () => {
    expect(parseEvalArgs(['--help'])).toBe('help');
    expect(parseEvalArgs(['-h'])).toBe('help');
    expect(HELP).toMatch(/--data <dir>/);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['stray'], /Unexpected argument 'stray'/],
    [['--data'], /argument missing/],
    [['--data='], /--data needs a folder/],
    [['--model='], /--model needs a file/],
  ])('refuses %j', (args, message) => {
    expect(() => parseEvalArgs(args)).toThrow(EvalUsageError);
    expect(() => parseEvalArgs(args)).toThrow(message);
  });
});

describe('eval:sentiment data folder', () => {
  it('skips when the default folder is absent, but refuses a given one', () => {
    const absent = path.join(dir, 'absent');
    expect(checkDataDir({ data: absent, dataGiven: false })).toEqual({
      skip: `eval:sentiment: data folder ${path.join(absent, 'sentiment')} not found; skipped.`,
    });
    expect(() => checkDataDir({ data: absent, dataGiven: true })).toThrow(/--data .*absent: no such folder/);
  });

  it('refuses a given folder without sentiment/, hinting at what --data takes', () => {
    const noSentiment = path.join(dir, 'no-sentiment');
    mkdirSync(noSentiment);
    expect(() => checkDataDir({ data: noSentiment, dataGiven: true })).toThrow(/has no sentiment\/ folder/);
  });

  it('lists every missing file of an incomplete sentiment/ folder, default path or not', () => {
    const data = path.join(dir, 'partial');
    mkdirSync(path.join(data, 'sentiment', 'smsa'), { recursive: true });
    writeFileSync(path.join(data, 'sentiment', 'smsa', 'test.tsv'), 'x\tpositive\n');
    for (const dataGiven of [true, false]) {
      let error: unknown;
      try {
        checkDataDir({ data, dataGiven });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SentimentDataError);
      const message = (error as Error).message;
      expect(message).toMatch(
        `lacks ${REQUIRED_SENTIMENT_FILES.length - 1} of the ${REQUIRED_SENTIMENT_FILES.length}`,
      );
      expect(message).toMatch('smsa/train.tsv');
      expect(message).not.toMatch('smsa/test.tsv');
    }
    for (const f of REQUIRED_SENTIMENT_FILES) {
      mkdirSync(path.dirname(path.join(data, 'sentiment', f)), { recursive: true });
      writeFileSync(path.join(data, 'sentiment', f), '');
    }
    expect(checkDataDir({ data, dataGiven: true })).toEqual({ sentimentDir: path.join(data, 'sentiment') });
  });
});

describe('eval:sentiment --model', () => {
  it('names the option for a missing file, a folder, non-JSON and JSON that is no weight file', () => {
    expect(() => checkModelPath(path.join(dir, 'missing.json'))).toThrow(
      /--model .*missing\.json: no such file/,
    );
    expect(() => checkModelPath(dir)).toThrow(/--model .*: not a file/);
    expect(() => readModelJson(path.join(dir, 'missing.json'))).toThrow(EvalUsageError);
    const notJson = path.join(dir, 'not.json');
    writeFileSync(notJson, 'not-json\n');
    expect(() => readModelJson(notJson)).toThrow(/--model .*not\.json: not JSON \(/);
    expect(() => modelFrom({ a: 1 }, 'x.json')).toThrow(/--model x\.json: not a Pantau weight file/);
  });

  it('loads the shipped model', () => {
    const file = path.join(REPO, 'models/sentiment-id-2026.12.6.json');
    expect(() => checkModelPath(file)).not.toThrow();
    expect(modelFrom(readModelJson(file), file).version).toBe('2026.12.6');
  });

  it('as a process: a --data given but absent is exit 2 with one message, no stack trace', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/eval-sentiment.ts', '--data', path.join(dir, 'absent')],
      { encoding: 'utf8', cwd: REPO },
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^eval:sentiment: --data .*absent: no such folder\n/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
