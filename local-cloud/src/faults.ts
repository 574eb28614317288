import { AwsError } from './protocol';

export interface FaultRule {
  /** SigV4 signing name: 'ses', 'sns', 'sqs', 'events', 'states', 'dynamodb', 's3'. */
  service: string;
  /** Operation name as AWS names it, e.g. 'SendEmail', 'Publish'. */
  operation: string;
  /** The AWS error code to answer with, e.g. 'Throttling', 'TooManyRequestsException'; none with `delayMs` alone. */
  error?: string;
  /**
   * Latency: the call waits this long before it is answered (with `error`, or else served as usual), so a test
   * can hold a request at one step while others run, as a slow network or a busy table would.
   */
  delayMs?: number;
  /** How many of the next calls fail. */
  count: number;
  status: number;
  message: string;
  /**
   * Only requests whose body contains this text fail (e.g. one recipient), so parallel tests don't collide; a list
   * means every text must be there (e.g. a payment id and the status a step writes).
   */
  match?: string | string[];
}

/** The fault switch behind POST /_local/faults: the next N calls of an operation fail with a named error, or wait. */
export class Faults {
  private rules: FaultRule[] = [];

  add(input: Partial<FaultRule>): FaultRule {
    const delayMs = input.delayMs;
    if (delayMs !== undefined && !(Number.isInteger(delayMs) && delayMs > 0 && delayMs <= 60_000)) {
      throw new Error('delayMs must be a whole number of milliseconds from 1 to 60000');
    }
    if (!input.service || !input.operation || (!input.error && delayMs === undefined)) {
      throw new Error(
        'A fault needs service, operation and error (or delayMs), e.g. {"service":"ses","operation":"SendEmail","error":"TooManyRequestsException","count":2}',
      );
    }
    const error = input.error;
    const rule: FaultRule = {
      service: input.service,
      operation: input.operation,
      count: input.count ?? 1,
      status: input.status ?? (error && /thrott|toomany/i.test(error) ? 429 : 400),
      message: input.message ?? `Injected fault: ${error ?? `${delayMs} ms delay`}`,
      ...(error ? { error } : {}),
      ...(delayMs !== undefined ? { delayMs } : {}),
      ...(input.match ? { match: input.match } : {}),
    };
    this.rules.push(rule);
    return rule;
  }

  /** The fault for this call, if one is set: how long it waits, and the error it then answers (if any). */
  take(service: string, operation: string, body = ''): { delayMs: number; error?: AwsError } | undefined {
    const rule = this.rules.find(
      (r) =>
        r.service === service &&
        r.operation === operation &&
        r.count > 0 &&
        (!r.match || [r.match].flat().every((text) => mentions(body, text))),
    );
    if (!rule) return undefined;
    rule.count -= 1;
    if (rule.count === 0) this.rules = this.rules.filter((r) => r !== rule);
    return {
      delayMs: rule.delayMs ?? 0,
      ...(rule.error ? { error: new AwsError(rule.error, rule.message, rule.status) } : {}),
    };
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }
}

/** JSON bodies carry the text as it is; query-protocol bodies form-encode it. */
function mentions(body: string, text: string): boolean {
  if (body.includes(text)) return true;
  try {
    return decodeURIComponent(body.replace(/\+/g, ' ')).includes(text);
  } catch {
    return false;
  }
}
