import { httpHandler, IdentifierSchema, NotFoundError } from '@payflow/shared';
import { z } from 'zod';
import { sessionView } from '../domain/session';
import { logger, services } from '../wiring';

/** GET /payment-sessions/{sessionId} */
export const handler = httpHandler(
  { path: z.strictObject({ sessionId: IdentifierSchema }), logger },
  async ({ path }) => {
    const { sessions, config } = services();
    const session = await sessions.get(path.sessionId);
    if (!session) throw new NotFoundError(`Payment session ${path.sessionId} was not found`);
    return sessionView(session, config.payPageUrl, new Date());
  },
);
