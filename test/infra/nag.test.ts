/**
 * cdk-nag (AWS Solutions pack, v3 Validations API) runs on every synth: a full synth of each stage must pass
 * with zero unacknowledged findings, and a resource that breaks a rule must make synth throw.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { createPantauApp } from '../../infra/pantau-app.ts';
import { entryOrStub, fakeDashboardDir } from './support.ts';

/** cdk-nag is a validation plugin and runs regardless; CDK's own schema check is left to `npm run synth`. */
function app(context: Record<string, unknown>, dashboardDir = '/nonexistent/dashboard') {
  return createPantauApp({
    appProps: {
      context: { 'aws:cdk:bundling-stacks': [], ...context },
      builtinCloudFormationValidation: false,
    },
    env: {},
    entry: entryOrStub,
    dashboardDir,
  });
}

describe('cdk-nag AwsSolutionsChecks', () => {
  it('passes a full dev synth with every finding acknowledged', () => {
    const { app: dev } = app({ stage: 'dev' });
    const assembly = dev.synth();
    expect(existsSync(join(assembly.directory, 'Pantau-dev-Service.template.json'))).toBe(true);
  });

  it('passes a prod synth with the dashboard site, whose CDK-owned deployment handler is acknowledged', () => {
    const { app: prod } = app({ stage: 'prod', account: '123456789012' }, fakeDashboardDir());
    expect(() => prod.synth()).not.toThrow();
  });

  it('fails the synth on an unacknowledged finding', () => {
    const { app: dev, service } = app({ stage: 'dev' });
    new sqs.Queue(service as Stack, 'QueueWithoutDlqOrTls', { encryption: sqs.QueueEncryption.SQS_MANAGED });
    expect(() => dev.synth()).toThrow(
      /AwsSolutions-SQS3[\s\S]*QueueWithoutDlqOrTls|QueueWithoutDlqOrTls[\s\S]*AwsSolutions-SQS/,
    );
  });
});
