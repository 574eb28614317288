/** What the functions read from their environment (set in serverless.yml). */
export interface NotificationConfig {
  eventBusName: string;
  sendsTable: string;
  senderEmail: string;
  /** First retry delay of a transiently failed record; doubles per receive. */
  retryBaseSeconds: number;
  /** How long a send is remembered: a redelivery or replay within it sends nothing. */
  sendRecordDays: number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new Error(`Environment variable ${name} is not set (see services/notification/serverless.yml)`);
  return value;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string): number {
  const text = required(env, name);
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`Environment variable ${name} must be a positive number, got "${text}"`);
  }
  return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  return {
    eventBusName: required(env, 'EVENT_BUS_NAME'),
    sendsTable: required(env, 'SENDS_TABLE'),
    senderEmail: required(env, 'SENDER_EMAIL'),
    retryBaseSeconds: positiveNumber(env, 'RETRY_BASE_SECONDS'),
    sendRecordDays: positiveNumber(env, 'SEND_RECORD_DAYS'),
  };
}
