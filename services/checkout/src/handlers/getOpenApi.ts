import { httpHandler } from '@payflow/shared';
import { checkoutOpenApi } from '../openapi';
import { logger } from '../wiring';

let document: ReturnType<typeof checkoutOpenApi> | undefined;

/** GET /openapi.json: the API's OpenAPI 3.1 document, for anyone. */
export const handler = httpHandler({ logger }, async () => {
  document ??= checkoutOpenApi(process.env.API_URL);
  return document;
});
