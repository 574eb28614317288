/** What the functions read from their environment (set in serverless.yml). */
export interface NotificationConfig {
  eventBusName: string;
  sendsTable: string;
  senderEmail: string;
  /** First retry delay of a transiently failed record; doubles per receive. */
  retryBaseSeconds: number;
  /** How long a send is remembered: a redelivery or replay within it sends nothing. */
  sendRecordDays: number;
  /** Share of the SES maximum send rate the reminders lane leaves for the transactional lane (0.05 = 5 %). */
  transactionalShare: number;
  /** How many reminders workers run at once (the function's reserved concurrency): each paces to its part. */
  reminderWorkers: number;
  /** How often the SES send quota (GetAccount) is read again. */
  quotaRefreshSeconds: number;
  /** The billing page, where a reminder's pay link leads. */
  payPageUrl: string;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new Error(`Environment variable ${name} is not set (see services/notification/serverless.yml)`);
  return value;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback?: number): number {
  if (fallback !== undefined && !env[name]) return fallback;
  const text = required(env, name);
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`Environment variable ${name} must be a positive number, got "${text}"`);
  }
  return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  const transactionalShare = positiveNumber(env, 'TRANSACTIONAL_SHARE', 0.05);
  if (transactionalShare >= 1)
    throw new Error(`Environment variable TRANSACTIONAL_SHARE must be below 1, got ${transactionalShare}`);
  return {
    eventBusName: required(env, 'EVENT_BUS_NAME'),
    sendsTable: required(env, 'SENDS_TABLE'),
    senderEmail: required(env, 'SENDER_EMAIL'),
    retryBaseSeconds: positiveNumber(env, 'RETRY_BASE_SECONDS'),
    sendRecordDays: positiveNumber(env, 'SEND_RECORD_DAYS'),
    transactionalShare,
    reminderWorkers: positiveNumber(env, 'REMINDER_WORKERS', 1),
    quotaRefreshSeconds: positiveNumber(env, 'QUOTA_REFRESH_SECONDS', 60),
    payPageUrl: required(env, 'PAY_PAGE_URL'),
  };
}
