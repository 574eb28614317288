import {
  isCurrencyCode,
  optionalSetting,
  readEnvironment,
  requiredSetting,
  settingOr,
  wholeNumberSetting,
} from '@payflow/shared';
import type { IngestSettings } from './domain/ingest-file';

/** Everything the function reads from its environment, checked once per invocation with a message that says what to fix. */
export interface IngestConfig {
  invoicesTable: string;
  filesTable: string;
  busName: string;
  functionName: string;
  /** Set for stage local only: serverless-offline's Lambda port, where the hand-over invocation goes. */
  lambdaEndpoint?: string;
  settings: IngestSettings;
}

/** The settings serverless.yml gives the function. */
const SETTINGS = {
  INVOICES_TABLE: requiredSetting(),
  FILES_TABLE: requiredSetting(),
  EVENT_BUS_NAME: requiredSetting(),
  AWS_LAMBDA_FUNCTION_NAME: requiredSetting(),
  LAMBDA_ENDPOINT: optionalSetting(),
  BILLER_MERCHANT_ID: requiredSetting(),
  DEFAULT_CURRENCY: settingOr('EUR').refine((code) => isCurrencyCode(code), {
    error: 'is not an ISO 4217 code like EUR',
  }),
  PAYMENT_TERMS_DAYS: wholeNumberSetting(14),
  HANDOFF_MARGIN_MS: wholeNumberSetting(60_000),
  MAX_ATTEMPTS: wholeNumberSetting(3, 1),
  UNIT_ROWS: wholeNumberSetting(100, 1),
  UNITS_IN_FLIGHT: wholeNumberSetting(3, 1),
};

export function readConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const settings = readEnvironment(SETTINGS, env, 'services/billing-ingest/serverless.yml');
  return {
    invoicesTable: settings.INVOICES_TABLE,
    filesTable: settings.FILES_TABLE,
    busName: settings.EVENT_BUS_NAME,
    functionName: settings.AWS_LAMBDA_FUNCTION_NAME,
    ...(settings.LAMBDA_ENDPOINT ? { lambdaEndpoint: settings.LAMBDA_ENDPOINT } : {}),
    settings: {
      billerMerchantId: settings.BILLER_MERCHANT_ID,
      defaultCurrency: settings.DEFAULT_CURRENCY,
      paymentTermsDays: settings.PAYMENT_TERMS_DAYS,
      handOffMarginMs: settings.HANDOFF_MARGIN_MS,
      maxAttempts: settings.MAX_ATTEMPTS,
      pipeline: { unitRows: settings.UNIT_ROWS, unitsInFlight: settings.UNITS_IN_FLIGHT },
    },
  };
}
