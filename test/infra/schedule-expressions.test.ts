import { describe, expect, it } from 'vitest';
import { minimumVisibilitySeconds } from '../../infra/invariants.ts';
import { dailyAtExpression, everyMinutesExpression } from '../../infra/schedule-expressions.ts';

describe('everyMinutesExpression', () => {
  it.each([
    [5, 'cron(0/5 * * * ? *)'],
    [15, 'cron(0/15 * * * ? *)'],
    [30, 'cron(0/30 * * * ? *)'],
    [60, 'cron(0 * * * ? *)'],
    [120, 'cron(0 0/2 * * ? *)'],
    [360, 'cron(0 0/6 * * ? *)'],
    [1440, 'cron(0 0 * * ? *)'],
    [45, 'rate(45 minutes)'],
    [90, 'rate(90 minutes)'],
    [300, 'rate(300 minutes)'],
  ])('every %i min → %s', (minutes, expected) => {
    expect(everyMinutesExpression(minutes)).toBe(expected);
  });

  it('offsets the minute field', () => {
    expect(everyMinutesExpression(15, 5)).toBe('cron(5/15 * * * ? *)');
    expect(everyMinutesExpression(60, 10)).toBe('cron(10 * * * ? *)');
  });

  it('rejects intervals and offsets out of range', () => {
    expect(() => everyMinutesExpression(0)).toThrow(RangeError);
    expect(() => everyMinutesExpression(1441)).toThrow(RangeError);
    expect(() => everyMinutesExpression(7.5)).toThrow(RangeError);
    expect(() => everyMinutesExpression(15, 15)).toThrow(RangeError);
  });
});

describe('dailyAtExpression', () => {
  it('runs at the top of the given hour', () => {
    expect(dailyAtExpression(7)).toBe('cron(0 7 * * ? *)');
    expect(dailyAtExpression(0)).toBe('cron(0 0 * * ? *)');
    expect(() => dailyAtExpression(24)).toThrow(RangeError);
  });
});

describe('minimumVisibilitySeconds', () => {
  it('is 6 × timeout + batching window', () => {
    expect(minimumVisibilitySeconds(60, 20)).toBe(380);
    expect(minimumVisibilitySeconds(30, 0)).toBe(180);
  });
});
