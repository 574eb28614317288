import { positiveNumberSetting, readEnvironment, requiredSetting } from '@payflow/shared';

/** What the functions read from their environment (set in serverless.yml). */
export interface NotificationConfig {
  eventBusName: string;
  sendsTable: string;
  /** Notification's copy of customers' stored channels (from payments' CustomerRegistered / CustomerUpdated). */
  customersTable: string;
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
  /** How long the reminders wait, queued, once their share of the SES daily quota is spent. */
  dailyQuotaRetrySeconds: number;
  /** The account's SNS SMS rate (messages a second): reminder SMS are paced to its share, as e-mails to SES's. */
  smsMaxSendRate: number;
  /** The billing page, where a reminder's pay link leads. */
  payPageUrl: string;
}

/** The settings serverless.yml gives every function. */
const SETTINGS = {
  EVENT_BUS_NAME: requiredSetting(),
  SENDS_TABLE: requiredSetting(),
  CUSTOMERS_TABLE: requiredSetting(),
  SENDER_EMAIL: requiredSetting(),
  RETRY_BASE_SECONDS: positiveNumberSetting(),
  SEND_RECORD_DAYS: positiveNumberSetting(),
  TRANSACTIONAL_SHARE: positiveNumberSetting(0.05, 1),
  REMINDER_WORKERS: positiveNumberSetting(1),
  QUOTA_REFRESH_SECONDS: positiveNumberSetting(60),
  // A visibility timeout: SQS takes at most 12 hours.
  DAILY_QUOTA_RETRY_SECONDS: positiveNumberSetting(21_600, 43_201),
  // SNS's default for an account: 20 SMS a second.
  SMS_MAX_SEND_RATE: positiveNumberSetting(20),
  PAY_PAGE_URL: requiredSetting(),
};

export function readConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  const settings = readEnvironment(SETTINGS, env, 'services/notification/serverless.yml');
  return {
    eventBusName: settings.EVENT_BUS_NAME,
    sendsTable: settings.SENDS_TABLE,
    customersTable: settings.CUSTOMERS_TABLE,
    senderEmail: settings.SENDER_EMAIL,
    retryBaseSeconds: settings.RETRY_BASE_SECONDS,
    sendRecordDays: settings.SEND_RECORD_DAYS,
    transactionalShare: settings.TRANSACTIONAL_SHARE,
    reminderWorkers: settings.REMINDER_WORKERS,
    quotaRefreshSeconds: settings.QUOTA_REFRESH_SECONDS,
    dailyQuotaRetrySeconds: settings.DAILY_QUOTA_RETRY_SECONDS,
    smsMaxSendRate: settings.SMS_MAX_SEND_RATE,
    payPageUrl: settings.PAY_PAGE_URL,
  };
}
