import { invalidParameter, missingParameter, sqsError } from './errors';
import type { MessageAttributeValue } from './md5';

const MAX_ATTRIBUTES = 10;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.\u00C0-\u017F-]{1,256}$/;
const VALID_TEXT = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const INVALID_CHARACTERS =
  'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF';

/** A body with any character outside XML's range (control characters, U+FFFE, U+FFFF) is refused, as AWS does. */
export function checkedBody(
  body: unknown,
  maxBytes: number,
  attributeBytes: number,
  inBatch = false,
): string {
  if (body === undefined || body === null || body === '') throw missingParameter('MessageBody');
  if (typeof body !== 'string') throw invalidParameter('MessageBody must be a string.');
  if (!VALID_TEXT.test(body)) throw sqsError('InvalidMessageContents', INVALID_CHARACTERS);
  const size = Buffer.byteLength(body, 'utf8') + attributeBytes;
  if (size > maxBytes) {
    // AWS words it differently for a batch entry.
    throw invalidParameter(
      `One or more parameters ${inBatch ? 'cannot be validated' : 'are invalid'}. Reason: Message must be shorter than ${maxBytes} bytes.`,
    );
  }
  return body;
}

/** Parses and validates MessageAttributes (or MessageSystemAttributes) from the JSON request. */
export function parseMessageAttributes(
  input: unknown,
  kind: 'user' | 'system',
): Record<string, MessageAttributeValue> {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object')
    throw invalidParameter(`Message${kind === 'system' ? 'System' : ''}Attributes must be a map.`);
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > MAX_ATTRIBUTES) {
    throw invalidParameter(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`,
    );
  }
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, raw] of entries) {
    if (kind === 'system' && name !== 'AWSTraceHeader') {
      throw invalidParameter(
        `Message system attribute name '${name}' is invalid. Only AWSTraceHeader is supported.`,
      );
    }
    if (kind === 'user') checkAttributeName(name);
    out[name] = attributeValue(name, (raw ?? {}) as Record<string, unknown>);
  }
  return out;
}

/** Bytes the attributes count toward MaximumMessageSize: name, type and value of each. */
export function attributeBytes(attributes: Record<string, MessageAttributeValue>): number {
  let total = 0;
  for (const [name, value] of Object.entries(attributes)) {
    total += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    total += value.BinaryValue ? value.BinaryValue.length : Buffer.byteLength(value.StringValue ?? '');
  }
  return total;
}

function checkAttributeName(name: string): void {
  const lower = name.toLowerCase();
  if (
    !ATTRIBUTE_NAME.test(name) ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    name.includes('..') ||
    lower.startsWith('aws.') ||
    lower.startsWith('amazon.')
  ) {
    throw invalidParameter(
      `Message (user) attribute name '${name}' is invalid. Names can contain letters, digits, hyphens, underscores and periods (not leading, trailing or consecutive), up to 256 characters, and must not start with 'AWS.' or 'Amazon.'.`,
    );
  }
}

function attributeValue(name: string, raw: Record<string, unknown>): MessageAttributeValue {
  const dataType = raw.DataType;
  if (typeof dataType !== 'string' || dataType === '') {
    throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute type.`);
  }
  const base = dataType.split('.')[0];
  if (base !== 'String' && base !== 'Number' && base !== 'Binary') {
    throw invalidParameter(
      `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    );
  }
  if (raw.StringListValues !== undefined || raw.BinaryListValues !== undefined) {
    throw invalidParameter(`Message attribute list values in '${name}' are not supported.`);
  }
  if (base === 'Binary') {
    if (typeof raw.BinaryValue !== 'string' || raw.BinaryValue === '') throw emptyValue(name, dataType);
    return { DataType: dataType, BinaryValue: Buffer.from(raw.BinaryValue, 'base64') };
  }
  if (typeof raw.StringValue !== 'string' || raw.StringValue === '') throw emptyValue(name, dataType);
  // AWS refuses such a value with InvalidParameterValue, where a body gets InvalidMessageContents.
  if (!VALID_TEXT.test(raw.StringValue)) throw invalidParameter(INVALID_CHARACTERS);
  if (base === 'Number' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.StringValue.trim())) {
    throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
  return { DataType: dataType, StringValue: raw.StringValue };
}

function emptyValue(name: string, dataType: string) {
  return invalidParameter(
    `Message (user) attribute '${name}' must contain a non-empty value of type '${dataType.split('.')[0]}'.`,
  );
}
