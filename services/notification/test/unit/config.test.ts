import { readConfig } from '../../src/config';

const env = {
  EVENT_BUS_NAME: 'payflow-local',
  SENDS_TABLE: 'payflow-notification-local-sends',
  CUSTOMERS_TABLE: 'payflow-notification-local-customers',
  SENDER_EMAIL: 'billing@payflow.example',
  RETRY_BASE_SECONDS: '10',
  SEND_RECORD_DAYS: '7',
  PAY_PAGE_URL: 'http://localhost:3000/',
};

describe('readConfig', () => {
  it('reads every setting, with the defaults for those serverless.yml may leave out', () => {
    expect(readConfig(env)).toEqual({
      eventBusName: 'payflow-local',
      sendsTable: 'payflow-notification-local-sends',
      customersTable: 'payflow-notification-local-customers',
      senderEmail: 'billing@payflow.example',
      retryBaseSeconds: 10,
      sendRecordDays: 7,
      transactionalShare: 0.05,
      reminderWorkers: 1,
      quotaRefreshSeconds: 60,
      dailyQuotaRetrySeconds: 21_600,
      smsMaxSendRate: 20,
      payPageUrl: 'http://localhost:3000/',
    });
    expect(
      readConfig({ ...env, TRANSACTIONAL_SHARE: '0.2', REMINDER_WORKERS: '4', QUOTA_REFRESH_SECONDS: '30' }),
    ).toMatchObject({ transactionalShare: 0.2, reminderWorkers: 4, quotaRefreshSeconds: 30 });
  });

  it('names a missing setting and where it is set', () => {
    expect(() => readConfig({ ...env, SENDS_TABLE: undefined })).toThrow(
      'Environment variable SENDS_TABLE is not set (see services/notification/serverless.yml)',
    );
  });

  it('refuses a share of the send rate of all of it or more, and a number that is not one', () => {
    expect(() => readConfig({ ...env, TRANSACTIONAL_SHARE: '1' })).toThrow(
      'Environment variable TRANSACTIONAL_SHARE must be above 0 and below 1, got "1"',
    );
    // A visibility timeout: SQS takes at most 12 hours.
    expect(() => readConfig({ ...env, DAILY_QUOTA_RETRY_SECONDS: '86400' })).toThrow(
      'Environment variable DAILY_QUOTA_RETRY_SECONDS must be above 0 and below 43201, got "86400"',
    );
    expect(() => readConfig({ ...env, RETRY_BASE_SECONDS: 'ten' })).toThrow(
      'Environment variable RETRY_BASE_SECONDS must be a positive number, got "ten"',
    );
  });
});
