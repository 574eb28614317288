import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import { z } from 'zod';
import {
  describeIssues,
  EventValidationError,
  type EventContract,
  type EventDetailOf,
} from './events/contract';
import type { EventContractRegistry, ReceivedEvent } from './events/registry';

/** What a consumer needs of an SQS record: its id for partial batch failures, and the body. */
const SqsRecordBodySchema = SqsRecordSchema.pick({ messageId: true, body: true });
const EventBridgeEventInBody = JSONStringified(EventBridgeSchema);

type EventBridgeEvent = z.infer<typeof EventBridgeSchema>;

function readEnvelope(event: unknown, where: string): EventBridgeEvent {
  const result = EventBridgeSchema.safeParse(event);
  if (!result.success) {
    throw new EventValidationError(
      `${where} is not an EventBridge event: ${describeIssues(result.error)}`,
      result.error,
    );
  }
  return result.data;
}

function checkDetail<Contract extends EventContract>(
  contract: Contract,
  event: EventBridgeEvent,
  where: string,
): EventDetailOf<Contract> {
  if (event.source !== contract.source || event['detail-type'] !== contract.detailType) {
    throw new EventValidationError(
      `${where}: expected source "${contract.source}" and detail-type "${contract.detailType}", ` +
        `got source "${event.source}" and detail-type "${event['detail-type']}"`,
    );
  }
  const result = contract.detailSchema.safeParse(event.detail);
  if (!result.success) {
    throw new EventValidationError(
      `${where}: ${contract.detailType} event ${event.id} does not match its contract: ${describeIssues(result.error, 'detail')}`,
      result.error,
    );
  }
  return result.data as EventDetailOf<Contract>;
}

/** Validates an EventBridge event delivered straight to a Lambda (a rule target) and returns its detail. */
export function parseEventBridgeEvent<Contract extends EventContract>(
  contract: Contract,
  event: unknown,
): EventDetailOf<Contract> {
  return checkDetail(contract, readEnvelope(event, 'event'), 'EventBridge event');
}

/**
 * Validates an EventBridge event delivered straight to a Lambda against the contract its detail-type names, out
 * of several: `{ source, detailType, detail }`, typed by detail-type. Any other detail-type is refused.
 */
export function parseEventBridgeEventOf<Registry extends EventContractRegistry>(
  registry: Registry,
  event: unknown,
): ReceivedEvent<Registry> {
  const envelope = readEnvelope(event, 'event');
  return checkOneOf(registry, envelope, 'EventBridge event');
}

function checkOneOf<Registry extends EventContractRegistry>(
  registry: Registry,
  event: EventBridgeEvent,
  where: string,
): ReceivedEvent<Registry> {
  const detailType = event['detail-type'];
  const contract = Object.hasOwn(registry, detailType) ? registry[detailType] : undefined;
  if (!contract) {
    throw new EventValidationError(
      `${where}: detail-type "${detailType}" is not one this consumer handles (${Object.keys(registry).join(', ')})`,
    );
  }
  return {
    source: contract.source,
    detailType,
    detail: checkDetail(contract, event, where),
  } as ReceivedEvent<Registry>;
}

function isContract(candidate: EventContract | EventContractRegistry): candidate is EventContract {
  return typeof candidate.detailType === 'string' && 'detailSchema' in candidate;
}

function readSqsBody(record: unknown): { messageId: string; event: EventBridgeEvent } {
  const recordResult = SqsRecordBodySchema.safeParse(record);
  if (!recordResult.success) {
    throw new EventValidationError(
      `not an SQS record: ${describeIssues(recordResult.error)}`,
      recordResult.error,
    );
  }
  const { messageId, body } = recordResult.data;
  const where = `SQS message ${messageId}`;
  const eventResult = EventBridgeEventInBody.safeParse(body);
  if (!eventResult.success) {
    throw new EventValidationError(
      `${where}: body is not an EventBridge event: ${describeIssues(eventResult.error)}`,
      eventResult.error,
    );
  }
  return { messageId, event: eventResult.data };
}

/**
 * Validates one SQS record whose body is an EventBridge event (a rule with an SQS target).
 * With one contract, returns its detail; with a registry, returns `{ source, detailType, detail }` typed by detail-type.
 */
export function parseSqsRecordEvent<Contract extends EventContract>(
  contract: Contract,
  record: unknown,
): EventDetailOf<Contract>;
export function parseSqsRecordEvent<Registry extends EventContractRegistry>(
  registry: Registry,
  record: unknown,
): ReceivedEvent<Registry>;
export function parseSqsRecordEvent(
  contractOrRegistry: EventContract | EventContractRegistry,
  record: unknown,
): EventDetailOf<EventContract> | ReceivedEvent<EventContractRegistry> {
  const { messageId, event } = readSqsBody(record);
  const where = `SQS message ${messageId}`;
  if (isContract(contractOrRegistry)) {
    return checkDetail(contractOrRegistry, event, where);
  }
  return checkOneOf(contractOrRegistry, event, where);
}

/** One function per detail-type of a registry, each given the detail its contract types. */
export type DetailTypeHandlers<Registry extends EventContractRegistry, Result> = {
  [DetailType in keyof Registry & string]: (detail: EventDetailOf<Registry[DetailType]>) => Result;
};

/**
 * Calls the function a parsed event's detail-type names, with its typed detail: consumers of several contracts
 * map detail-types to code instead of comparing detail-type strings by hand, and the compiler checks every
 * detail-type of the registry has its function.
 */
export function byDetailType<
  Registry extends EventContractRegistry,
  Handlers extends DetailTypeHandlers<Registry, unknown>,
>(received: ReceivedEvent<Registry>, handlers: Handlers): ReturnType<Handlers[keyof Registry & string]> {
  const handle = handlers[received.detailType] as (
    detail: unknown,
  ) => ReturnType<Handlers[keyof Registry & string]>;
  return handle(received.detail);
}
