import { existsSync } from 'node:fs';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface DashboardSiteProps {
  /** Folder of static dashboard files; nothing is uploaded when it does not exist. */
  sourceDir: string;
  /** Keep the bucket when the stack is deleted (prod). */
  retain: boolean;
}

/**
 * The script the dashboard loads first to learn where the API is (`dashboard/index.html`); the deployment
 * replaces the repository's same-origin default with `window.PANTAU_CONFIG = { apiBaseUrl, … }`.
 */
export const DASHBOARD_CONFIG_FILE = 'config.js';

/**
 * The dashboard: a private S3 bucket served by CloudFront through Origin Access Control (no public bucket,
 * no OAI). Files are uploaded from `sourceDir` only when it exists, so the stack deploys before the dashboard
 * is written; {@link DashboardSite.deployConfig} writes `config.js` next to them.
 */
export class DashboardSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<id>.cloudfront.net`, the origin the API's CORS allows. */
  readonly origin: string;
  readonly hasContent: boolean;
  readonly #sourceDir: string;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    this.#sourceDir = props.sourceDir;
    this.hasContent = existsSync(props.sourceDir);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !props.retain,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only the public static dashboard build, replaced on every deploy; reads are served through CloudFront and data access is logged by the API access logs, so S3 server access logs would record nothing of value.',
    });

    // aws-cdk-lib's Bucket declares `isWebsite` in a way `exactOptionalPropertyTypes` rejects as an IBucket.
    const bucketRef = this.bucket as unknown as s3.IBucket;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Pantau dashboard',
      defaultRootObject: 'index.html',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(bucketRef),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;
    const acknowledge = (ruleId: string, reason: string) =>
      Validations.of(this.distribution).acknowledge({ id: `AwsSolutions-${ruleId}`, reason });
    acknowledge(
      'CFR1',
      'The dashboard is for regency staff who travel; the data behind it is protected by API keys, not by geography.',
    );
    acknowledge(
      'CFR2',
      'Static files only; every data request goes to the API, which is throttled and key-authorised. A WAF web ACL (about USD 5+/month) is an option in docs/deploy.md.',
    );
    acknowledge(
      'CFR3',
      'Standard logging needs an ACL-enabled log bucket; the static files carry no data and API access is logged at API Gateway.',
    );
    acknowledge(
      'CFR4',
      'The dashboard is served on the default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1; raising it needs a custom domain with an ACM certificate in us-east-1 (docs/deploy.md, "Custom domain").',
    );
  }

  /**
   * Upload `sourceDir` plus {@link DASHBOARD_CONFIG_FILE} with `config`, invalidating CloudFront's cache.
   * No-op when `sourceDir` does not exist.
   */
  deployConfig(config: Record<string, string>): void {
    if (!this.hasContent) return;
    new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [
        s3deploy.Source.asset(this.#sourceDir),
        s3deploy.Source.jsonData(DASHBOARD_CONFIG_FILE, config),
      ],
      destinationBucket: this.bucket as unknown as s3.IBucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    acknowledgeCdkHandlers(Stack.of(this), this.bucket);
  }
}

/**
 * `BucketDeployment` runs a Lambda handler that aws-cdk-lib adds once per stack (outside this construct), with
 * a role and runtime CDK chooses. Acknowledge its findings on that handler only, each by exact finding id.
 */
function acknowledgeCdkHandlers(stack: Stack, bucket: s3.Bucket): void {
  const bucketLogicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  const assetBucket = `cdk-hnb659fds-assets-${stack.account}-${stack.region}`;
  const reason = (what: string) =>
    `CDK BucketDeployment handler (aws-cdk-lib), runs only during deployments to copy the dashboard files: ${what}`;
  const findings: [string, string][] = [
    [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason('CDK attaches the basic execution policy to write its own logs'),
    ],
    [
      'AwsSolutions-L1',
      reason('its Python runtime is pinned by aws-cdk-lib together with its bundled AWS CLI layer'),
    ],
    [
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      reason('reads the dashboard asset from the CDK asset bucket'),
    ],
    ['AwsSolutions-IAM5[Action::s3:GetBucket*]', reason('reads the asset and dashboard buckets')],
    ['AwsSolutions-IAM5[Action::s3:List*]', reason('lists the dashboard bucket to sync it')],
    ['AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason('prunes files removed from the dashboard build')],
    [
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      reason('aborts failed multipart uploads to the dashboard bucket'),
    ],
    [
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetBucket}/*]`,
      reason('objects of the CDK asset bucket'),
    ],
    [
      `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
      reason('objects of the dashboard bucket only'),
    ],
    [
      'AwsSolutions-IAM5[Resource::*]',
      reason(
        'cloudfront:CreateInvalidation/GetInvalidation, which CDK grants on "*" to invalidate the cache',
      ),
    ],
  ];
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    for (const [id, why] of findings) Validations.of(child).acknowledge({ id, reason: why });
  }
}
