import { z } from 'zod';

/** `?limit=&cursor=` of a paged list: 1 to 100 (20 by default), the cursor as a previous page gave it. */
export const PageQuerySchema = z.strictObject({
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: 'limit must be at least 1' })
    .max(100, { error: 'limit must be at most 100' })
    .default(20),
  cursor: z.string().min(1).max(2048).optional(),
});
