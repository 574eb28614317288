import { AwsError } from '../protocol';

/** SNS error codes as the query protocol names them (the SDK maps them to e.g. InvalidParameterException). */
export const invalidParameter = (message: string) => new AwsError('InvalidParameter', message);
export const parameterValueInvalid = (message: string) => new AwsError('ParameterValueInvalid', message);
export const notFound = (message: string) => new AwsError('NotFound', message, 404);
export const validationError = (message: string) => new AwsError('ValidationError', message);

/** AWS's wording when a required member is absent. */
export function required(params: URLSearchParams, name: string, wireName: string): string {
  const value = params.get(name);
  if (value === null) {
    throw validationError(
      `1 validation error detected: Value null at '${wireName}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}
