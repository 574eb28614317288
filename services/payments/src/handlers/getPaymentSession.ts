import { httpHandler, IdentifierSchema, NotFoundError, withCorrelationId } from '@payflow/shared';
import { z } from 'zod';
import { sessionView } from '../domain/session';
import { correlationIdOf, logger, services } from '../wiring';

/** GET /payment-sessions/{sessionId} */
export const handler = httpHandler(
  { path: z.strictObject({ sessionId: IdentifierSchema }), logger },
  async ({ path, headers, context }) => {
    withCorrelationId(logger, correlationIdOf(headers, context.awsRequestId));
    const { sessions, config } = services();
    const session = await sessions.get(path.sessionId);
    if (!session) throw new NotFoundError(`Payment session ${path.sessionId} was not found`);
    return sessionView(session, config.payPageUrl, new Date());
  },
);
