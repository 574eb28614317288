import { isCurrencyCode } from '@payflow/shared';
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

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set (serverless.yml sets it)`);
  return value;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum = 0): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(
      `Environment variable ${name} must be a whole number of at least ${minimum}, got "${text}"`,
    );
  }
  return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const defaultCurrency = env.DEFAULT_CURRENCY || 'EUR';
  if (!isCurrencyCode(defaultCurrency)) {
    throw new Error(`DEFAULT_CURRENCY "${defaultCurrency}" is not an ISO 4217 code like EUR`);
  }
  return {
    invoicesTable: required(env, 'INVOICES_TABLE'),
    filesTable: required(env, 'FILES_TABLE'),
    busName: required(env, 'EVENT_BUS_NAME'),
    functionName: required(env, 'AWS_LAMBDA_FUNCTION_NAME'),
    ...(env.LAMBDA_ENDPOINT ? { lambdaEndpoint: env.LAMBDA_ENDPOINT } : {}),
    settings: {
      defaultCurrency,
      paymentTermsDays: wholeNumber(env, 'PAYMENT_TERMS_DAYS', 14),
      handOffMarginMs: wholeNumber(env, 'HANDOFF_MARGIN_MS', 60_000),
      maxAttempts: wholeNumber(env, 'MAX_ATTEMPTS', 3, 1),
      pipeline: {
        unitRows: wholeNumber(env, 'UNIT_ROWS', 100, 1),
        unitsInFlight: wholeNumber(env, 'UNITS_IN_FLIGHT', 3, 1),
      },
    },
  };
}
