/**
 * CDK assertion tests of the invariants the pipeline depends on, over the dev app (dashboard off) and the
 * prod app (dashboard on, with a throwaway dashboard folder). Built once per file, without bundling.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { TTL_ATTRIBUTE, tableDefinition } from '#shared/adapters/aws/table-definition.ts';
import { ROUTES } from '#shared/domain/api/routes.ts';
import { type MetricSink, powertoolsMetricSink } from '#shared/observability.ts';
import { FUNCTION_NAMES } from '../../infra/config.ts';
import { MAX_RETENTION, WORK_QUEUE_RETENTION } from '../../infra/constructs/durable-queue.ts';
import { COMPREHEND_ACTIONS } from '../../infra/constructs/grants.ts';
import { API_KEY_HEADERS } from '../../infra/constructs/http-api.ts';
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from '../../infra/constructs/pantau-function.ts';
import { SCHEDULE_RETRY_ATTEMPTS } from '../../infra/constructs/schedules.ts';
import { NOTIFY_RETRY_ATTEMPTS } from '../../infra/stacks/service-stack.ts';
import {
  asArray,
  type Built,
  buildPantau,
  fakeDashboardDir,
  iamStatements,
  onlyResource,
  resolveImport,
  resourcesOf,
} from './support.ts';

let dev: Built;
let prod: Built;

beforeAll(() => {
  dev = buildPantau({ stage: 'dev' });
  prod = buildPantau(
    { stage: 'prod', alarmEmails: 'ops@majalengkakab.go.id', account: '123456789012' },
    fakeDashboardDir(),
  );
});

const both = () => [dev, prod] as const;

/**
 * The dimension sets (`name=value`, sorted) of the EMF lines a Powertools sink, built as the handlers build
 * theirs, writes to stdout for what `emit` counts: what CloudWatch files the metric under.
 */
function emittedDimensions(emit: (sink: MetricSink) => void): { metric: string; dimensions: string[] }[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const sink = powertoolsMetricSink(
      new Metrics({ namespace: METRICS_NAMESPACE, serviceName: POWERTOOLS_SERVICE_NAME }),
    );
    emit(sink);
    sink.flush();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => {
      const emf = JSON.parse(line) as Record<string, unknown> & {
        _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      };
      return emf._aws.CloudWatchMetrics.flatMap((d) =>
        d.Metrics.flatMap((m) =>
          d.Dimensions.map((names) => ({
            metric: m.Name,
            dimensions: names.map((n) => `${n}=${String(emf[n])}`).sort(),
          })),
        ),
      );
    });
}

interface FunctionResource {
  id: string;
  props: Record<string, unknown>;
  roleId: string;
  env: Record<string, unknown>;
}

/** Our seven functions (not the handler CDK adds for BucketDeployment), by short name (`collect` …). */
function pantauFunctions(built: Built): Record<string, FunctionResource> {
  const result: Record<string, FunctionResource> = {};
  for (const [id, r] of Object.entries(resourcesOf(built.serviceTemplate, 'AWS::Lambda::Function'))) {
    const name = String(r.Properties['FunctionName'] ?? '');
    if (!name.startsWith('pantau-')) continue;
    result[name.split('-').at(-1) ?? name] = {
      id,
      props: r.Properties,
      roleId: (r.Properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
      env: (r.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables,
    };
  }
  return result;
}

/** The function `name`. @throws {Error} when it is not in the template. */
function fnOf(built: Built, name: string): FunctionResource {
  const fn = pantauFunctions(built)[name];
  if (!fn) throw new Error(`no function ${name}`);
  return fn;
}

describe('SQS → Lambda', () => {
  it('every event source mapping reports partial batch failures, with batch 25, a window and maxConcurrency', () => {
    for (const built of both()) {
      const mappings = Object.values(resourcesOf(built.serviceTemplate, 'AWS::Lambda::EventSourceMapping'));
      expect(mappings).toHaveLength(1);
      for (const m of mappings) {
        expect(m.Properties['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
        expect(m.Properties['BatchSize']).toBe(25);
        expect(m.Properties['MaximumBatchingWindowInSeconds']).toBe(
          built.config.classify.batchingWindowSeconds,
        );
        expect(m.Properties['ScalingConfig']).toEqual({
          MaximumConcurrency: built.config.classify.maxConcurrency,
        });
      }
    }
  });

  it('the consumed queue is visible ≥ 6 × the consumer timeout + batching window, and has a DLQ with maxReceiveCount ≥ 5', () => {
    for (const built of both()) {
      const [, mapping] = onlyResource(built.serviceTemplate, 'AWS::Lambda::EventSourceMapping');
      const queueArn = resolveImport(built.dataTemplate, mapping.Properties['EventSourceArn']) as {
        'Fn::GetAtt': [string, string];
      };
      const queueId = queueArn['Fn::GetAtt'][0];
      const queue = resourcesOf(built.dataTemplate, 'AWS::SQS::Queue')[queueId]?.Properties ?? {};
      const fnId = (mapping.Properties['FunctionName'] as { Ref: string }).Ref;
      const fn = resourcesOf(built.serviceTemplate, 'AWS::Lambda::Function')[fnId]?.Properties ?? {};
      const timeout = fn['Timeout'] as number;
      const window = mapping.Properties['MaximumBatchingWindowInSeconds'] as number;
      expect(queue['VisibilityTimeout'] as number).toBeGreaterThanOrEqual(6 * timeout + window);
      const redrive = queue['RedrivePolicy'] as { maxReceiveCount: number; deadLetterTargetArn: unknown };
      expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);
      expect(redrive.deadLetterTargetArn).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'Arn'],
      });
    }
  });

  it('every redrive policy in both stacks has maxReceiveCount ≥ 5', () => {
    for (const built of both()) {
      for (const template of [built.dataTemplate, built.serviceTemplate]) {
        for (const q of Object.values(resourcesOf(template, 'AWS::SQS::Queue'))) {
          const redrive = q.Properties['RedrivePolicy'] as { maxReceiveCount: number } | undefined;
          if (redrive) expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);
        }
      }
    }
  });

  it('encrypts every queue (SSE-SQS) and denies non-TLS requests to each', () => {
    for (const built of both()) {
      for (const template of [built.dataTemplate, built.serviceTemplate]) {
        const queues = resourcesOf(template, 'AWS::SQS::Queue');
        const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'));
        for (const [id, q] of Object.entries(queues)) {
          expect(q.Properties['SqsManagedSseEnabled'], id).toBe(true);
          const sslDeny = policies.some(
            (p) =>
              (p.Properties['Queues'] as { Ref: string }[]).some((r) => r.Ref === id) &&
              JSON.stringify(p.Properties['PolicyDocument']).includes('"aws:SecureTransport":"false"'),
          );
          expect(sslDeny, `${id} has an SSL-only policy`).toBe(true);
        }
      }
    }
  });

  it('keeps work messages 4 days and dead letters the SQS maximum of 14 days', () => {
    expect(WORK_QUEUE_RETENTION.toSeconds()).toBe(4 * 86_400);
    expect(MAX_RETENTION.toSeconds()).toBe(14 * 86_400);
    for (const built of both()) {
      const queues = resourcesOf(built.dataTemplate, 'AWS::SQS::Queue');
      const [workId, work] = Object.entries(queues).find(([, q]) => q.Properties['RedrivePolicy']) ?? [];
      expect(work?.Properties['MessageRetentionPeriod']).toBe(4 * 86_400);
      const dlqs = Object.entries(queues).filter(([id]) => id !== workId);
      expect(dlqs).toHaveLength(1);
      for (const [, q] of dlqs) expect(q.Properties['MessageRetentionPeriod']).toBe(14 * 86_400);
    }
  });

  it('outputs the name, URL and ARN of the mentions queue and its DLQ, the topic ARNs and the service DLQ URLs', () => {
    for (const built of both()) {
      const queues = resourcesOf(built.dataTemplate, 'AWS::SQS::Queue');
      const workId = Object.keys(queues).find((id) => queues[id]?.Properties['RedrivePolicy']);
      const dlqId = Object.keys(queues).find((id) => id !== workId);
      for (const [key, id] of [
        ['MentionsQueue', workId],
        ['MentionsDeadLetterQueue', dlqId],
      ]) {
        built.dataTemplate.hasOutput(`${key}Name`, { Value: { 'Fn::GetAtt': [id, 'QueueName'] } });
        built.dataTemplate.hasOutput(`${key}Url`, { Value: { Ref: id } });
        built.dataTemplate.hasOutput(`${key}Arn`, { Value: { 'Fn::GetAtt': [id, 'Arn'] } });
      }
      for (const topic of ['Alerts', 'Digest', 'Ops'])
        built.dataTemplate.hasOutput(`${topic}TopicArn`, {
          Value: { Ref: Match.stringLikeRegexp(`^${topic}Topic`) },
        });
      const serviceQueues = resourcesOf(built.serviceTemplate, 'AWS::SQS::Queue');
      for (const [key, prefix] of [
        ['NotifyDeadLetterQueueUrl', 'NotifyDeadLetterQueue'],
        ['SchedulerDeadLetterQueueUrl', 'SchedulesDeadLetterQueue'],
      ] as const) {
        const id = Object.keys(serviceQueues).find((q) => q.startsWith(prefix));
        expect(id, prefix).toBeDefined();
        built.serviceTemplate.hasOutput(key, { Value: { Ref: id } });
      }
    }
  });

  it('encrypts the three topics with the rotating customer key and denies non-TLS publishes', () => {
    for (const built of both()) {
      const topics = resourcesOf(built.dataTemplate, 'AWS::SNS::Topic');
      expect(Object.keys(topics)).toHaveLength(3);
      const [keyId] = Object.keys(resourcesOf(built.dataTemplate, 'AWS::KMS::Key'));
      built.dataTemplate.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      for (const t of Object.values(topics)) {
        expect(t.Properties['KmsMasterKeyId']).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      }
      const policies = Object.values(resourcesOf(built.dataTemplate, 'AWS::SNS::TopicPolicy'));
      expect(policies).toHaveLength(3);
      for (const p of policies) {
        expect(JSON.stringify(p.Properties['PolicyDocument'])).toContain('"aws:SecureTransport":"false"');
      }
    }
  });

  it('lets CloudWatch (and only for this account) use the topic key, so alarms reach the ops topic', () => {
    dev.dataTemplate.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ]),
      },
    });
  });
});

describe('table', () => {
  it('matches the key schema the DynamoDB adapter creates locally, with TTL, PITR, KMS and on-demand billing', () => {
    const local = tableDefinition('ignored');
    for (const built of both()) {
      built.dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: local.KeySchema,
        AttributeDefinitions: Match.arrayEquals(local.AttributeDefinitions ?? []),
        GlobalSecondaryIndexes: local.GlobalSecondaryIndexes,
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    }
  });

  it('is deletion-protected and retained in prod only', () => {
    prod.dataTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    dev.dataTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});

describe('functions', () => {
  it('are the seven handlers, arm64 on nodejs24.x, ESM bundles, each with an explicit log group with retention', () => {
    for (const built of both()) {
      const fns = pantauFunctions(built);
      expect(Object.keys(fns).sort()).toEqual([...FUNCTION_NAMES].sort());
      const logGroups = resourcesOf(built.serviceTemplate, 'AWS::Logs::LogGroup');
      for (const [name, fn] of Object.entries(fns)) {
        expect(fn.props['Runtime'], name).toBe('nodejs24.x');
        expect(fn.props['Architectures'], name).toEqual(['arm64']);
        expect(fn.props['Handler'], name).toBe('index.handler');
        const logGroupRef = (fn.props['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref;
        expect(logGroups[logGroupRef]?.Properties['RetentionInDays'], name).toBe(
          built.config.logRetentionDays,
        );
      }
    }
  });

  it('get the shared environment merged with their own variables', () => {
    const env = (name: string) => fnOf(prod, name).env;
    const shared = {
      STAGE: 'prod',
      REGENCY: 'majalengka',
      TABLE_NAME: Match.anyValue(),
      LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: 'pantau',
      POWERTOOLS_METRICS_NAMESPACE: 'Pantau',
    };
    const own: Record<string, string[]> = {
      collect: ['QUEUE_URL'],
      classify: ['COMPREHEND_REGION', 'COMPREHEND_MODE'],
      detect: ['ALERT_TOPIC_ARN'],
      digest: ['DIGEST_TOPIC_ARN'],
      notify: ['NOTIFY_SECRET_ARN'],
      api: ['CURSOR_SECRET_ARN', 'DASHBOARD_ORIGIN', 'CORS_ORIGINS', 'PUBLIC_URL'],
      authorizer: [],
    };
    for (const [name, keys] of Object.entries(own)) {
      expect(env(name), name).toEqual(
        expect.objectContaining(Object.fromEntries(Object.keys(shared).map((k) => [k, expect.anything()]))),
      );
      expect(env(name)['STAGE']).toBe('prod');
      expect(env(name)['POWERTOOLS_METRICS_NAMESPACE']).toBe('Pantau');
      for (const key of keys) expect(env(name), `${name}.${key}`).toHaveProperty(key);
    }
    expect(env('classify')['COMPREHEND_REGION']).toBe('ap-southeast-1');
  });

  it('run without AWS managed policies (their roles carry only inline grants)', () => {
    for (const built of both()) {
      const fns = pantauFunctions(built);
      const roles = resourcesOf(built.serviceTemplate, 'AWS::IAM::Role');
      for (const [name, fn] of Object.entries(fns)) {
        expect(roles[fn.roleId]?.Properties['ManagedPolicyArns'], name).toBeUndefined();
      }
    }
  });

  it('notify retries a failed delivery twice, then dead-letters it; its SNS subscription has the same DLQ', () => {
    const notifyId = fnOf(dev, 'notify').id;
    dev.serviceTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: notifyId },
      MaximumRetryAttempts: NOTIFY_RETRY_ATTEMPTS,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifyDeadLetterQueue'), 'Arn'] },
        },
      },
    });
    dev.serviceTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [notifyId, 'Arn'] },
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifyDeadLetterQueue'), 'Arn'] },
      },
    });
  });
});

describe('schedules', () => {
  it('run in Asia/Jakarta, one collect per enabled source with its id and interval, detect and digest', () => {
    for (const built of both()) {
      const schedules = Object.values(resourcesOf(built.serviceTemplate, 'AWS::Scheduler::Schedule'));
      const sources = built.regency.sources.filter((s) => s.enabled);
      expect(schedules).toHaveLength(sources.length + 2);
      for (const s of schedules) {
        expect(s.Properties['ScheduleExpressionTimezone']).toBe('Asia/Jakarta');
        expect(s.Properties['FlexibleTimeWindow']).toEqual({ Mode: 'OFF' });
      }
      const fns = pantauFunctions(built);
      const targetOf = (s: (typeof schedules)[number]) =>
        s.Properties['Target'] as { Arn: { 'Fn::GetAtt': [string, string] }; Input: string };
      const collect = schedules.filter((s) => targetOf(s).Arn['Fn::GetAtt'][0] === fns['collect']?.id);
      expect(collect.map((s) => JSON.parse(targetOf(s).Input).sourceId).sort()).toEqual(
        sources.map((s) => s.id).sort(),
      );
      for (const source of sources) {
        const s = collect.find((c) => JSON.parse(targetOf(c).Input).sourceId === source.id);
        expect(s?.Properties['ScheduleExpression']).toBe(`cron(0/${source.everyMinutes} * * * ? *)`);
      }
      const only = (fn: string) => schedules.filter((s) => targetOf(s).Arn['Fn::GetAtt'][0] === fns[fn]?.id);
      expect(only('detect').map((s) => s.Properties['ScheduleExpression'])).toEqual(['cron(5/15 * * * ? *)']);
      expect(only('digest').map((s) => s.Properties['ScheduleExpression'])).toEqual([
        `cron(0 ${built.regency.digest.hour} * * ? *)`,
      ]);
    }
  });

  it('retry a few times within an hour and then dead-letter, for every target', () => {
    for (const s of Object.values(resourcesOf(dev.serviceTemplate, 'AWS::Scheduler::Schedule'))) {
      const target = s.Properties['Target'] as Record<string, unknown>;
      expect(target['RetryPolicy']).toEqual({
        MaximumRetryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        MaximumEventAgeInSeconds: 3600,
      });
      expect(target['DeadLetterConfig']).toEqual({
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/^SchedulesDeadLetterQueue/), 'Arn'] },
      });
    }
  });
});

describe('HTTP API', () => {
  it('serves exactly the contract routes; every route but GET /v1/health needs the API-key authoriser', () => {
    for (const built of both()) {
      const routes = Object.values(resourcesOf(built.serviceTemplate, 'AWS::ApiGatewayV2::Route'));
      const keys = routes.map((r) => String(r.Properties['RouteKey']));
      expect(keys.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
      for (const required of [
        'GET /v1/health',
        'GET /v1/mentions',
        'GET /v1/trends',
        'GET /v1/alerts',
        'POST /v1/alerts/{id}/ack',
        'GET /v1/digests/{date}',
        'PUT /v1/mentions/{id}/label',
        'GET /v1/keywords',
        'GET /v1/openapi.json',
      ]) {
        expect(keys, 'issue 6 route list').toContain(required);
      }
      const [authorizerId] = Object.keys(resourcesOf(built.serviceTemplate, 'AWS::ApiGatewayV2::Authorizer'));
      for (const r of routes) {
        const key = r.Properties['RouteKey'];
        if (key === 'GET /v1/health') {
          expect(r.Properties['AuthorizationType'] ?? 'NONE').toBe('NONE');
        } else {
          expect(r.Properties['AuthorizationType'], String(key)).toBe('CUSTOM');
          expect(r.Properties['AuthorizerId'], String(key)).toEqual({ Ref: authorizerId });
        }
      }
    }
  });

  it('uses a REQUEST authoriser with simple responses, no identity source and no verdict cache (scopes differ per route)', () => {
    dev.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      IdentitySource: [],
      AuthorizerResultTtlInSeconds: 0,
      AuthorizerUri: Match.objectLike({
        'Fn::Join': Match.arrayWith([
          Match.arrayWith([{ 'Fn::GetAtt': [fnOf(dev, 'authorizer').id, 'Arn'] }]),
        ]),
      }),
    });
  });

  it('throttles the $default stage and writes JSON access logs', () => {
    for (const built of both()) {
      built.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: built.config.api.throttleRateLimit,
          ThrottlingBurstLimit: built.config.api.throttleBurstLimit,
        },
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
          Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
        },
      });
    }
  });

  it('allows CORS only from the dashboard origin (and has no CORS when there is no dashboard)', () => {
    const [distributionId] = Object.keys(resourcesOf(prod.serviceTemplate, 'AWS::CloudFront::Distribution'));
    prod.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] }],
        AllowHeaders: ['content-type', ...API_KEY_HEADERS],
      },
    });
    dev.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.absent(),
    });
    const origin = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] };
    expect(fnOf(prod, 'api').env['CORS_ORIGINS']).toEqual(origin);
    expect(fnOf(dev, 'api').env['CORS_ORIGINS']).toBe('');
  });
});

describe('dashboard site', () => {
  it('serves a private bucket through CloudFront with Origin Access Control and uploads config.js', () => {
    prod.serviceTemplate.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    prod.serviceTemplate.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    prod.serviceTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
    prod.serviceTemplate.resourceCountIs('Custom::CDKBucketDeployment', 1);
    const [apiId] = Object.keys(resourcesOf(prod.serviceTemplate, 'AWS::ApiGatewayV2::Api'));
    prod.serviceTemplate.hasResourceProperties('Custom::CDKBucketDeployment', {
      SourceMarkers: Match.arrayWith([
        Match.objectLike({ '<<marker:0xbaba:0>>': { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] } }),
      ]),
      DistributionPaths: ['/*'],
    });
  });

  it('is absent when disabled, and deploys no files when the dashboard folder does not exist', () => {
    dev.serviceTemplate.resourceCountIs('AWS::CloudFront::Distribution', 0);
    const noFolder = buildPantau({ stage: 'prod' }, '/nonexistent/dashboard');
    noFolder.serviceTemplate.resourceCountIs('AWS::CloudFront::Distribution', 1);
    noFolder.serviceTemplate.resourceCountIs('Custom::CDKBucketDeployment', 0);
  });
});

describe('IAM', () => {
  const hasWildcard = (s: string) => s.includes('*');
  const flatten = (v: unknown): string[] => JSON.stringify(v).match(/"[^"]*\*[^"]*"/g) ?? [];

  it('has no wildcard action or resource except Comprehend (classify) and CDK’s own BucketDeployment handler', () => {
    for (const built of both()) {
      const roles = resourcesOf(built.serviceTemplate, 'AWS::IAM::Role');
      const classifyRole = fnOf(built, 'classify').roleId;
      for (const template of [built.dataTemplate, built.serviceTemplate]) {
        for (const { roles: attached, statement } of iamStatements(template)) {
          const actions = asArray(statement.Action);
          const wildcardActions = actions.filter(hasWildcard);
          const wildcardResources = flatten(statement.Resource);
          if (wildcardActions.length === 0 && wildcardResources.length === 0) continue;
          const isComprehend =
            attached.length === 1 &&
            attached[0] === classifyRole &&
            statement.Resource === '*' &&
            wildcardActions.length === 0 &&
            actions.every((a) => (COMPREHEND_ACTIONS as readonly string[]).includes(a));
          const isCdkBucketDeployment = attached.every((r) => r.startsWith('CustomCDKBucketDeployment'));
          expect(
            isComprehend || isCdkBucketDeployment,
            `unexpected wildcard in ${JSON.stringify(statement)} on ${attached.join(',')}`,
          ).toBe(true);
          if (isCdkBucketDeployment) expect(roles[attached[0] ?? '']).toBeDefined();
        }
      }
    }
  });

  it('grants each function only what its contract needs', () => {
    const actionsOf = (name: string) => {
      const { roleId } = fnOf(prod, name);
      return new Set(
        iamStatements(prod.serviceTemplate)
          .filter((s) => s.roles.includes(roleId))
          .flatMap((s) => asArray(s.statement.Action)),
      );
    };
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];
    for (const name of ['collect', 'classify', 'detect', 'digest', 'notify', 'api']) {
      for (const a of writes) expect(actionsOf(name), `${name} ${a}`).toContain(a);
    }
    expect(actionsOf('authorizer')).toContain('dynamodb:GetItem');
    for (const a of writes) expect(actionsOf('authorizer')).not.toContain(a);
    for (const name of FUNCTION_NAMES) {
      expect(actionsOf(name).has('dynamodb:Scan'), name).toBe(false);
      expect(actionsOf(name).has('comprehend:BatchDetectSentiment'), name).toBe(name === 'classify');
      expect(actionsOf(name).has('sns:Publish'), name).toBe(name === 'detect' || name === 'digest');
      expect(actionsOf(name).has('sqs:SendMessage'), name).toBe(['collect', 'notify'].includes(name));
      expect(actionsOf(name).has('secretsmanager:GetSecretValue'), name).toBe(
        ['collect', 'notify', 'api'].includes(name),
      );
    }
  });

  it('drops the Comprehend permission and tells classify so when comprehend=off (data stays in-region)', () => {
    const inRegion = buildPantau({ stage: 'dev', comprehend: 'off' });
    const classify = pantauFunctions(inRegion)['classify'];
    expect(classify?.env['COMPREHEND_MODE']).toBe('off');
    expect(fnOf(dev, 'classify').env['COMPREHEND_MODE']).toBe('on');
    const actions = iamStatements(inRegion.serviceTemplate).flatMap((s) => asArray(s.statement.Action));
    expect(actions.filter((a) => a.startsWith('comprehend:'))).toEqual([]);
  });

  it('lets the scheduler invoke exactly its target functions (no `:*` qualifier)', () => {
    const invokes = iamStatements(dev.serviceTemplate).filter((s) =>
      asArray(s.statement.Action).includes('lambda:InvokeFunction'),
    );
    expect(invokes).toHaveLength(3);
    for (const { statement } of invokes) {
      expect(statement.Resource).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    }
  });
});

describe('alarms', () => {
  const alarms = (built: Built) =>
    Object.values(resourcesOf(built.serviceTemplate, 'AWS::CloudWatch::Alarm'));

  it('all notify the ops topic, on ALARM and on OK', () => {
    for (const built of both()) {
      for (const a of alarms(built)) {
        const [action] = a.Properties['AlarmActions'] as unknown[];
        const opsTopic = resolveImport(built.dataTemplate, action);
        expect(opsTopic, String(a.Properties['AlarmName'])).toEqual({
          Ref: expect.stringMatching(/^OpsTopic/),
        });
        expect(a.Properties['OKActions']).toEqual(a.Properties['AlarmActions']);
      }
    }
  });

  it('watch the three DLQs, queue age, errors and throttles of every function, each source and the silent pipeline', () => {
    const names = alarms(dev).map((a) => String(a.Properties['AlarmName']));
    for (const dlq of ['mentions', 'notify', 'scheduler'])
      expect(names).toContain(`pantau-dev-${dlq}-dlq-not-empty`);
    expect(names).toContain('pantau-dev-mentions-queue-stalled');
    for (const fn of FUNCTION_NAMES) {
      expect(names).toContain(`pantau-dev-${fn}-errors`);
      expect(names).toContain(`pantau-dev-${fn}-throttles`);
    }
    for (const source of dev.regency.sources.filter((s) => s.enabled)) {
      dev.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `pantau-dev-source-failing-${source.id}`,
        Namespace: 'Pantau',
        MetricName: 'SourceFailures',
        Dimensions: Match.arrayEquals([
          { Name: 'service', Value: 'pantau' },
          { Name: 'source', Value: source.id },
        ]),
        Period: source.everyMinutes * 60,
        EvaluationPeriods: dev.config.sourceFailureRuns,
      });
    }
    dev.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'pantau-dev-no-mentions-collected',
      Namespace: 'Pantau',
      Dimensions: [{ Name: 'service', Value: 'pantau' }],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      Period: 3600,
      EvaluationPeriods: dev.config.noMentionsAlarmHours,
      TreatMissingData: 'breaching',
    });
    // A refused detector state leaves its series stuck: one occurrence alarms.
    dev.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'pantau-dev-detector-state-unsaved',
      Namespace: 'Pantau',
      MetricName: 'DetectorStateUnsaved',
      Dimensions: [{ Name: 'service', Value: 'pantau' }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      Period: 3600,
    });
    // A request presenting a malformed key item's id is answered 401 (no oracle), so only this alarm shows it.
    dev.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'pantau-dev-api-key-item-malformed',
      Namespace: 'Pantau',
      MetricName: 'ApiKeyItemsMalformed',
      Dimensions: [{ Name: 'service', Value: 'pantau' }],
      Threshold: 1,
      Period: 3600,
    });
    // Comprehend throttling in three 15-minute periods in a row is sustained (classify counts it).
    dev.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'pantau-dev-comprehend-throttled',
      Namespace: 'Pantau',
      MetricName: 'ComprehendThrottled',
      Dimensions: [{ Name: 'service', Value: 'pantau' }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      Period: 900,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
  });

  it('subscribe the configured e-mail addresses to the ops topic', () => {
    prod.dataTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@majalengkakab.go.id',
      TopicArn: { Ref: Match.stringLikeRegexp('^OpsTopic') },
    });
  });

  it('fire on the first alert detect could not publish: exactly the dimension set detect emits, not notify’s', () => {
    for (const built of both()) {
      built.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `pantau-${built.config.stage}-alert-publish-failing`,
        Namespace: 'Pantau',
        MetricName: 'DeliveryFailures',
        Dimensions: [{ Name: 'service', Value: 'pantau' }],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        // One detect run per period: a run that fails alarms, and the alarm holds while every run fails.
        Period: 15 * 60,
        TreatMissingData: 'notBreaching',
      });
    }
    // detect counts a failed publish with no dimension of its own; notify adds the channel kind.
    const detect = emittedDimensions((sink) => sink.count('DeliveryFailures', 1));
    const notify = emittedDimensions((sink) => sink.count('DeliveryFailures', 1, { channel: 'telegram' }));
    expect(detect).toEqual([{ metric: 'DeliveryFailures', dimensions: ['service=pantau'] }]);
    expect(notify).toEqual([
      { metric: 'DeliveryFailures', dimensions: ['channel=telegram', 'service=pantau'] },
    ]);
  });

  it('number 7 functions × 2 + 3 DLQs + 1 per enabled source + 8 others in each stage', () => {
    for (const built of both()) {
      const sources = built.regency.sources.filter((s) => s.enabled).length;
      expect(alarms(built)).toHaveLength(FUNCTION_NAMES.length * 2 + 3 + sources + 8);
    }
  });

  it('come with a CloudWatch dashboard that graphs notify’s deliveries per channel', () => {
    dev.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'pantau-dev' });
    const [, dashboard] = onlyResource(dev.serviceTemplate, 'AWS::CloudWatch::Dashboard');
    const [, parts] = (dashboard.Properties['DashboardBody'] as { 'Fn::Join': [string, unknown[]] })[
      'Fn::Join'
    ];
    // Tokens (region, queue names, function names) only sit inside JSON strings: any text keeps it valid.
    const body = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'token')).join('')) as {
      widgets: { properties: { title?: string; metrics?: unknown[][] } }[];
    };
    const expressions = (title: RegExp) =>
      body.widgets
        .filter((w) => title.test(w.properties.title ?? ''))
        .flatMap((w) => w.properties.metrics ?? [])
        .flatMap((m) =>
          m.flatMap((x) => (typeof x === 'object' && x && 'expression' in x ? [x.expression] : [])),
        );
    expect(expressions(/per channel \(notify\)/)).toEqual(
      ['AlertsDelivered', 'DeliveryFailures'].map(
        (metric) => `SEARCH('{Pantau,channel,service} MetricName="${metric}"', 'Sum', 900)`,
      ),
    );
  });
});
