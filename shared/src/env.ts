import { z } from 'zod';

/**
 * A function's environment settings as one zod schema (a shape of the settings below) per service, read by
 * readEnvironment. An empty
 * variable counts as unset (serverless.yml writes `''` for an unresolved variable).
 */
const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value);

/** A setting the function cannot run without. */
export const requiredSetting = () => z.preprocess(unsetWhenEmpty, z.string());

/** A setting the function can do without (undefined when unset). */
export const optionalSetting = () => z.preprocess(unsetWhenEmpty, z.string().optional());

/** A setting with a default: `fallback` when unset. */
export const settingOr = (fallback: string) => z.preprocess(unsetWhenEmpty, z.string().default(fallback));

/** A number above zero (and below `below`, when given); `fallback` when unset. */
export function positiveNumberSetting(fallback?: number, below = Number.POSITIVE_INFINITY) {
  const error =
    below === Number.POSITIVE_INFINITY ? 'must be a positive number' : `must be above 0 and below ${below}`;
  const number = z.coerce.number({ error }).positive({ error }).lt(below, { error });
  return z.preprocess(unsetWhenEmpty, fallback === undefined ? number : number.default(fallback));
}

/** A whole number of at least `minimum`; `fallback` when unset (required when there is none). */
export function wholeNumberSetting(fallback: number | undefined, minimum = 0) {
  const error = `must be a whole number of at least ${minimum}`;
  const number = z.coerce.number({ error }).int({ error }).min(minimum, { error });
  return z.preprocess(unsetWhenEmpty, fallback === undefined ? number : number.default(fallback));
}

/** An optional whole number of at least `minimum` (undefined when unset). */
export function optionalWholeNumberSetting(minimum = 0) {
  const error = `must be a whole number of at least ${minimum}`;
  return z.preprocess(
    unsetWhenEmpty,
    z.coerce.number({ error }).int({ error }).min(minimum, { error }).optional(),
  );
}

/**
 * The environment parsed against a service's schema; otherwise one error naming every variable that is
 * missing or wrong and where the service sets them (`where`, e.g. services/payments/serverless.yml).
 */
export function readEnvironment<Shape extends z.ZodRawShape>(
  settings: Shape,
  env: NodeJS.ProcessEnv,
  where: string,
): z.output<z.ZodObject<Shape>> {
  const parsed = z.object(settings).safeParse(env);
  if (parsed.success) return parsed.data;
  throw new Error(
    parsed.error.issues
      .map((issue) => {
        const name = issue.path.join('.');
        const value = env[name];
        return value === undefined || value === ''
          ? `Environment variable ${name} is not set (see ${where})`
          : `Environment variable ${name} ${issue.message}, got "${value}"`;
      })
      .join('; '),
  );
}
