import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { RegencyConfig } from '#shared/domain/config.ts';
import type { StageConfig } from '../config.ts';
import { DurableQueue } from '../constructs/durable-queue.ts';
import { minimumVisibilitySeconds } from '../invariants.ts';

/** The table plus the GSI names grants must cover. */
export interface TableRef {
  table: dynamodb.Table;
  indexNames: readonly string[];
}

/** The mentions work queue as the service stack needs it. */
export interface MentionsQueueRef {
  queue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  /** The queue's visibility timeout, so the consumer can check it against its own timeout. */
  visibilityTimeout: Duration;
  maxReceiveCount: number;
}

/**
 * Everything stateful the service stack is wired to; passed as typed props, never looked up by name.
 * Concrete classes rather than `I*` interfaces where aws-cdk-lib's declarations clash with
 * `exactOptionalPropertyTypes` (e.g. `Table` is not assignable to `ITable` under it).
 */
export interface PantauData {
  table: TableRef;
  mentions: MentionsQueueRef;
  /** Poison messages the classifier could never process, kept 14 days for inspection. */
  topics: {
    /** Spike alerts: notify function (Telegram/webhook) and e-mail subscribers. */
    alerts: sns.ITopic;
    /** Daily digest e-mails. */
    digest: sns.ITopic;
    /** CloudWatch alarm notifications for operators. */
    ops: sns.ITopic;
    /** The customer-managed key all three topics are encrypted with. */
    key: kms.IKey;
  };
  secrets: {
    /** API tokens of mention sources, JSON keyed by source id. */
    sourceTokens: secretsmanager.Secret;
    /** Alert delivery settings, JSON (`NotifySettingsSchema`): Telegram bot token + chat ids, webhooks. */
    notify: secretsmanager.Secret;
    /** HMAC key that signs API page cursors. */
    cursorKey: secretsmanager.Secret;
  };
}

export interface DataStackProps extends StackProps {
  config: StageConfig;
  regency: RegencyConfig;
}

/** Name of the table's one GSI (mirrors `shared/adapters/aws/table-definition.ts`). */
export const GSI1 = 'GSI1';

/**
 * The stateful half of Pantau: table, queues, topics, secrets. Retained (and deletion-protected) in prod,
 * so the service stack can be destroyed and redeployed freely.
 */
export class DataStack extends Stack {
  readonly data: PantauData;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config, regency } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const prefix = `pantau-${config.stage}`;

    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS-managed key (aws/dynamodb): encrypted at rest with every use logged in CloudTrail, and no
      // key policy or kms:* grants to maintain. A customer key is the upgrade if key revocation is required.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: config.retainData,
      removalPolicy,
    });
    table.addGlobalSecondaryIndex({
      indexName: GSI1,
      partitionKey: { name: 'GSI1PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'GSI1SK', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    const classify = config.functions.classify;
    const mentions = new DurableQueue(this, 'Mentions', {
      visibilityTimeout: Duration.seconds(
        minimumVisibilitySeconds(classify.timeoutSeconds, config.classify.batchingWindowSeconds),
      ),
      maxReceiveCount: config.classify.maxReceiveCount,
      removalPolicy,
    });
    const topicKey = new kms.Key(this, 'TopicKey', {
      alias: `alias/${prefix}-topics`,
      description: 'Encrypts the Pantau alerts, digest and ops SNS topics',
      enableKeyRotation: true,
      removalPolicy,
      ...(config.retainData ? {} : { pendingWindow: Duration.days(7) }),
    });
    // CloudWatch alarms publish to the encrypted ops topic as the CloudWatch service, which needs the key.
    topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const topic = (topicId: string, name: string, displayName: string): sns.Topic => {
      const t = new sns.Topic(this, topicId, {
        topicName: `${prefix}-${name}`,
        displayName,
        masterKey: topicKey,
        enforceSSL: true,
      });
      t.applyRemovalPolicy(removalPolicy);
      return t;
    };
    const alerts = topic('AlertsTopic', 'alerts', `Pantau ${regency.name}: alerts`);
    const digest = topic('DigestTopic', 'digest', `Pantau ${regency.name}: daily digest`);
    const ops = topic('OpsTopic', 'ops', `Pantau ${config.stage}: operations`);
    for (const email of regency.digest.recipients)
      digest.addSubscription(new subscriptions.EmailSubscription(email));
    for (const email of config.alarmEmails) ops.addSubscription(new subscriptions.EmailSubscription(email));

    const secret = (
      secretId: string,
      name: string,
      description: string,
      generate: secretsmanager.SecretStringGenerator,
      rotationReason: string,
    ) => {
      const created = new secretsmanager.Secret(this, secretId, {
        secretName: `${prefix}/${name}`,
        description,
        removalPolicy,
        generateSecretString: generate,
      });
      Validations.of(created).acknowledge({ id: 'AwsSolutions-SMG4', reason: rotationReason });
      return created;
    };
    const thirdParty =
      'Holds credentials issued by third parties (Telegram, webhook receivers, source APIs), set by the operator with put-secret-value (docs/operations.md); Secrets Manager cannot rotate them on the issuer side, so a rotation Lambda would only break them.';
    // The JSON secrets start as valid, empty settings (the generated key is ignored by the readers), so the
    // functions run before an operator fills them in.
    const emptyJson = (template: object): secretsmanager.SecretStringGenerator => ({
      secretStringTemplate: JSON.stringify(template),
      generateStringKey: 'placeholder',
      excludePunctuation: true,
    });
    const secrets = {
      sourceTokens: secret(
        'SourceTokensSecret',
        'source-tokens',
        'API tokens of mention sources, a JSON object keyed by source id',
        emptyJson({}),
        thirdParty,
      ),
      notify: secret(
        'NotifySecret',
        'notify',
        'Alert delivery settings (JSON): Telegram bot token and chat ids, webhook URLs and signing secrets',
        emptyJson({ webhooks: [] }),
        thirdParty,
      ),
      cursorKey: secret(
        'CursorKeySecret',
        'cursor-key',
        'HMAC key that signs API page cursors (generated, 64 characters)',
        { passwordLength: 64, excludePunctuation: true },
        'Rotating the cursor key only invalidates page cursors in flight; operators rotate it by hand (docs/operations.md) because an automatic rotation Lambda adds a function and permissions for no security gain over a 64-character random key.',
      ),
    };

    this.data = {
      table: { table, indexNames: [GSI1] },
      mentions: {
        queue: mentions.queue,
        deadLetterQueue: mentions.deadLetterQueue,
        visibilityTimeout: mentions.visibilityTimeout,
        maxReceiveCount: mentions.maxReceiveCount,
      },
      topics: { alerts, digest, ops, key: topicKey },
      secrets,
    };

    new CfnOutput(this, 'TableName', { value: table.tableName });
    // The runbooks (docs/operations.md) read these with `aws cloudformation describe-stacks`: the queue
    // names are generated, and `start-message-move-task` needs the DLQ's ARN.
    for (const [key, queue, description] of [
      ['MentionsQueue', mentions.queue, 'Mentions work queue (collect → classify)'],
      ['MentionsDeadLetterQueue', mentions.deadLetterQueue, 'Mentions dead-letter queue'],
    ] as const) {
      new CfnOutput(this, `${key}Name`, { value: queue.queueName, description });
      new CfnOutput(this, `${key}Url`, { value: queue.queueUrl, description });
      new CfnOutput(this, `${key}Arn`, { value: queue.queueArn, description });
    }
    new CfnOutput(this, 'AlertsTopicArn', { value: alerts.topicArn });
    new CfnOutput(this, 'DigestTopicArn', { value: digest.topicArn });
    new CfnOutput(this, 'OpsTopicArn', { value: ops.topicArn });
    for (const [name, s] of Object.entries(secrets)) {
      new CfnOutput(this, `${name[0]?.toUpperCase()}${name.slice(1)}SecretArn`, { value: s.secretArn });
    }
  }
}
