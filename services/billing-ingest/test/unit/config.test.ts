import { readConfig } from '../../src/config';

const env = {
  INVOICES_TABLE: 'payflow-invoices-local',
  FILES_TABLE: 'payflow-billing-ingest-local-files',
  EVENT_BUS_NAME: 'payflow-local',
  AWS_LAMBDA_FUNCTION_NAME: 'payflow-billing-ingest-local-ingestBillsFile',
  BILLER_MERCHANT_ID: 'tea-shop',
};

describe('readConfig', () => {
  it('reads every setting, with the defaults for those serverless.yml may leave out or leave empty', () => {
    const expected = {
      invoicesTable: 'payflow-invoices-local',
      filesTable: 'payflow-billing-ingest-local-files',
      busName: 'payflow-local',
      functionName: 'payflow-billing-ingest-local-ingestBillsFile',
      settings: {
        billerMerchantId: 'tea-shop',
        defaultCurrency: 'EUR',
        paymentTermsDays: 14,
        handOffMarginMs: 60_000,
        maxAttempts: 3,
        pipeline: { unitRows: 100, unitsInFlight: 3 },
      },
    };
    expect(readConfig(env)).toEqual(expected);
    expect(readConfig({ ...env, DEFAULT_CURRENCY: '', UNIT_ROWS: '', LAMBDA_ENDPOINT: '' })).toEqual(
      expected,
    );
    expect(
      readConfig({
        ...env,
        LAMBDA_ENDPOINT: 'http://localhost:3002',
        DEFAULT_CURRENCY: 'GBP',
        PAYMENT_TERMS_DAYS: '0',
        HANDOFF_MARGIN_MS: '5000',
        MAX_ATTEMPTS: '5',
        UNIT_ROWS: '25',
        UNITS_IN_FLIGHT: '1',
      }),
    ).toEqual({
      ...expected,
      lambdaEndpoint: 'http://localhost:3002',
      settings: {
        billerMerchantId: 'tea-shop',
        defaultCurrency: 'GBP',
        paymentTermsDays: 0,
        handOffMarginMs: 5000,
        maxAttempts: 5,
        pipeline: { unitRows: 25, unitsInFlight: 1 },
      },
    });
  });

  it('names what is missing or wrong', () => {
    expect(() => readConfig({ ...env, BILLER_MERCHANT_ID: '' })).toThrow(
      'Environment variable BILLER_MERCHANT_ID is not set (see services/billing-ingest/serverless.yml)',
    );
    expect(() => readConfig({ ...env, FILES_TABLE: '' })).toThrow(
      'Environment variable FILES_TABLE is not set (see services/billing-ingest/serverless.yml)',
    );
    expect(() => readConfig({ ...env, DEFAULT_CURRENCY: 'euro' })).toThrow(
      'Environment variable DEFAULT_CURRENCY is not an ISO 4217 code like EUR, got "euro"',
    );
    expect(() => readConfig({ ...env, MAX_ATTEMPTS: '0' })).toThrow(
      'Environment variable MAX_ATTEMPTS must be a whole number of at least 1, got "0"',
    );
  });
});
