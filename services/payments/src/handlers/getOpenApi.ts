import { httpHandler } from '@payflow/shared';
import { paymentsOpenApi } from '../openapi';
import { logger } from '../wiring';

let document: ReturnType<typeof paymentsOpenApi> | undefined;

/** GET /openapi.json: the API's OpenAPI 3.1 document, for anyone (merchants generate clients from it). */
export const handler = httpHandler({ logger }, async () => {
  document ??= paymentsOpenApi(process.env.API_URL);
  return document;
});
