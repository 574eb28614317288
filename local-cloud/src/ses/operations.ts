import { queryParams, type AwsRequest } from '../protocol';

/** SES v2 REST routes (the ones aws-ses-v2-local serves, plus the common ones it does not). */
const V2_ROUTES: Array<[method: string, path: RegExp, operation: string]> = [
  ['POST', /^\/v2\/email\/outbound-emails$/, 'SendEmail'],
  ['POST', /^\/v2\/email\/outbound-bulk-emails$/, 'SendBulkEmail'],
  ['POST', /^\/v2\/email\/templates$/, 'CreateEmailTemplate'],
  ['GET', /^\/v2\/email\/templates$/, 'ListEmailTemplates'],
  ['POST', /^\/v2\/email\/templates\/[^/]+\/render$/, 'TestRenderEmailTemplate'],
  ['GET', /^\/v2\/email\/templates\/[^/]+$/, 'GetEmailTemplate'],
  ['PUT', /^\/v2\/email\/templates\/[^/]+$/, 'UpdateEmailTemplate'],
  ['DELETE', /^\/v2\/email\/templates\/[^/]+$/, 'DeleteEmailTemplate'],
  ['GET', /^\/v2\/email\/account$/, 'GetAccount'],
  ['PUT', /^\/v2\/email\/suppression\/addresses$/, 'PutSuppressedDestination'],
  ['GET', /^\/v2\/email\/suppression\/addresses$/, 'ListSuppressedDestinations'],
  ['GET', /^\/v2\/email\/suppression\/addresses\/[^/]+$/, 'GetSuppressedDestination'],
  ['DELETE', /^\/v2\/email\/suppression\/addresses\/[^/]+$/, 'DeleteSuppressedDestination'],
  ['POST', /^\/v2\/email\/identities$/, 'CreateEmailIdentity'],
  ['GET', /^\/v2\/email\/identities$/, 'ListEmailIdentities'],
  ['GET', /^\/v2\/email\/identities\/[^/]+$/, 'GetEmailIdentity'],
  ['DELETE', /^\/v2\/email\/identities\/[^/]+$/, 'DeleteEmailIdentity'],
];

export type SesProtocol = 'v2-rest-json' | 'v1-query';

export function sesProtocol(req: AwsRequest): SesProtocol {
  return req.path.startsWith('/v2/') ? 'v2-rest-json' : 'v1-query';
}

/** 'SendEmail' for both `POST /v2/email/outbound-emails` and v1 `Action=SendEmail`. */
export function sesOperation(req: AwsRequest): string {
  if (sesProtocol(req) === 'v1-query') return queryParams(req).get('Action') ?? 'UnknownOperation';
  const route = V2_ROUTES.find(([method, path]) => method === req.method && path.test(req.path));
  return route ? route[2] : `${req.method} ${req.path}`;
}
