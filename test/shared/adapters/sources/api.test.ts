import { describe, expect, it } from 'vitest';
import {
  compareNumericIds,
  compareStrings,
  laterPageError,
  type SweepOptions,
  type SweepPage,
  sweepNewestFirst,
} from '#shared/adapters/sources/api.ts';
import { SourceAbortedError, SourceHttpError } from '#shared/adapters/sources/errors.ts';

/** A newest-first list of three pages; page tokens are `p2`, `p3`. */
const PAGES: Record<string, SweepPage> = {
  first: { markers: ['2026-11-30T09:00:00.000Z', '2026-11-30T08:00:00.000Z'], next: 'p2' },
  p2: { markers: ['2026-11-30T07:00:00.000Z'], next: 'p3' },
  p3: { markers: ['2026-11-30T06:00:00.000Z'], next: undefined },
};

function options(extra: Partial<SweepOptions> = {}): SweepOptions & { tokens: (string | undefined)[] } {
  const tokens: (string | undefined)[] = [];
  return {
    tokens,
    maxPages: 2,
    compare: compareStrings,
    describePage: (page) => `list page ${page}`,
    readPage: async ({ token }) => {
      tokens.push(token);
      return PAGES[token ?? 'first'] ?? { markers: [], next: undefined };
    },
    ...extra,
  };
}

describe('sweepNewestFirst', () => {
  it('reads one page on a first poll and takes its newest marker as since', async () => {
    const o = options();
    const out = await sweepNewestFirst({}, o);
    expect(o.tokens).toEqual([undefined]);
    expect(out).toEqual({ state: { since: '2026-11-30T09:00:00.000Z' } });
  });

  it('stops at the page bound with until/pending, then finishes the backlog next poll', async () => {
    const o = options();
    const since = '2026-11-30T05:00:00.000Z';
    const out = await sweepNewestFirst({ since }, o);
    expect(o.tokens).toEqual([undefined, 'p2']);
    expect(out.warning).toBe('2 pages read, older posts remain; they are read next poll');
    expect(out.state).toEqual({
      since,
      until: '2026-11-30T07:00:00.000Z',
      pending: '2026-11-30T09:00:00.000Z',
    });
    const rest = await sweepNewestFirst(
      out.state ?? {},
      options({ maxPages: 1, readPage: async () => PAGES.p3 as SweepPage }),
    );
    expect(rest).toEqual({ state: { since: '2026-11-30T09:00:00.000Z' } });
  });

  it('orders snowflake ids numerically, not as text', async () => {
    const out = await sweepNewestFirst(
      {},
      options({ compare: compareNumericIds, readPage: async () => ({ markers: ['99', '100'], next: 'x' }) }),
    );
    expect(out.state).toEqual({ since: '100' });
  });

  it('keeps the pages read when a later page fails, and fails the poll when page 1 does', async () => {
    const boom = new SourceHttpError('s', 503, 'http://127.0.0.1/list');
    const later = await sweepNewestFirst(
      { since: '2026-11-30T05:00:00.000Z' },
      options({
        readPage: async ({ token }) => {
          if (token) throw boom;
          return PAGES.first as SweepPage;
        },
      }),
    );
    expect(later.warning).toBe(`list page 2 failed; the rest is read next poll: ${boom.message}`);
    expect(later.state?.until).toBe('2026-11-30T08:00:00.000Z');
    await expect(
      sweepNewestFirst(
        {},
        options({
          readPage: async () => {
            throw boom;
          },
        }),
      ),
    ).rejects.toBe(boom);
  });

  it('stops before a page when beforePage says so and leaves the state to the caller when nothing was read', async () => {
    const o = options({ beforePage: () => 'budget spent' });
    const out = await sweepNewestFirst({ since: '2026-11-30T05:00:00.000Z' }, o);
    expect(o.tokens).toEqual([]);
    expect(out).toEqual({ state: undefined, warning: 'budget spent' });
  });
});

describe('laterPageError', () => {
  it('lets a later page stop with a warning but rethrows page 1, aborts and non-source errors', () => {
    const http = new SourceHttpError('s', 500, 'http://127.0.0.1/');
    expect(laterPageError(http, 2)).toBe(http);
    expect(() => laterPageError(http, 1)).toThrow(http);
    const aborted = new SourceAbortedError('s');
    expect(() => laterPageError(aborted, 3)).toThrow(aborted);
    const bug = new TypeError('bug');
    expect(() => laterPageError(bug, 2)).toThrow(bug);
  });
});
