import { invalidParameter, sqsError } from './errors';

interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** A queue's settable attributes, parsed. Absent optional ones are not returned by GetQueueAttributes. */
export interface QueueSettings {
  DelaySeconds: number;
  MaximumMessageSize: number;
  MessageRetentionPeriod: number;
  ReceiveMessageWaitTimeSeconds: number;
  VisibilityTimeout: number;
  SqsManagedSseEnabled: boolean;
  FifoQueue: boolean;
  ContentBasedDeduplication: boolean;
  DeduplicationScope: 'queue' | 'messageGroup';
  FifoThroughputLimit: 'perQueue' | 'perMessageGroupId';
  RedrivePolicy?: RedrivePolicy;
  Policy?: string;
  RedriveAllowPolicy?: string;
  KmsMasterKeyId?: string;
  KmsDataKeyReusePeriodSeconds?: number;
}

export const DEFAULT_SETTINGS: QueueSettings = {
  DelaySeconds: 0,
  MaximumMessageSize: 1_048_576,
  MessageRetentionPeriod: 345_600,
  ReceiveMessageWaitTimeSeconds: 0,
  VisibilityTimeout: 30,
  SqsManagedSseEnabled: true,
  FifoQueue: false,
  ContentBasedDeduplication: false,
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

const INTEGER_RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);

const COMPUTED_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

const SETTABLE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'Policy',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

const KNOWN = new Set<string>([...COMPUTED_ATTRIBUTES, ...SETTABLE_ATTRIBUTES]);

export function isKnownAttribute(name: string): boolean {
  return KNOWN.has(name);
}

/** Checks and applies `input` on top of `base`; `creating` allows FifoQueue. Throws the AWS error otherwise. */
export function applyAttributes(
  base: QueueSettings,
  input: Record<string, string>,
  options: { creating: boolean; fifo: boolean; dlqExists: (arn: string) => boolean | 'fifo' | 'standard' },
): QueueSettings {
  const next: QueueSettings = { ...base };
  if ((input.KmsMasterKeyId ?? '') !== '' && String(input.SqsManagedSseEnabled).toLowerCase() === 'true') {
    throw sqsError(
      'InvalidAttributeName',
      'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
    );
  }
  for (const [name, raw] of Object.entries(input)) {
    const value = String(raw);
    if (!KNOWN.has(name) || (COMPUTED_ATTRIBUTES as readonly string[]).includes(name))
      throw unknownAttribute(name);
    if (FIFO_ONLY.has(name) && !options.fifo) {
      if (name === 'ContentBasedDeduplication') throw unknownAttribute(name);
      throw sqsError(
        'InvalidAttributeName',
        `You can specify the ${name} only when FifoQueue is set to true.`,
      );
    }
    if (name === 'FifoQueue') {
      // A standard queue knows no FifoQueue attribute, not even "false"; a FIFO queue may be told it is one.
      if (!options.fifo) throw unknownAttribute(name);
      if (value.toLowerCase() !== 'true') {
        throw invalidValue(
          name,
          options.creating ? 'Must be true or false.' : 'Modifying queue type is not supported.',
        );
      }
    }
    const range = INTEGER_RANGES[name];
    if (range) {
      (next as unknown as Record<string, number>)[name] = integerIn(name, value, range);
      continue;
    }
    switch (name) {
      case 'SqsManagedSseEnabled':
      case 'ContentBasedDeduplication':
      case 'FifoQueue':
        next[name] = booleanValue(name, value);
        break;
      case 'DeduplicationScope':
        if (value !== 'queue' && value !== 'messageGroup') throw invalidValue(name);
        next.DeduplicationScope = value;
        break;
      case 'FifoThroughputLimit':
        if (value !== 'perQueue' && value !== 'perMessageGroupId') throw invalidValue(name);
        next.FifoThroughputLimit = value;
        break;
      case 'RedrivePolicy':
        next.RedrivePolicy = value === '' ? undefined : redrivePolicy(value, options);
        break;
      case 'Policy':
      case 'RedriveAllowPolicy':
        next[name] = value === '' ? undefined : jsonText(name, value);
        break;
      case 'KmsMasterKeyId':
        next.KmsMasterKeyId = value === '' ? undefined : value;
        if (value !== '' && !('SqsManagedSseEnabled' in input)) next.SqsManagedSseEnabled = false;
        break;
    }
  }
  if (
    next.FifoQueue &&
    next.FifoThroughputLimit === 'perMessageGroupId' &&
    next.DeduplicationScope === 'queue'
  ) {
    throw invalidValue('FifoThroughputLimit', 'perMessageGroupId requires DeduplicationScope messageGroup');
  }
  return next;
}

/** The attribute map as AWS returns it: every value a string, optional ones only when set. */
export function renderSettings(settings: QueueSettings): Record<string, string> {
  const out: Record<string, string> = {
    DelaySeconds: String(settings.DelaySeconds),
    MaximumMessageSize: String(settings.MaximumMessageSize),
    MessageRetentionPeriod: String(settings.MessageRetentionPeriod),
    ReceiveMessageWaitTimeSeconds: String(settings.ReceiveMessageWaitTimeSeconds),
    VisibilityTimeout: String(settings.VisibilityTimeout),
    SqsManagedSseEnabled: String(settings.SqsManagedSseEnabled),
  };
  if (settings.RedrivePolicy) out.RedrivePolicy = JSON.stringify(settings.RedrivePolicy);
  if (settings.Policy !== undefined) out.Policy = settings.Policy;
  if (settings.RedriveAllowPolicy !== undefined) out.RedriveAllowPolicy = settings.RedriveAllowPolicy;
  if (settings.KmsMasterKeyId !== undefined) {
    out.KmsMasterKeyId = settings.KmsMasterKeyId;
    out.KmsDataKeyReusePeriodSeconds = String(settings.KmsDataKeyReusePeriodSeconds ?? 300);
  }
  if (settings.FifoQueue) {
    out.FifoQueue = 'true';
    out.ContentBasedDeduplication = String(settings.ContentBasedDeduplication);
    out.DeduplicationScope = settings.DeduplicationScope;
    out.FifoThroughputLimit = settings.FifoThroughputLimit;
  }
  return out;
}

function redrivePolicy(
  value: string,
  options: { fifo: boolean; dlqExists: (arn: string) => boolean | 'fifo' | 'standard' },
): RedrivePolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidValue('RedrivePolicy', 'Redrive policy is not a valid JSON map.');
  }
  const policy = (parsed ?? {}) as Record<string, unknown>;
  const arn = policy.deadLetterTargetArn;
  const count = Number(policy.maxReceiveCount);
  if (typeof arn !== 'string' || arn === '') {
    throw invalidParameter(
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory attribute: deadLetterTargetArn.`,
    );
  }
  if (policy.maxReceiveCount === undefined) {
    throw invalidParameter(
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory attribute: maxReceiveCount.`,
    );
  }
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidParameter(
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: ${String(policy.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
    );
  }
  const dlq = options.dlqExists(arn);
  if (!dlq) {
    throw invalidParameter(
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`,
    );
  }
  if ((dlq === 'fifo') !== options.fifo) {
    throw invalidParameter(
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead-letter target owner/type must match the source queue: a ${options.fifo ? 'FIFO' : 'standard'} queue needs a ${options.fifo ? 'FIFO' : 'standard'} dead-letter queue.`,
    );
  }
  return { deadLetterTargetArn: arn, maxReceiveCount: count };
}

function integerIn(name: string, value: string, [min, max]: [number, number]): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw invalidValue(name, `Must be an integer from ${min} to ${max}.`);
  }
  return n;
}

function booleanValue(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw invalidValue(name, 'Must be true or false.');
  return lower === 'true';
}

function jsonText(name: string, value: string): string {
  try {
    JSON.parse(value);
  } catch {
    throw invalidValue(name, `${name} is not valid JSON.`);
  }
  return value;
}

function unknownAttribute(name: string) {
  return sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
}

function invalidValue(name: string, reason?: string) {
  return sqsError(
    'InvalidAttributeValue',
    `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`,
  );
}
