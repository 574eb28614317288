import { invalidParameter, parameterValueInvalid, validationError } from './errors';
import type { MessageAttributes } from './model';

/** Message plus attribute names, types and values: AWS counts all of it against 256 KB. */
export const MAX_MESSAGE_BYTES = 262_144;

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]+$/;
const DATA_TYPE = /^(String|Number|Binary)(\..+)?$/;
export const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

export function validateTopicName(name: string, fifo: boolean): void {
  if (fifo && !FIFO_TOPIC_NAME.test(name)) {
    throw invalidParameter(
      'Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.',
    );
  }
  if (!fifo && !TOPIC_NAME.test(name)) throw invalidParameter('Invalid parameter: Topic Name');
}

export interface ParsedArn {
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** `field` names the parameter in the error, e.g. 'TopicArn'. */
export function parseArn(value: string, field: string): ParsedArn {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') {
    throw invalidParameter(
      `Invalid parameter: ${field} Reason: An ARN must have at least 6 elements, not ${parts.length}`,
    );
  }
  return { service: parts[2]!, region: parts[3]!, account: parts[4]!, resource: parts.slice(5).join(':') };
}

export function validateSubject(subject: string | null): void {
  if (subject === null) return;
  // Subject: ASCII, no line breaks or control characters, 1–99 characters.
  if (subject === '' || subject.length >= 100 || !/^[\x20-\x7e]+$/.test(subject)) {
    throw invalidParameter('Invalid parameter: Subject');
  }
}

export function validateMessageAttributes(attributes: MessageAttributes, batchPosition?: number): void {
  for (const [name, attribute] of Object.entries(attributes)) {
    validateAttributeName(name);
    if (!attribute.DataType) {
      const at = batchPosition
        ? `publishBatchRequestEntries.${batchPosition}.member.messageAttributes.${name}.member.dataType`
        : `messageAttributes.${name}.member.dataType`;
      throw validationError(
        `1 validation error detected: Value null at '${at}' failed to satisfy constraint: Member must not be null`,
      );
    }
    const type = attribute.DataType;
    if (!DATA_TYPE.test(type)) {
      throw parameterValueInvalid(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const field = type.startsWith('Binary') ? 'Binary' : 'String';
    const value = field === 'Binary' ? attribute.BinaryValue : attribute.StringValue;
    if (attribute.StringValue === undefined && attribute.BinaryValue === undefined) {
      throw parameterValueInvalid(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
      );
    }
    if (value === undefined) {
      throw parameterValueInvalid(
        `The message attribute '${name}' with type '${type}' must use field '${field}'.`,
      );
    }
    if (value === '') {
      throw parameterValueInvalid(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
      );
    }
    if (type.startsWith('Number') && !isAttributeNumber(value)) {
      throw parameterValueInvalid(
        `An invalid or out-of-range value '${value}' was supplied for message attribute '${name}' of type '${type}'.`,
      );
    }
    if (type === 'String.Array' && !isJsonArray(value)) {
      throw parameterValueInvalid(
        `The message attribute '${name}' with type 'String.Array' does not contain a valid JSON array.`,
      );
    }
  }
}

function validateAttributeName(name: string): void {
  if (Buffer.byteLength(name) > 256) {
    throw parameterValueInvalid('Length of message attribute name must be less than 256 bytes.');
  }
  if (name.startsWith('.')) {
    throw parameterValueInvalid("Invalid message attribute name starting with character '.' was found.");
  }
  if (name.endsWith('.')) {
    throw parameterValueInvalid("Invalid message attribute name ending with character '.' was found.");
  }
  if (!ATTRIBUTE_NAME.test(name)) {
    const bad = [...name].find((c) => !ATTRIBUTE_NAME.test(c)) ?? '';
    const hex = (bad.codePointAt(0) ?? 0).toString(16).toUpperCase();
    throw parameterValueInvalid(
      `Invalid non-alphanumeric character '#x${hex}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`,
    );
  }
  if (name.includes('..')) {
    throw parameterValueInvalid("Message attribute name can not have successive '.' character.");
  }
}

function isAttributeNumber(value: string): boolean {
  // Numbers: up to 38 digits of precision, between -10^128 and +10^128.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())) return false;
  return Math.abs(Number(value)) <= 1e128;
}

function isJsonArray(value: string): boolean {
  try {
    return Array.isArray(JSON.parse(value));
  } catch {
    return false;
  }
}

export function publishSize(message: string, attributes: MessageAttributes): number {
  let size = Buffer.byteLength(message);
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType);
    size += Buffer.byteLength(attribute.StringValue ?? '') + Buffer.byteLength(attribute.BinaryValue ?? '');
  }
  return size;
}

/** MessageStructure 'json': an object whose 'default' key is required; non-string values are ignored. */
export function parseStructuredMessage(message: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalidParameter('Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidParameter('Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  const bodies: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') bodies[key] = value;
  if (bodies.default === undefined) {
    throw invalidParameter('Invalid parameter: Message Structure - No default entry in JSON message body');
  }
  return bodies;
}
