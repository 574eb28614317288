/**
 * The kinds of refusal a service's domain raises, without knowing HTTP. The HTTP stack maps each kind to one
 * problem+json status (DOMAIN_ERROR_STATUS), in one place.
 */
export const domainErrorKinds = [
  /** The thing named does not exist (or the caller may not know it does). */
  'NotFound',
  /** It exists but cannot take this now: already paid, settled by the biller, in progress. */
  'NotPayable',
  /** It is over for good: an expired, declined or closed session. */
  'Closed',
  /** The request breaks a rule of the domain: wrong currency, more than is due. */
  'Invalid',
  /** Someone else is changing it at this moment; the same request later will do. */
  'Busy',
  /** A provider the domain depends on did not answer; the work is on hold and will be finished. */
  'ProviderUnavailable',
] as const;
export type DomainErrorKind = (typeof domainErrorKinds)[number];

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** The one map from domain error kinds to HTTP statuses. */
export const DOMAIN_ERROR_STATUS: Readonly<Record<DomainErrorKind, number>> = {
  NotFound: 404,
  NotPayable: 409,
  Closed: 410,
  Invalid: 422,
  Busy: 409,
  ProviderUnavailable: 502,
};
