import { z } from 'zod';

/** RFC 9457 problem details as every Payflow API answers them, for the APIs' OpenAPI documents. */
export const ProblemDetailsSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .passthrough()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' });

/** An OpenAPI response that is a problem. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: ProblemDetailsSchema } } };
}
