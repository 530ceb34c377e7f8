import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFolderInUseError } from '#shared/adapters/local/dynalite.ts';
import { parseReplayLines } from '#shared/adapters/sources/replay.ts';
import { ConfigError } from '#shared/domain/config.ts';
import { heldBackEvents } from '#shared/domain/windows.ts';
import { silentLog } from '#shared/observability.ts';
import { fixedClock } from '#shared/ports/clock.ts';
import { ConfigFileMissingError, DataFolderMissingError } from '../../cli/errors.ts';
import {
  loadConfigFile,
  openLocalStore,
  PENDING_QUEUE_FILE,
  quietSourceLog,
  ReplayFileMissingError,
  runLocal,
} from '../../cli/local-runtime.ts';
import { detectionLines, formatSummary, plural } from '../../cli/summary.ts';
import { RecordingLog } from '../helpers/log.ts';

const REAL_REPLAY = '../shared/data/replay/majalengka-real/mentions.jsonl';
const SMALL_REPLAY = 'test/fixtures/feeds/replay-small.jsonl';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pantau-local-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Sum of the `all` counter over the UTC days the replay file's items fall on. */
async function countAll(dataDir: string, replay: string): Promise<number> {
  const days = new Set(
    parseReplayLines(await readFile(replay, 'utf8')).items.map((i) => (i.publishedAt ?? '').slice(0, 10)),
  );
  const { db, store } = await openLocalStore(dataDir);
  try {
    let total = 0;
    for (const day of days) {
      const hours = await store.hourlyCounts('all', `${day}T00:00:00.000Z`, `${day}T23:59:59.999Z`);
      total += hours.reduce((s, h) => s + h.total, 0);
    }
    return total;
  } finally {
    await db.close();
  }
}

describe('loadConfigFile', () => {
  it('reads a config saved with a UTF-8 byte-order mark (Windows Notepad)', async () => {
    const path = join(dir, 'bom.json');
    await writeFile(path, `\uFEFF${await readFile('config/majalengka.json', 'utf8')}`);
    expect((await loadConfigFile(path)).timeZone).toBe('Asia/Jakarta');
  });

  it('refuses a config that is not UTF-8 instead of reading U+FFFD into its names and keywords (QA 5)', async () => {
    const config = Buffer.from(await readFile('config/majalengka.json'));
    const at = config.indexOf('Majalengka');
    // Two bytes that never occur in UTF-8 inside the regency name: read leniently, it became "��jalengka".
    const path = join(dir, 'latin1.json');
    await writeFile(
      path,
      Buffer.concat([config.subarray(0, at), Buffer.from([0xff, 0xfe]), config.subarray(at + 2)]),
    );
    const error = await loadConfigFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('not UTF-8 text: save the file as UTF-8');
    // UTF-16 (what some editors save as "Unicode") starts with FF FE: refused the same way.
    const utf16 = join(dir, 'utf16.json');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{}', 'utf16le')]));
    await expect(loadConfigFile(utf16)).rejects.toThrow('not UTF-8 text');
  });

  it('names a missing file and a folder plainly, and still names bad JSON as a config error', async () => {
    const missing = join(dir, 'nope.json');
    await expect(loadConfigFile(missing)).rejects.toThrow(
      new ConfigFileMissingError(`config file not found: ${missing}`),
    );
    await expect(loadConfigFile(dir)).rejects.toThrow(`config file ${dir} is a folder, not a file`);
    await expect(loadConfigFile(dir)).rejects.toBeInstanceOf(ConfigFileMissingError);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"name": ');
    await expect(loadConfigFile(broken)).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('local runtime (npm start)', () => {
  it('runs a full cycle on a replay file, keeps bad lines out with reasons, and a second run adds nothing', async () => {
    const dataDir = join(dir, 'small');
    const progress: string[] = [];
    const first = await runLocal({
      configPath: 'config/majalengka.json',
      dataDir,
      replay: SMALL_REPLAY,
      progress: (l) => progress.push(l),
      log: silentLog,
    });
    // 4 valid lines of the fixture (the rest are malformed, have no URL, an ftp URL, no text, or a worded date).
    expect(first.mentions.fetched).toBe(4);
    expect(first.mentions.new).toBe(4);
    expect(first.mentions.rejected).toBeGreaterThanOrEqual(6);
    expect(first.classified).toBe(4);
    expect(Object.values(first.sentiment).reduce((a, b) => a + b, 0)).toBe(4);
    expect(first.digestDate).toBe('2024-03-05');
    expect(existsSync(first.digest)).toBe(true);
    expect(await readFile(first.digest, 'utf8')).toContain('Ringkasan Harian Pantau');
    expect(progress.some((l) => l.startsWith('Classifying 4 mentions'))).toBe(true);

    const second = await runLocal({
      configPath: 'config/majalengka.json',
      dataDir,
      replay: SMALL_REPLAY,
      progress: () => {},
      log: silentLog,
    });
    expect(second.mentions).toMatchObject({ fetched: 4, new: 0, duplicate: 4 });
    expect(second.classified).toBe(0);
    expect(await countAll(dataDir, SMALL_REPLAY)).toBe(4);
    // The first run checked or learnt the replayed hours; the second stored nothing, so nothing is unchecked.
    expect(second.detection).toMatchObject({ storedNew: 0, replayHoursNew: 0, replayHoursBeforeClock: 0 });
    const text = formatSummary(second).join('\n');
    expect(text).toContain(
      'spike detection: nothing new to check (every replayed mention was already stored)',
    );
    expect(text).not.toMatch(/not checked for spikes|replayed hours checked for spikes/);
  });

  it('counts a replayed line that names no keyword for the search keyword by default, and as unmatched with replayMatch text', async () => {
    const replay = join(dir, 'keywords.jsonl');
    await writeFile(
      replay,
      [
        { url: 'https://ex.id/a', title: 'Jalan rusak di Majalengka', publishedAt: '2024-03-05T03:00:00Z' },
        {
          url: 'https://ex.id/b',
          title: 'Berita tanpa kata kunci sama sekali',
          publishedAt: '2024-03-05T04:00:00Z',
        },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const run = (dataDir: string, replayMatch?: 'search' | 'text') =>
      runLocal({
        configPath: 'config/majalengka.json',
        dataDir: join(dir, dataDir),
        replay,
        ...(replayMatch ? { replayMatch } : {}),
        progress: () => {},
        log: silentLog,
      });
    const search = await run('kw-search');
    expect(search.mentions).toMatchObject({ fetched: 2, new: 2, unmatched: 0 });
    expect(search.sources[0]?.byQuery).toBe(1);
    expect(formatSummary(search).join('\n')).toContain(
      'replay: 2 fetched, 2 new (1 counted for the search keyword: their text names none), 0 duplicate, 0 unmatched, 0 rejected',
    );
    const text = await run('kw-text', 'text');
    expect(text.mentions).toMatchObject({ fetched: 2, new: 1, unmatched: 1 });
    expect(text.sources[0]?.byQuery).toBeUndefined();
  });

  it('says plainly that every source failed when none can be reached, and keeps skipped sources apart', async () => {
    const configPath = join(dir, 'offline.json');
    const config = JSON.parse(await readFile('config/majalengka.json', 'utf8'));
    // Port 9 on loopback (discard): nothing listens, so connections are refused at once.
    config.sources = [
      { id: 'rss-offline', kind: 'rss', url: 'http://127.0.0.1:9/feed.xml' },
      { id: 'gnews-offline', kind: 'google-news', query: 'Majalengka' },
      // No PANTAU_CREDENTIALS_* for this set: skipped (not polled), neither failed nor succeeded.
      { id: 'bluesky-nocreds', kind: 'bluesky', query: 'Majalengka', credentials: 'pantau-test-none' },
    ];
    await writeFile(configPath, JSON.stringify(config));
    const summary = await runLocal({
      configPath,
      dataDir: join(dir, 'offline'),
      googleNewsBaseUrl: 'http://127.0.0.1:9',
      timeoutMs: 2_000,
      progress: () => {},
      log: silentLog,
    });
    expect(summary.allSourcesFailed).toBe(true);
    expect(summary.failedSources.map((f) => f.sourceId).sort()).toEqual(['gnews-offline', 'rss-offline']);
    expect(summary.skippedSources.map((f) => f.sourceId)).toEqual(['bluesky-nocreds']);
    expect(summary.skippedSources[0]?.reason).toContain('pantau-test-none');
    expect(summary.mentions.new).toBe(0);
    expect(existsSync(summary.digest)).toBe(true);
  });

  it('logs a failed or skipped source at debug only (its progress line and the summary report it)', () => {
    const log = new RecordingLog();
    const quiet = quietSourceLog(log);
    quiet.error('Source failed', { source: 'rss-offline' });
    quiet.warn('Source skipped', { source: 'x' });
    quiet.error('Queue refused a mention; it will be retried on the next poll', { source: 'rss' });
    quiet.warn('Source item rejected', { source: 'rss' });
    quiet.info('Source collected', { source: 'rss' });
    expect(log.entries.map((e) => `${e.level} ${e.message}`)).toEqual([
      'debug Source failed',
      'debug Source skipped',
      'error Queue refused a mention; it will be retried on the next poll',
      'warn Source item rejected',
      'info Source collected',
    ]);
    expect(log.entries[0]?.context).toEqual({ source: 'rss-offline' });
  });

  it('with -v (no cap) logs every rejected item as a warning and adds no closing count line', () => {
    const log = new RecordingLog();
    const verbose = quietSourceLog(log, Number.POSITIVE_INFINITY);
    for (let i = 0; i < 25; i++)
      verbose.warn('Source item rejected', { source: 'replay', reason: 'invalid-json' });
    verbose.flushRejections();
    expect(log.entries.map((e) => `${e.level} ${e.message}`)).toEqual(
      Array<string>(25).fill('warn Source item rejected'),
    );
  });

  it('logs the first 20 rejected items one by one and sums up the rest by reason, losing none (QA 5)', () => {
    const log = new RecordingLog();
    const quiet = quietSourceLog(log);
    const reasons = [
      ...Array<string>(21).fill('invalid-json'),
      ...Array<string>(3).fill('invalid-utf8'),
      'no-text',
    ];
    for (const [i, reason] of reasons.entries())
      quiet.warn('Source item rejected', {
        source: i < 24 ? 'replay' : 'rss',
        reason,
        detail: `line ${i + 1}`,
      });
    quiet.flushRejections();
    const warned = log.entries.filter((e) => e.level === 'warn');
    expect(warned.filter((e) => e.message === 'Source item rejected')).toHaveLength(20);
    // Lines 21–25 are past the first 20: one invalid-json, three invalid-utf8, one no-text.
    expect(warned.at(-1)?.message).toBe(
      '… and 5 more source items rejected: invalid-utf8 3, invalid-json 1, no-text 1 (-v logs each)',
    );
    expect(warned.at(-1)?.context).toEqual({ sources: { replay: 4, rss: 1 } });
    expect(log.entries.filter((e) => e.level === 'debug').map((e) => e.context['detail'])).toEqual([
      'line 21',
      'line 22',
      'line 23',
      'line 24',
      'line 25',
    ]);
    expect(warned).toHaveLength(21);
    // Counting starts afresh; and a run with few rejections gets no summary line.
    quiet.warn('Source item rejected', { source: 'replay', reason: 'no-text' });
    quiet.flushRejections();
    expect(log.entries.at(-1)?.message).toBe('Source item rejected');
  });

  it('replays a binary file with one warning per bad line up to 20, then one summary line (QA 5)', async () => {
    const replay = join(dir, 'binary.jsonl');
    // 60 lines: 30 of bytes that are not UTF-8 (0xff never is), 30 of ASCII that is not JSON.
    const lines = Array.from({ length: 60 }, (_, i) =>
      i % 2 === 0 ? Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0xff, i]) : Buffer.from(`\u0001junk ${i}`),
    );
    await writeFile(replay, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
    const log = new RecordingLog();
    const summary = await runLocal({
      configPath: 'config/majalengka.json',
      dataDir: join(dir, 'binary'),
      replay,
      progress: () => {},
      log,
    });
    expect(summary.mentions).toMatchObject({ fetched: 0, new: 0, rejected: 60 });
    const warned = log.entries.filter((e) => e.level === 'warn');
    expect(warned.filter((e) => e.message === 'Source item rejected')).toHaveLength(20);
    expect(warned.filter((e) => e.message.startsWith('… and 40 more source items rejected: '))).toHaveLength(
      1,
    );
    expect(warned.find((e) => e.message.startsWith('… and'))?.message).toBe(
      '… and 40 more source items rejected: invalid-json 20, invalid-utf8 20 (-v logs each)',
    );
  });

  it('leaves a line that is not UTF-8 out of the replayed hours and the digest day, as the source does', async () => {
    const replay = join(dir, 'bad-utf8.jsonl');
    const good =
      '{"url":"https://ex.id/1","title":"Jalan rusak di Majalengka","publishedAt":"2024-03-05T03:00:00Z"}';
    const bad = Buffer.concat([
      Buffer.from('{"url":"https://ex.id/2","title":"Majalengka '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","publishedAt":"2024-03-09T03:00:00Z"}'),
    ]);
    await writeFile(replay, Buffer.concat([Buffer.from(`${good}\n`), bad, Buffer.from('\n')]));
    const summary = await runLocal({
      configPath: 'config/majalengka.json',
      dataDir: join(dir, 'bad-utf8'),
      replay,
      progress: () => {},
      log: silentLog,
    });
    expect(summary.mentions).toMatchObject({ fetched: 1, new: 1, rejected: 1 });
    expect(summary.digestDate).toBe('2024-03-05');
    expect(summary.detection.replayHours).toBe(1);
  });

  it('refuses a missing replay file and a data folder another process holds, with named errors', async () => {
    await expect(
      runLocal({
        configPath: 'config/majalengka.json',
        dataDir: join(dir, 'x'),
        replay: join(dir, 'nope.jsonl'),
        progress: () => {},
        log: silentLog,
      }),
    ).rejects.toBeInstanceOf(ReplayFileMissingError);
    const held = join(dir, 'held');
    await mkdir(join(held, 'dynamodb'), { recursive: true });
    // PID 1 is always alive: the folder looks held by another process.
    await writeFile(join(held, 'dynamodb', 'pantau.pid'), '1');
    await expect(openLocalStore(held)).rejects.toBeInstanceOf(DataFolderInUseError);
    // Whichever process holds it (another npm start as often as serve), the message does not guess.
    await expect(openLocalStore(held)).rejects.toThrow(
      `another Pantau process (npm start or pantau serve; process 1) is using ${held}: wait for it or stop it, or use another --data-dir`,
    );
  });

  it('refuses a --data-dir that is a file, or lies under one, before creating anything', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    for (const [dataDir, why] of [
      [file, 'is a file, not a folder'],
      [join(file, 'sub'), 'lies under a file, not a folder'],
    ] as const) {
      await expect(
        runLocal({
          configPath: 'config/majalengka.json',
          dataDir,
          replay: SMALL_REPLAY,
          progress: () => {},
          log: silentLog,
        }),
      ).rejects.toThrow(new DataFolderMissingError(`--data-dir ${dataDir} ${why}: pass a folder`));
    }
    expect(await readFile(file, 'utf8')).toBe('x');
  });

  describe('an interrupted run loses no mention', () => {
    /** A progress callback that throws at the first line starting with `at`, as Ctrl+C would stop the run there. */
    const stopAt = (at: string) => (line: string) => {
      if (line.startsWith(at)) throw new Error(`interrupted at: ${line}`);
    };
    const small = (dataDir: string, progress: (l: string) => void = () => {}) =>
      runLocal({
        configPath: 'config/majalengka.json',
        dataDir,
        replay: SMALL_REPLAY,
        progress,
        log: silentLog,
      });

    it('re-sends what collect handed over before classification, and counts each mention once', async () => {
      const dataDir = join(dir, 'interrupted');
      await expect(small(dataDir, stopAt('Classifying'))).rejects.toThrow('interrupted at: Classifying 4');
      // Collect marked all four as queued: without the journal they would now be duplicates, never classified.
      expect(await countAll(dataDir, SMALL_REPLAY)).toBe(0);
      expect((await readFile(join(dataDir, PENDING_QUEUE_FILE), 'utf8')).trim().split('\n')).toHaveLength(4);
      const saved = await readFile(join(dataDir, PENDING_QUEUE_FILE), 'utf8');

      const progress: string[] = [];
      const resumed = await small(dataDir, (l) => progress.push(l));
      expect(resumed.mentions).toMatchObject({ fetched: 4, new: 0, duplicate: 4 });
      expect(resumed.resumed).toEqual({ pending: 4, alreadyStored: 0 });
      expect(resumed.classified).toBe(4);
      expect(Object.values(resumed.sentiment).reduce((a, b) => a + b, 0)).toBe(4);
      expect(progress[0]).toBe(
        'Resuming 4 pending mentions from an interrupted run (handed over, not yet classified)…',
      );
      expect(await countAll(dataDir, SMALL_REPLAY)).toBe(4);
      expect(existsSync(join(dataDir, PENDING_QUEUE_FILE))).toBe(false);
      expect(await readFile(resumed.digest, 'utf8')).toContain('Ringkasan Harian Pantau');

      // A kill after the store had them but before the queue deleted them: re-sent, stored and counted once.
      await writeFile(join(dataDir, PENDING_QUEUE_FILE), saved);
      const again = await small(dataDir);
      expect(again.resumed).toEqual({ pending: 4, alreadyStored: 4 });
      expect(again.classified).toBe(4);
      expect(await countAll(dataDir, SMALL_REPLAY)).toBe(4);
      expect(existsSync(join(dataDir, PENDING_QUEUE_FILE))).toBe(false);
    });

    it('resumes only the messages a run stopped mid-classification had not finished', async () => {
      // 105 mentions: the progress line after the 10th batch of 10 ("  100/105") is where the run stops.
      const replay = join(dir, 'many.jsonl');
      const lines = Array.from({ length: 105 }, (_, i) =>
        JSON.stringify({
          source: `portal${i % 7}.example`,
          url: `https://portal${i % 7}.example/berita/${i}`,
          publishedAt: `2024-03-05T${String(1 + (i % 20)).padStart(2, '0')}:00:00+07:00`,
          title: `Pembangunan jalan desa di Majalengka tahap ${i} selesai dikerjakan`,
          lang: 'id',
        }),
      );
      await writeFile(replay, `${lines.join('\n')}\n`);
      const dataDir = join(dir, 'interrupted-mid');
      const run = (progress: (l: string) => void) =>
        runLocal({ configPath: 'config/majalengka.json', dataDir, replay, progress, log: silentLog });
      await expect(run(stopAt('  100/105'))).rejects.toThrow('interrupted at:   100/105');
      expect(await countAll(dataDir, replay)).toBe(100);
      const resumed = await run(() => {});
      expect(resumed.resumed).toEqual({ pending: 5, alreadyStored: 0 });
      expect(resumed.classified).toBe(5);
      expect(await countAll(dataDir, replay)).toBe(105);
    });
  });

  it.skipIf(!existsSync(REAL_REPLAY))(
    'classifies every real Majalengka mention and stores no duplicates on a re-run',
    async () => {
      const dataDir = join(dir, 'real');
      const first = await runLocal({
        configPath: 'config/majalengka.json',
        dataDir,
        replay: REAL_REPLAY,
        progress: () => {},
        log: silentLog,
      });
      expect(first.mentions).toMatchObject({ fetched: 110, new: 110, rejected: 0 });
      expect(first.classified).toBe(110);
      expect(first.deadLettered + first.rejectedMessages).toBe(0);
      const second = await runLocal({
        configPath: 'config/majalengka.json',
        dataDir,
        replay: REAL_REPLAY,
        progress: () => {},
        log: silentLog,
      });
      expect(second.mentions).toMatchObject({ new: 0, duplicate: 110 });
      expect(await countAll(dataDir, REAL_REPLAY)).toBe(110);
    },
  );

  describe('spike detection in a data folder that already has a detector clock', () => {
    // 2026-11-30 18:20 UTC: the last closed hour is 17:00–18:00 UTC.
    const NOW = Date.parse('2026-11-30T18:20:00.000Z');
    const HOUR = 3_600_000;
    let offlineConfig: string;
    let replay: string;
    beforeAll(async () => {
      const config = JSON.parse(await readFile('config/majalengka.json', 'utf8'));
      config.sources = [];
      offlineConfig = join(dir, 'no-sources.json');
      await writeFile(offlineConfig, JSON.stringify(config));
      // Ten angry headlines from five outlets on 2026-11-10, 10:00–11:59 WIB (03:00–04:59 UTC): two hours.
      const lines = Array.from({ length: 10 }, (_, i) =>
        JSON.stringify({
          source: `outlet${i % 5}.example`,
          url: `https://outlet${i % 5}.example/berita/${i}`,
          publishedAt: `2026-11-10T${i < 5 ? '03' : '04'}:${String(10 + i).padStart(2, '0')}:00Z`,
          title: `Warga Majalengka marah, jalan rusak parah dan banjir tidak ditangani, pelayanan buruk ${i}`,
          lang: 'id',
        }),
      );
      replay = join(dir, 'burst.jsonl');
      await writeFile(replay, `${lines.join('\n')}\n`);
    });
    /** A run at NOW; `progress` collects the lines, or is called with each (a stop throws from it). */
    const run = (
      dataDir: string,
      more: { replay?: string; digestDate?: string },
      progress: string[] | ((line: string) => void) = [],
    ) =>
      runLocal({
        configPath: offlineConfig,
        dataDir,
        ...more,
        clock: fixedClock(NOW),
        progress: typeof progress === 'function' ? progress : (l) => progress.push(l),
        log: silentLog,
      });

    it('checks a replayed day in a fresh folder, and reports it unchecked after a live run moved the clock past it', async () => {
      const fresh = await run(join(dir, 'replay-fresh'), { replay, digestDate: '2026-11-10' });
      expect(fresh.detection).toMatchObject({
        clockBefore: null,
        replayHours: 2,
        replayHoursChecked: 2,
        replayHoursBeforeClock: 0,
        skippedHours: 0,
      });
      expect(fresh.sentiment.NEGATIVE).toBeGreaterThanOrEqual(5);
      expect(fresh.alerts).toBeGreaterThan(0);

      const dataDir = join(dir, 'replay-after-live');
      const live = await run(dataDir, {});
      expect(live.detection).toMatchObject({ clockBefore: null, replayHours: 0, skippedHours: 0 });
      const progress: string[] = [];
      const late = await run(dataDir, { replay, digestDate: '2026-11-10' }, progress);
      // 2026-11-10 is 20 days behind the clock: beyond the 24 late hours, never tested in this folder.
      expect(late.detection).toEqual({
        clockBefore: '2026-11-30T17:00:00.000Z',
        clockAfter: '2026-11-30T17:00:00.000Z',
        replayHours: 2,
        replayHoursChecked: 0,
        storedNew: 10,
        replayHoursNew: 2,
        historic: true,
        replayHoursBeforeClock: 2,
        replayHoursLate: 0,
        lateMentions: 0,
        skippedHours: 0,
      });
      expect(late.alerts).toBe(0);
      expect(progress).toContain(
        'Not detecting spikes for 2026-11-10: the detector has already stepped every hour through 2026-11-30 17:00 UTC, and it never goes back',
      );
      expect(progress.some((l) => l.startsWith('Detecting spikes'))).toBe(false);
      // The digest day's hours went unchecked because the live run's clock had passed them, not because
      // "one live run checks only the 3 closed hours before it".
      expect(late.digestChecked).toEqual({ checked: 0, hours: 24 });
      const text = formatSummary(late).join('\n');
      expect(text).toContain(
        "spike detection checked 0 of its 24 hours (the digest names the others): the detector's clock (2026-11-30 17:00 UTC) had already passed the day before this run",
      );
      expect(text).not.toContain('one live run');
    });

    it('after a run stopped before detection, the re-run checks the day and says no mention was new', async () => {
      const dataDir = join(dir, 'stopped-before-detect');
      const stop = (line: string) => {
        if (line.startsWith('Detecting spikes')) throw new Error('stopped');
      };
      await expect(run(dataDir, { replay, digestDate: '2026-11-10' }, stop)).rejects.toThrow('stopped');
      const rerun = await run(dataDir, { replay, digestDate: '2026-11-10' });
      expect(rerun.mentions).toMatchObject({ new: 0, duplicate: 10 });
      // Both replayed hours (03:00 and 04:00 UTC) are stepped now, in the alert range of the day.
      expect(rerun.detection).toMatchObject({
        clockBefore: null,
        storedNew: 0,
        replayHours: 2,
        replayHoursChecked: 2,
        replayHoursBeforeClock: 0,
      });
      expect(detectionLines(rerun.detection, rerun.mentions)[0]).toMatch(
        /^ {2}spike detection: no new mention \(every replayed mention was already stored\); it stepped 2 replayed hours it had not reached yet/,
      );
    });

    it('counts alerts a stopped run raised and the next run delivered, as an uninterrupted run counts them', async () => {
      const whole = await run(join(dir, 'alerts-whole'), { replay, digestDate: '2026-11-10' });
      expect(whole.alerts).toBeGreaterThan(0);
      expect(whole.alertsDelivered).toEqual({ total: whole.alerts, fromEarlierRuns: 0 });

      // As kill -9 right after "Spike alert raised": the alert's text is the first progress output of
      // delivery, so failing from there on stores the alerts undelivered, then stops the run.
      const dataDir = join(dir, 'alerts-killed');
      let dead = false;
      await expect(
        run(dataDir, { replay, digestDate: '2026-11-10' }, (line) => {
          if (dead || line.startsWith('\n')) {
            dead = true;
            throw new Error('killed');
          }
        }),
      ).rejects.toThrow('killed');
      const rerun = await run(dataDir, { replay, digestDate: '2026-11-10' });
      expect(rerun.alerts).toBe(0);
      expect(rerun.alertsDelivered).toEqual({ total: whole.alerts, fromEarlierRuns: whole.alerts });
      expect(formatSummary(rerun)).toContain(
        `  alerts raised: 0; also delivered ${plural(whole.alerts, 'alert')} an earlier run raised but had not sent (it was stopped, or delivery failed)`,
      );
    });

    it('reports a spike the distinct-authors guard held back, instead of a silent "alerts raised: 0"', async () => {
      // The same ten headlines, all from one outlet: one distinct author, below minDistinctAuthors 2.
      const oneOutlet = join(dir, 'one-outlet-burst.jsonl');
      const lines = (await readFile(replay, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => l.replace(/outlet\d\.example/g, 'outlet0.example'));
      await writeFile(oneOutlet, `${lines.join('\n')}\n`);
      const held = await run(join(dir, 'held-back'), { replay: oneOutlet, digestDate: '2026-11-10' });
      expect(held.alerts).toBe(0);
      expect(held.heldBack.length).toBeGreaterThan(0);
      for (const h of held.heldBack)
        expect(h).toMatchObject({
          reason: 'too few distinct authors',
          distinctAuthors: 1,
          minDistinctAuthors: 2,
        });
      // Every held-back window overlaps the burst (03:00–04:59 UTC), and together they are one story.
      for (const h of held.heldBack) {
        expect(h.windowStart < '2026-11-10T05:00:00.000Z').toBe(true);
        expect(h.windowEnd > '2026-11-10T03:00:00.000Z').toBe(true);
      }
      expect(heldBackEvents(held.heldBack)).toHaveLength(1);
      expect(held.heldBack.map((h) => h.detectorId)).toEqual(
        expect.arrayContaining(['neg:all', 'share:all']),
      );
      // Every window the detect runs recorded (what the digest reads) is in the summary, so both name the
      // same event: QA 2026-12-01 found a window lost when a later one of the same series had the same start.
      const { db, store } = await openLocalStore(join(dir, 'held-back'));
      try {
        const recorded = (
          await store.listDetectionRuns('2026-11-09T00:00:00.000Z', '2026-11-12T00:00:00.000Z')
        )
          .flatMap((r) => r.heldBack ?? [])
          .map((h) => `${h.detectorId} ${h.kind} ${h.windowStart} ${h.windowEnd}`);
        const summarised = held.heldBack.map(
          (h) => `${h.detectorId} ${h.kind} ${h.windowStart} ${h.windowEnd}`,
        );
        expect(new Set(recorded).size).toBeGreaterThan(
          new Set(recorded.map((r) => r.split(' ').slice(0, 3).join(' '))).size,
        );
        expect([...new Set(summarised)].sort()).toEqual([...new Set(recorded)].sort());
      } finally {
        await db.close();
      }
    });

    it('tests replayed mentions within 24 hours of the clock as late mentions at the next hour the detector steps', async () => {
      // The same ten headlines published on 2026-11-30 12:10–13:19 UTC (19:10–20:19 WIB): two hours, 4 and 5
      // hours before the clock a live run at 18:20 leaves (17:00).
      const recent = join(dir, 'recent-burst.jsonl');
      const lines = (await readFile(replay, 'utf8'))
        .trim()
        .split('\n')
        .map((l) =>
          l.replace('2026-11-10T03:', '2026-11-30T12:').replace('2026-11-10T04:', '2026-11-30T13:'),
        );
      await writeFile(recent, `${lines.join('\n')}\n`);
      const at = (ms: number, more: { replay?: string }, progress: string[] = []) =>
        runLocal({
          configPath: offlineConfig,
          dataDir,
          ...more,
          clock: fixedClock(ms),
          progress: (l) => progress.push(l),
          log: silentLog,
        });

      // Replayed an hour after the live run: the hour 18:00 (the last closed one at 19:20) is stepped with them.
      let dataDir = join(dir, 'late-next-hour');
      await at(NOW, {});
      const progress: string[] = [];
      const replayed = await at(NOW + HOUR, { replay: recent }, progress);
      expect(replayed.mentions.new).toBe(10);
      expect(replayed.detection).toEqual({
        clockBefore: '2026-11-30T17:00:00.000Z',
        clockAfter: '2026-11-30T18:00:00.000Z',
        replayHours: 2,
        replayHoursChecked: 0,
        storedNew: 10,
        replayHoursNew: 2,
        historic: true,
        replayHoursBeforeClock: 2,
        replayHoursLate: 2,
        lateMentions: 10,
        lateAddedTo: '2026-11-30T18:00:00.000Z',
        checkedFrom: '2026-11-30T18:00:00.000Z',
        checkedTo: '2026-11-30T18:00:00.000Z',
        skippedHours: 0,
      });
      expect(replayed.alerts).toBeGreaterThan(0);
      const alerts = (await readFile(join(dataDir, 'alerts', 'alerts.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { windowEnd: string });
      expect(alerts.map((a) => a.windowEnd)).toContain('2026-11-30T19:00:00.000Z');
      expect(progress.some((l) => l.includes('tested as late mentions at the next hour'))).toBe(true);
      // The same replay again stores nothing new, so nothing is late or waiting.
      const again = await at(NOW + HOUR + 10 * 60_000, { replay: recent });
      expect(again.mentions.new).toBe(0);
      expect(again.detection).toMatchObject({ replayHoursLate: 0, lateMentions: 0 });

      // Replayed within the hour of the live run: nothing to step yet, so they wait; the next run tests them.
      dataDir = join(dir, 'late-pending');
      await at(NOW, {});
      const waiting = await at(NOW + 20 * 60_000, { replay: recent });
      expect(waiting.detection).toMatchObject({
        clockBefore: '2026-11-30T17:00:00.000Z',
        clockAfter: '2026-11-30T17:00:00.000Z',
        replayHoursLate: 2,
        lateMentions: 0,
      });
      expect(waiting.alerts).toBe(0);
      const next = await at(NOW + HOUR, {});
      expect(next.detection).toMatchObject({
        clockAfter: '2026-11-30T18:00:00.000Z',
        lateMentions: 10,
        lateAddedTo: '2026-11-30T18:00:00.000Z',
      });
      expect(next.alerts).toBeGreaterThan(0);
    });

    it('finishes a live run after an old --date, skipping all but the last 14 days and saying how many hours', async () => {
      const dataDir = join(dir, 'old-date');
      const old = await run(dataDir, { digestDate: '2000-01-01' });
      expect(old.detection.skippedHours).toBe(0);
      const live = await run(dataDir, {});
      // Clock 2000-01-01 16:00 UTC (the last hour of that WIB day) → 2026-11-30 17:00 UTC: 235,921 hours,
      // of which the last 336 (14 days) are stepped.
      expect(live.detection).toMatchObject({
        clockBefore: '2000-01-01T16:00:00.000Z',
        skippedHours: 235_585,
      });
      const again = await run(dataDir, {});
      expect(again.detection).toMatchObject({ clockBefore: '2026-11-30T17:00:00.000Z', skippedHours: 0 });
    });
  });
});
