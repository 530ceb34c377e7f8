/**
 * Least-privilege grants written out by hand where CDK's own `grant*` helpers would add wildcards
 * (`table/index/*`, `kms:GenerateDataKey*`, `kms:ReEncrypt*`) that cdk-nag then has to be told about.
 */

import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { TableRef } from '../stacks/data-stack.ts';

/** Item reads the handlers perform; `Scan` is deliberately absent (every access pattern is a key query). */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

/** Item writes the handlers perform, including the per-item actions `TransactWriteItems` is authorised by. */
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** The Comprehend calls the classify function makes (batch only: one call per ≤ 25 documents). */
export const COMPREHEND_ACTIONS = [
  'comprehend:BatchDetectSentiment',
  'comprehend:BatchDetectDominantLanguage',
] as const;

/**
 * Allow `grantee` to read (or read and write) the table and its named GSIs, by exact ARN.
 */
export function grantTable(grantee: iam.IGrantable, table: TableRef, access: 'read' | 'readWrite'): void {
  const actions: string[] = [...TABLE_READ_ACTIONS, ...(access === 'readWrite' ? TABLE_WRITE_ACTIONS : [])];
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions,
      resources: [table.table.tableArn, ...table.indexNames.map((n) => `${table.table.tableArn}/index/${n}`)],
    }),
  );
}

/**
 * Allow `grantee` to publish to an SSE-KMS topic: `sns:Publish` on the topic and the two KMS calls SNS makes
 * on the publisher's behalf (`GenerateDataKey`, `Decrypt`) on its key.
 */
export function grantPublish(grantee: iam.IGrantable, topic: sns.ITopic, key: kms.IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
  );
}

/**
 * Allow `grantee` the Comprehend batch calls. Comprehend's detect APIs have no resource type, so IAM only
 * accepts `Resource: *` here; the finding is acknowledged on `scope` (the function's role) with that reason.
 */
export function grantComprehend(grantee: iam.IGrantable, scope: Construct): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: [...COMPREHEND_ACTIONS], resources: ['*'] }),
  );
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Comprehend BatchDetectSentiment/BatchDetectDominantLanguage define no resource types (Service Authorization Reference), so IAM accepts only Resource "*"; the statement is limited to these two actions.',
  });
}
