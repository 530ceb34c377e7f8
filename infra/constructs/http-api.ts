import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type HttpMethod, ROUTES } from '#shared/domain/api/routes.ts';
import type { StageConfig } from '../config.ts';

/** Headers that may carry the API key (`x-api-key: <key>` or `Authorization: Bearer <key>`), allowed by CORS. */
export const API_KEY_HEADERS = ['x-api-key', 'authorization'] as const;

/** One API route; `auth: false` only for the health check. */
export interface ApiRoute {
  method: HttpMethod;
  path: string;
  auth: boolean;
}

/** The one route served without the authoriser: the liveness probe. */
export const UNAUTHENTICATED_ROUTE = 'GET /v1/health';

/**
 * Every route the api function serves, from the route table the router, the authoriser and the OpenAPI
 * document share (`shared/domain/api/routes.ts`), so a new route cannot be forgotten here. All but the health
 * check go through the authoriser, which itself lets key-less requests through where the route needs no
 * scope (`GET /v1/openapi.json`).
 */
export const API_ROUTES: readonly ApiRoute[] = ROUTES.map((r) => ({
  method: r.method,
  path: r.path,
  auth: `${r.method} ${r.path}` !== UNAUTHENTICATED_ROUTE,
}));

export interface PantauHttpApiProps {
  stage: StageConfig['stage'];
  handler: lambda.IFunction;
  authorizer: lambda.IFunction;
  settings: StageConfig['api'];
  /** The one browser origin CORS allows; no CORS configuration when undefined. */
  corsOrigin: string | undefined;
  logRetentionDays: StageConfig['logRetentionDays'];
  logRemovalPolicy: RemovalPolicy;
}

/**
 * HTTP API (API Gateway v2) in front of the api function. Every route but `GET /v1/health` goes through the
 * Lambda REQUEST authoriser (`functions/authorizer`, payload 2.0, simple responses), which reads the key from
 * either of {@link API_KEY_HEADERS} and checks the scope the route needs. Hence no identity source and no
 * verdict cache: an identity source makes API Gateway demand one fixed header, and a verdict cached per key
 * would let a key allowed on one route through on a route that needs a stronger scope (and keep revoked keys
 * alive for the TTL). The `$default` stage throttles every route and writes JSON access logs.
 */
export class PantauHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** Base URL of the API, e.g. `https://abc123.execute-api.ap-southeast-3.amazonaws.com`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: PantauHttpApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `pantau-${props.stage}`,
      description: 'Pantau read API for the dashboard and integrations',
      createDefaultStage: false,
      ...(props.corsOrigin === undefined
        ? {}
        : {
            corsPreflight: {
              allowOrigins: [props.corsOrigin],
              allowMethods: [
                ...new Set(API_ROUTES.map((r) => apigw.CorsHttpMethod[r.method])),
                apigw.CorsHttpMethod.OPTIONS,
              ],
              allowHeaders: ['content-type', ...API_KEY_HEADERS],
              maxAge: Duration.hours(1),
            },
          }),
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.settings.throttleRateLimit,
        burstLimit: props.settings.throttleBurstLimit,
      },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTimeEpoch',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });
    this.url = this.api.apiEndpoint;

    const integration = new HttpLambdaIntegration('ApiIntegration', props.handler);
    const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', props.authorizer, {
      authorizerName: 'api-key',
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    for (const route of API_ROUTES) {
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        ...(route.auth ? { authorizer } : {}),
      });
      if (!route.auth && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'GET /v1/health is the unauthenticated liveness probe for uptime monitors; it returns only a status and build version, no data.',
        });
      }
    }
  }
}
