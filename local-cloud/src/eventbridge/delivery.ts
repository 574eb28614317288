/** Asynchronous, retried delivery: failures are logged with rule and target, never thrown at the PutEvents caller. */
import type { Delivery, TargetSender } from './targets';

export interface RetryPolicy {
  /** Delays before each retry; the number of entries is the number of retries. */
  delaysMs: number[];
}

export const DEFAULT_RETRY: RetryPolicy = { delaysMs: [100, 400, 1600] };

export class DeliveryQueue {
  private readonly pending = new Set<Promise<void>>();
  readonly failures: Array<{ ruleArn: string; targetId: string; error: string }> = [];

  constructor(
    private readonly sender: TargetSender,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  enqueue(delivery: Delivery, ruleArn: string): void {
    const run = this.deliver(delivery, ruleArn).finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Resolves when every delivery queued so far (and any they caused, e.g. bus to bus) has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async deliver(delivery: Delivery, ruleArn: string): Promise<void> {
    // Let PutEvents answer first, as on AWS.
    await new Promise((resolve) => setImmediate(resolve));
    for (let attempt = 0; ; attempt++) {
      try {
        await this.sender.send(delivery);
        return;
      } catch (error) {
        const delay = this.retry.delaysMs[attempt];
        if (delay === undefined) {
          const message = error instanceof Error ? error.message : String(error);
          this.failures.push({ ruleArn, targetId: delivery.target.Id, error: message });
          console.error(
            `[local-cloud] events: delivery of event ${delivery.event.id} by rule ${ruleArn} to target ` +
              `${delivery.target.Id} (${delivery.target.Arn}) failed after ${attempt + 1} attempts: ${message}`,
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
