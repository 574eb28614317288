import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
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

/** A Powertools Logger for one service: JSON lines, service name, secrets redacted; finds correlation ids by path. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, jsonReplacerFn: redactSecrets, correlationIdSearchFn: search });
}

/** The header a caller sends to follow its request across services. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** Where an invocation carries its correlation id: JMESPath, as Powertools' `correlationIdPath` reads it. */
export const correlationPaths = {
  /**
   * The x-correlation-id header as httpHandler leaves it: the caller's when usable, else this invocation's request id
   * (API Gateway's requestContext.requestId would do on AWS, but serverless-offline sends one constant for it).
   */
  HTTP_REQUEST: `headers."${CORRELATION_HEADER}"`,
  /** A Payflow event an EventBridge rule delivers to the function: the correlationId of its detail. */
  EVENT: 'detail.correlationId',
  /** A Step Functions task whose input carries the correlationId at its top. */
  TASK_INPUT: 'correlationId',
} as const;

/**
 * Powertools' logger middleware: every line carries the Lambda context and the correlation id found at
 * `correlationIdPath`; both are dropped when the invocation ends, so a warm container never logs the last one's id.
 */
export function logInvocation(logger: Logger, correlationIdPath?: string) {
  return injectLambdaContext(logger, {
    resetKeys: true,
    ...(correlationIdPath ? { correlationIdPath } : {}),
  });
}

/**
 * For ids not at one path of the invocation (each record of an SQS batch, each file of an S3 event): later lines
 * of this logger carry `correlation_id`.
 */
export function withCorrelationId(logger: Logger, correlationId: string): Logger {
  logger.setCorrelationId(correlationId);
  return logger;
}

export type { Logger };
