import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InfraConfigError,
  loadRegencyConfig,
  loadStageConfig,
  PLACEHOLDER_ACCOUNT,
  STAGE_DEFAULTS,
} from '../../infra/config.ts';

describe('loadStageConfig', () => {
  it('defaults to dev in Jakarta with Comprehend in Singapore and a placeholder account offline', () => {
    const config = loadStageConfig({}, {});
    expect(config.stage).toBe('dev');
    expect(config.region).toBe('ap-southeast-3');
    expect(config.comprehendRegion).toBe('ap-southeast-1');
    expect(config.account).toBe(PLACEHOLDER_ACCOUNT);
    expect(config.retainData).toBe(false);
  });

  it('takes the account from CDK_DEFAULT_ACCOUNT, and context over both', () => {
    expect(loadStageConfig({}, { CDK_DEFAULT_ACCOUNT: '123456789012' }).account).toBe('123456789012');
    expect(
      loadStageConfig({ account: '210987654321' }, { CDK_DEFAULT_ACCOUNT: '123456789012' }).account,
    ).toBe('210987654321');
  });

  it('ignores the CLI default region so a Jakarta deployment cannot land elsewhere by accident', () => {
    expect(loadStageConfig({}, { CDK_DEFAULT_REGION: 'us-east-1' }).region).toBe('ap-southeast-3');
    expect(loadStageConfig({ region: 'ap-southeast-1' }, {}).region).toBe('ap-southeast-1');
  });

  it('retains data and enables the dashboard in prod', () => {
    const config = loadStageConfig({ stage: 'prod' }, {});
    expect(config.retainData).toBe(true);
    expect(config.dashboard.enabled).toBe(true);
    expect(config.logLevel).toBe('INFO');
  });

  it('parses context strings: comma-separated e-mails, boolean flags, origin', () => {
    const config = loadStageConfig(
      {
        alarmEmails: 'ops@majalengkakab.go.id, kominfo@majalengkakab.go.id',
        dashboard: 'true',
        dashboardOrigin: 'https://pantau.majalengkakab.go.id',
      },
      {},
    );
    expect(config.alarmEmails).toEqual(['ops@majalengkakab.go.id', 'kominfo@majalengkakab.go.id']);
    expect(config.dashboard).toEqual({ enabled: true, origin: 'https://pantau.majalengkakab.go.id' });
  });

  it('rejects an unknown stage, a bad account and a bad e-mail, naming the field', () => {
    expect(() => loadStageConfig({ stage: 'staging' }, {})).toThrow(/Unknown stage 'staging'/);
    expect(() => loadStageConfig({ account: '1234' }, {})).toThrow(InfraConfigError);
    expect(() => loadStageConfig({ account: '1234' }, {})).toThrow(/account: a 12-digit AWS account id/);
    expect(() => loadStageConfig({ alarmEmails: 'not-an-email' }, {})).toThrow(/alarmEmails\.0/);
    expect(() => loadStageConfig({ dashboard: 'yes' }, {})).toThrow(/must be true or false/);
    expect(() => loadStageConfig({ comprehend: 'maybe' }, {})).toThrow(/comprehend/);
  });

  it('keeps every stage within the SQS invariants (maxReceiveCount ≥ 5, batch ≤ 25)', () => {
    for (const defaults of Object.values(STAGE_DEFAULTS)) {
      expect(defaults.classify.maxReceiveCount).toBeGreaterThanOrEqual(5);
      expect(defaults.classify.batchSize).toBeLessThanOrEqual(25);
    }
  });
});

describe('loadRegencyConfig', () => {
  it('reads config/majalengka.json', () => {
    const regency = loadRegencyConfig('majalengka');
    expect(regency.timeZone).toBe('Asia/Jakarta');
    expect(regency.sources.length).toBeGreaterThan(0);
  });

  it('reads a config file saved with a UTF-8 byte-order mark (Windows Notepad)', () => {
    const root = mkdtempSync(join(tmpdir(), 'infra-bom-'));
    mkdirSync(join(root, 'config'));
    writeFileSync(
      join(root, 'config', 'majalengka.json'),
      `\uFEFF${readFileSync('config/majalengka.json', 'utf8')}`,
    );
    expect(loadRegencyConfig('majalengka', root).timeZone).toBe('Asia/Jakarta');
    rmSync(root, { recursive: true });
  });

  it('fails with InfraConfigError for a regency without a file', () => {
    expect(() => loadRegencyConfig('atlantis')).toThrow(InfraConfigError);
  });
});
