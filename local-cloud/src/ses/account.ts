import { AwsError } from '../protocol';

/** What GetAccount reports as SendQuota; -1 for Max24HourSend means no daily limit. */
export interface SendQuota {
  maxSendRate: number;
  max24HourSend: number;
}

/** Generous by default, so nothing is throttled unless a test or `PUT /_local/ses/quota` asks for it. */
const DEFAULT_SEND_QUOTA: SendQuota = {
  maxSendRate: Number(process.env.PAYFLOW_SES_MAX_SEND_RATE ?? 10_000),
  max24HourSend: Number(process.env.PAYFLOW_SES_MAX_24_HOUR_SEND ?? -1),
};

type SuppressionReason = 'BOUNCE' | 'COMPLAINT';

export interface SuppressedDestination {
  emailAddress: string;
  reason: SuppressionReason;
  /** Epoch milliseconds. */
  lastUpdateTime: number;
}

/**
 * The SES account state the local SES keeps beside aws-ses-v2-local: its send quota, enforced per recipient as
 * SES does (a sliding second; over it the call fails whole with `TooManyRequestsException: Maximum sending rate
 * exceeded.`), and the account-level suppression list.
 */
export class SesAccount {
  private quota: SendQuota = { ...DEFAULT_SEND_QUOTA };
  /** Admission time (ms) of every recipient accepted in the last 24 hours, oldest first. */
  private sent: number[] = [];
  private throttledCalls = 0;
  private throttledRecipients = 0;
  /** The most recipients accepted within any one second since the quota was last set. */
  private peakPerSecond = 0;
  private readonly suppressed = new Map<string, SuppressedDestination>();

  constructor(private readonly now: () => number = Date.now) {}

  setQuota(quota: Partial<SendQuota>): SendQuota {
    for (const [name, value] of Object.entries(quota)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || (value <= 0 && value !== -1)) {
        throw new AwsError('BadRequestException', `${name} must be a positive number (or -1), got ${value}`);
      }
    }
    this.quota = { ...this.quota, ...quota };
    this.throttledCalls = 0;
    this.throttledRecipients = 0;
    this.peakPerSecond = 0;
    return this.quota;
  }

  sendQuota() {
    return { ...this.quota, sentLast24Hours: this.window(24 * 60 * 60 * 1000) };
  }

  /** GET /_local/ses/quota: the quota and what it did. */
  stats() {
    return {
      ...this.sendQuota(),
      throttledCalls: this.throttledCalls,
      throttledRecipients: this.throttledRecipients,
      peakPerSecond: this.peakPerSecond,
    };
  }

  /** Admits `recipients` sends now, or throws SES's throttling error and admits none. */
  admit(recipients: number): void {
    if (recipients <= 0) return;
    const now = this.now();
    this.sent = this.sent.filter((at) => at > now - 24 * 60 * 60 * 1000);
    const lastSecond = this.window(1000);
    if (this.quota.max24HourSend !== -1 && this.sent.length + recipients > this.quota.max24HourSend) {
      this.throttle(recipients);
      throw new AwsError('LimitExceededException', 'Daily message quota exceeded.', 400);
    }
    if (lastSecond + recipients > this.quota.maxSendRate) {
      this.throttle(recipients);
      throw new AwsError('TooManyRequestsException', 'Maximum sending rate exceeded.', 429);
    }
    for (let i = 0; i < recipients; i += 1) this.sent.push(now);
    this.peakPerSecond = Math.max(this.peakPerSecond, lastSecond + recipients);
  }

  suppress(emailAddress: string, reason: string): void {
    if (reason !== 'BOUNCE' && reason !== 'COMPLAINT') {
      throw new AwsError('BadRequestException', `Reason must be BOUNCE or COMPLAINT, got "${reason}"`);
    }
    const key = emailAddress.trim().toLowerCase();
    this.suppressed.set(key, { emailAddress: key, reason, lastUpdateTime: this.now() });
  }

  unsuppress(emailAddress: string): boolean {
    return this.suppressed.delete(emailAddress.trim().toLowerCase());
  }

  suppression(emailAddress: string): SuppressedDestination | undefined {
    return this.suppressed.get(bareAddress(emailAddress).toLowerCase());
  }

  suppressions(reason?: string): SuppressedDestination[] {
    return [...this.suppressed.values()].filter((s) => !reason || s.reason === reason);
  }

  private throttle(recipients: number): void {
    this.throttledCalls += 1;
    this.throttledRecipients += recipients;
  }

  private window(ms: number): number {
    const since = this.now() - ms;
    let count = 0;
    for (let i = this.sent.length - 1; i >= 0 && this.sent[i]! > since; i -= 1) count += 1;
    return count;
  }
}

/** '"Ann" <ann@example.com>' → 'ann@example.com'. */
export function bareAddress(address: string): string {
  return (/<([^>]+)>/.exec(address)?.[1] ?? address).trim();
}
