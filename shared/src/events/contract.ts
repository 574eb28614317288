import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** The services that publish on the bus; an event's source is 'payflow.<service>'. */
export type EventSource =
  'payflow.billing-ingest' | 'payflow.payments' | 'payflow.checkout' | 'payflow.notification';

/** One event type on the bus: where it comes from, what it is called and what its data looks like. */
export interface EventContract<DetailType extends string = string, DataSchema extends z.ZodType = z.ZodType> {
  readonly source: EventSource;
  readonly detailType: DetailType;
  readonly version: number;
  readonly schema: DataSchema;
  /** Validates the whole `detail`: envelope plus data. */
  readonly detailSchema: z.ZodType<EventDetail<z.output<DataSchema>>, unknown>;
}

/** The `detail` of every Payflow event. */
export interface EventDetail<Data> {
  id: string;
  version: number;
  occurredAt: string;
  correlationId: string;
  data: Data;
}

export type EventDataOf<Contract extends EventContract> = z.output<Contract['schema']>;
export type EventDataInputOf<Contract extends EventContract> = z.input<Contract['schema']>;
export type EventDetailOf<Contract extends EventContract> = EventDetail<EventDataOf<Contract>>;

export const CorrelationIdSchema = z
  .string()
  .min(1, { error: 'correlationId must not be empty' })
  .max(128, { error: 'correlationId must be at most 128 characters' });

export function defineEventContract<DetailType extends string, DataSchema extends z.ZodType>(definition: {
  source: EventSource;
  detailType: DetailType;
  version: number;
  schema: DataSchema;
}): EventContract<DetailType, DataSchema> {
  const detailSchema = z.strictObject({
    id: z.uuid({ error: 'id must be a UUID' }),
    version: z.literal(definition.version, {
      error: `version must be ${definition.version} for ${definition.detailType}`,
    }),
    occurredAt: z.iso.datetime({ offset: true, error: 'occurredAt must be an ISO 8601 date-time' }),
    correlationId: CorrelationIdSchema,
    data: definition.schema,
  }) as unknown as z.ZodType<EventDetail<z.output<DataSchema>>, unknown>;
  return Object.freeze({ ...definition, detailSchema });
}

export interface EventDetailOptions {
  correlationId: string;
  /** Defaults to a new UUID; pass one to make a retry produce the same event. */
  id?: string;
  /** Defaults to now. */
  occurredAt?: Date | string;
}

/** Builds and validates a `detail`; throws EventValidationError naming each wrong field. */
export function buildEventDetail<Contract extends EventContract>(
  contract: Contract,
  data: EventDataInputOf<Contract>,
  options: EventDetailOptions,
): EventDetailOf<Contract> {
  const occurredAt =
    options.occurredAt instanceof Date
      ? options.occurredAt.toISOString()
      : (options.occurredAt ?? new Date().toISOString());
  const candidate = {
    id: options.id ?? randomUUID(),
    version: contract.version,
    occurredAt,
    correlationId: options.correlationId,
    data,
  };
  const result = contract.detailSchema.safeParse(candidate);
  if (!result.success) {
    throw new EventValidationError(
      `${contract.detailType} event is invalid: ${describeIssues(result.error, 'detail')}`,
      result.error,
    );
  }
  return result.data as EventDetailOf<Contract>;
}

/** "data.amount.currency: "EURO" is not an ISO 4217 currency code; data.card: Required" */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** An event that does not match its contract, at publish or at receipt. */
export class EventValidationError extends Error {
  override name = 'EventValidationError';
  constructor(
    message: string,
    readonly zodError?: z.ZodError,
  ) {
    super(message);
  }
}
