import { Logger } from '@aws-lambda-powertools/logger';
import { luhnValid } from './cards';

export const REDACTED = '[REDACTED]';

/** Keys whose values are secrets whatever they hold. */
const secretKeyPattern = /^(cvv2?|cvc2?|cid|csc|security_?code|card_?security_?code|card_?verification.*)$/i;

/** 13–19 digits, optionally grouped by single spaces or dashes, as card numbers are typed. */
const cardNumberCandidate = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;

/** Replaces every digit run that is a plausible card number (13–19 digits passing Luhn). */
export function redactCardNumbers(text: string): string {
  return text.replace(cardNumberCandidate, (candidate) => {
    const digits = candidate.replace(/[ -]/g, '');
    return luhnValid(digits) ? REDACTED : candidate;
  });
}

/** JSON replacer for every log line: a card number or CVV must never reach CloudWatch. */
export function redactSecrets(key: string, value: unknown): unknown {
  if (secretKeyPattern.test(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return redactCardNumbers(value);
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    redactCardNumbers(String(value)) !== String(value)
  ) {
    return REDACTED;
  }
  return value;
}

/** A Powertools Logger for one service: JSON lines, service name, secrets redacted. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, jsonReplacerFn: redactSecrets });
}

/** Every later log line of this invocation carries `correlation_id`, so one request can be followed across services. */
export function withCorrelationId(logger: Logger, correlationId: string): Logger {
  logger.setCorrelationId(correlationId);
  return logger;
}

export type { Logger };
