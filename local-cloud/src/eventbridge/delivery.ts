/**
 * Asynchronous delivery to rule targets as EventBridge does it: a failure EventBridge retries (throttling, a
 * refused connection, a server error) is retried with exponential back-off until the target's RetryPolicy runs out
 * (MaximumRetryAttempts, default 185; MaximumEventAgeInSeconds, default 24 hours); one it does not retry (the target
 * does not exist, no permission, a request the target refuses) ends at once. Either way the event then goes to the
 * target's DeadLetterConfig queue with AWS's attributes, or is dropped and logged. Never thrown at PutEvents.
 */
import type { Delivery, TargetSender } from './targets';

/** How long to wait between attempts: the first retry after firstDelayMs, doubling up to maxDelayMs. */
export interface RetryTiming {
  firstDelayMs: number;
  maxDelayMs: number;
}

/** AWS backs off exponentially with jitter; PAYFLOW_EVENTS_RETRY_DELAY_MS shortens the unit (default 1 s). */
export function defaultRetryTiming(): RetryTiming {
  const first = Number(process.env.PAYFLOW_EVENTS_RETRY_DELAY_MS ?? 1000);
  return { firstDelayMs: first, maxDelayMs: first * 300 };
}

const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185;
const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;

/** Why a delivery failed, as the DLQ's ERROR_CODE names it, and whether EventBridge tries again. */
export interface FailureKind {
  code: string;
  retriable: boolean;
}

export interface FailedDelivery {
  ruleArn: string;
  targetId: string;
  error: string;
  errorCode: string;
  attempts: number;
  sentToDeadLetterQueue: boolean;
}

/** What became of one event at one target (read by the local console; the newest 5000 are kept). */
export interface DeliveryOutcome {
  eventId: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  status: 'pending' | 'delivered' | 'retrying' | 'failed';
  attempts: number;
  error?: string;
  errorCode?: string;
  deadLetterQueueArn?: string;
  at: string;
}

export class DeliveryQueue {
  private readonly pending = new Set<Promise<void>>();
  private readonly waits = new Set<() => void>();
  private closed = false;
  readonly failures: FailedDelivery[] = [];
  readonly outcomes: DeliveryOutcome[] = [];

  constructor(
    private readonly sender: TargetSender,
    private readonly timing: RetryTiming = defaultRetryTiming(),
  ) {}

  enqueue(delivery: Delivery, ruleArn: string): void {
    const run = this.deliver(delivery, ruleArn, Date.now()).finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Resolves when every delivery queued so far (and any they caused, e.g. bus to bus) has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops waiting retries (their events are dropped, as they would be lost on a restart anyway). */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waits]) wake();
    await this.idle();
  }

  private async deliver(delivery: Delivery, ruleArn: string, ingestedAt: number): Promise<void> {
    // Let PutEvents answer first, as on AWS.
    await new Promise((resolve) => setImmediate(resolve));
    const policy = delivery.target.RetryPolicy ?? {};
    const maxRetries = policy.MaximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
    const maxAgeMs = (policy.MaximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000;
    const outcome = this.recordOutcome(delivery, ruleArn);
    for (let retries = 0; ; retries++) {
      let error: unknown;
      try {
        outcome.attempts = retries + 1;
        await this.sender.send(delivery);
        Object.assign(outcome, { status: 'delivered', at: new Date().toISOString() });
        return;
      } catch (caught) {
        error = caught;
      }
      const kind = failureKind(error);
      let exhausted: string | undefined;
      const delay = Math.min(this.timing.firstDelayMs * 2 ** retries, this.timing.maxDelayMs);
      if (kind.retriable) {
        if (retries >= maxRetries) exhausted = 'MaximumRetryAttempts';
        else if (Date.now() + delay - ingestedAt > maxAgeMs) exhausted = 'MaximumEventAgeInSeconds';
      }
      Object.assign(outcome, {
        status: 'retrying',
        error: error instanceof Error ? error.message : String(error),
        errorCode: kind.code,
      });
      if (!kind.retriable || exhausted || this.closed) {
        const sent = await this.fail(delivery, ruleArn, error, kind, retries, exhausted);
        Object.assign(outcome, { status: 'failed', at: new Date().toISOString() });
        if (sent) outcome.deadLetterQueueArn = delivery.target.DeadLetterConfig?.Arn;
        return;
      }
      await this.sleep(delay);
    }
  }

  private async fail(
    delivery: Delivery,
    ruleArn: string,
    error: unknown,
    kind: FailureKind,
    retries: number,
    exhausted: string | undefined,
  ): Promise<boolean> {
    const message = error instanceof Error ? error.message : String(error);
    const { target, event } = delivery;
    const deadLetterArn = target.DeadLetterConfig?.Arn;
    let sentToDeadLetterQueue = false;
    if (deadLetterArn) {
      try {
        await this.sender.sendToDeadLetterQueue(deadLetterArn, JSON.stringify(event), {
          RULE_ARN: ruleArn,
          TARGET_ARN: target.Arn,
          ERROR_CODE: kind.code,
          ERROR_MESSAGE: message,
          RETRY_ATTEMPTS: String(retries),
          ...(exhausted ? { EXHAUSTED_RETRY_CONDITION: exhausted } : {}),
        });
        sentToDeadLetterQueue = true;
      } catch (dlqError) {
        console.error(
          `[local-cloud] events: event ${event.id} could not be sent to dead-letter queue ${deadLetterArn}: ` +
            (dlqError instanceof Error ? dlqError.message : String(dlqError)),
        );
      }
    }
    this.failures.push({
      ruleArn,
      targetId: target.Id,
      error: message,
      errorCode: kind.code,
      attempts: retries + 1,
      sentToDeadLetterQueue,
    });
    console.error(
      `[local-cloud] events: delivery of event ${event.id} by rule ${ruleArn} to target ${target.Id} ` +
        `(${target.Arn}) failed after ${retries + 1} attempt${retries === 0 ? '' : 's'} (${kind.code}): ${message}` +
        (sentToDeadLetterQueue ? `; sent to ${deadLetterArn}` : '; event dropped'),
    );
    return sentToDeadLetterQueue;
  }

  private recordOutcome(delivery: Delivery, ruleArn: string): DeliveryOutcome {
    const outcome: DeliveryOutcome = {
      eventId: delivery.event.id,
      ruleArn,
      targetId: delivery.target.Id,
      targetArn: delivery.target.Arn,
      status: 'pending',
      attempts: 0,
      at: new Date().toISOString(),
    };
    this.outcomes.push(outcome);
    if (this.outcomes.length > 5000) this.outcomes.splice(0, 1000);
    return outcome;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waits.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waits.add(wake);
    });
  }
}

const NO_RESOURCE = new Set([
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'ResourceNotFoundException',
  'StateMachineDoesNotExist',
  'NotFound',
  'NotFoundException',
]);
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'RequestThrottled',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** Sorts a target's error into EventBridge's DLQ error codes; only transient failures are retried. */
function failureKind(error: unknown): FailureKind {
  const e = (error ?? {}) as {
    name?: string;
    code?: string;
    status?: number;
    $metadata?: { httpStatusCode?: number };
    cause?: { code?: string };
  };
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode ?? e.status;
  if (NO_RESOURCE.has(name) || NO_RESOURCE.has(e.code ?? ''))
    return { code: 'NO_RESOURCE', retriable: false };
  if (/AccessDenied|NotAuthorized|Forbidden/.test(name) || status === 403) {
    return { code: 'NO_PERMISSIONS', retriable: false };
  }
  if (THROTTLING.has(name) || status === 429) return { code: 'THROTTLING', retriable: true };
  if (CONNECTION_ERRORS.has(e.code ?? '') || CONNECTION_ERRORS.has(e.cause?.code ?? '')) {
    return { code: 'CONNECTION_FAILURE', retriable: true };
  }
  if (name === 'TimeoutError' || e.code === 'ETIMEDOUT') return { code: 'TIMEOUT', retriable: true };
  if (status !== undefined && status >= 400 && status < 500)
    return { code: 'INVALID_PARAMETER', retriable: false };
  if (status !== undefined && status >= 500) return { code: 'INTERNAL_ERROR', retriable: true };
  return { code: 'UNKNOWN', retriable: true };
}
