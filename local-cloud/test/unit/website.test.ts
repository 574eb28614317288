import { responseHeaders } from '../../src/website';

describe("the local site's response headers", () => {
  it('are the headers CloudFront adds for a response headers policy', () => {
    expect(
      responseHeaders({
        SecurityHeadersConfig: {
          ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'" },
          StrictTransportSecurity: {
            AccessControlMaxAgeSec: 63072000,
            IncludeSubdomains: true,
            Preload: true,
          },
          FrameOptions: { FrameOption: 'DENY' },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer' },
          ContentTypeOptions: {},
          XSSProtection: { Protection: true, ModeBlock: true },
        },
        CustomHeadersConfig: { Items: [{ Header: 'Permissions-Policy', Value: 'camera=()' }] },
      }),
    ).toEqual({
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-xss-protection': '1; mode=block',
      'permissions-policy': 'camera=()',
    });
  });

  it('leave out what the policy leaves out (HSTS without subdomains or preload, no CSP)', () => {
    expect(
      responseHeaders({
        SecurityHeadersConfig: { StrictTransportSecurity: { AccessControlMaxAgeSec: 600 } },
      }),
    ).toEqual({ 'strict-transport-security': 'max-age=600' });
  });

  it('refuse a part of the policy the local site cannot add, rather than serve less than AWS', () => {
    expect(() =>
      responseHeaders({
        CorsConfig: { AccessControlAllowCredentials: false },
      } as Parameters<typeof responseHeaders>[0]),
    ).toThrow('the local site cannot add CorsConfig of a response headers policy');
  });
});
