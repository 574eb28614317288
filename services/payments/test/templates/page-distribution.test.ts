/**
 * `osls package --stage prod` of payments, read as an operator would: the billing page is a private bucket that
 * only its CloudFront distribution reads, over HTTPS, with the security headers; pay links use that address.
 */
import { packagedTemplates } from '../../../../shared/test/templates/packaged';

type Resource = { Type: string; Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
let resources: Record<string, Resource>;
let outputs: Record<string, { Value: unknown }>;

beforeAll(async () => {
  const template = (await packagedTemplates('prod')).payments!;
  resources = template.Resources as Record<string, Resource>;
  outputs = template.Outputs as Record<string, { Value: unknown }>;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const pageAddress = { 'Fn::Sub': 'https://${PageDistribution.DomainName}/' };

describe('the packaged billing page (stage prod)', () => {
  it('is a private bucket with no website endpoint', () => {
    const bucket = resources.WebsiteBucket!.Properties;
    expect(bucket.WebsiteConfiguration).toBeUndefined();
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });

  it('lets only its distribution read the bucket, and nobody without TLS', () => {
    const statements = resources.WebsiteBucketPolicy!.Properties.PolicyDocument.Statement as Array<
      Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    >;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Sub':
                'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${PageDistribution}',
            },
          },
        },
      }),
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('is served by a distribution that signs with origin access control, redirects HTTP and adds the headers', () => {
    const [[, distribution]] = ofType('AWS::CloudFront::Distribution') as [[string, Resource]];
    const config = distribution.Properties.DistributionConfig;
    expect(config.Origins).toEqual([
      expect.objectContaining({
        DomainName: { 'Fn::GetAtt': ['WebsiteBucket', 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': ['PageOriginAccessControl', 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      }),
    ]);
    expect(resources.PageOriginAccessControl!.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      ResponseHeadersPolicyId: { Ref: 'PageHeadersPolicy' },
    });
  });

  it('sends a strict CSP, two years of HSTS, no framing, no referrer and nosniff', () => {
    const security =
      resources.PageHeadersPolicy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const [separator, directives] = security.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'];
    expect(separator).toBe('; ');
    expect(directives).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'none'",
      ]),
    );
    expect(JSON.stringify(directives)).not.toMatch(/unsafe-/);
    expect(security.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(security.FrameOptions.FrameOption).toBe('DENY');
    expect(security.ReferrerPolicy.ReferrerPolicy).toBe('no-referrer');
    expect(security.ContentTypeOptions).toEqual({ Override: true });
  });

  it("puts the distribution's HTTPS address in every function's pay URL, the API's CORS, an output and SSM", () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions) {
      expect(fn.Properties.Environment.Variables.PAY_PAGE_URL).toEqual(pageAddress);
      expect(fn.Properties.Environment.Variables.CORS_ORIGIN).toEqual({
        'Fn::Sub': 'https://${PageDistribution.DomainName}',
      });
    }
    expect(resources.HttpApi!.Properties.CorsConfiguration.AllowOrigins).toEqual([
      { 'Fn::Sub': 'https://${PageDistribution.DomainName}' },
    ]);
    expect(outputs.PageUrl!.Value).toEqual(pageAddress);
    expect(resources.PageUrlParameter!.Properties).toMatchObject({
      Name: '/payflow/prod/payments/page-url',
      Value: pageAddress,
    });
    expect(JSON.stringify({ resources, outputs })).not.toMatch(/s3-website|http:\/\//);
  });
});
