import { randomUUID } from 'node:crypto';
import { ACCOUNT_ID, arn, REGION } from '../config';
import { invalidParameter, notFound } from './errors';
import { parseFilterPolicy, type FilterPolicyScope } from './filter-policy';
import type { Subscription, Topic } from './model';
import { isE164 } from './sms';
import { parseArn, validateTopicName } from './validate';

const SUBSCRIPTION_ATTRIBUTES = [
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
];
const TOPIC_ATTRIBUTES = [
  'DeliveryPolicy',
  'DisplayName',
  'Policy',
  'KmsMasterKeyId',
  'SignatureVersion',
  'TracingConfig',
  'FifoTopic',
  'ContentBasedDeduplication',
  'ArchivePolicy',
  'FifoThroughputScope',
  'DataProtectionPolicy',
];
/** Protocols this emulator delivers to; the others AWS has (http, email, application, firehose) are refused by name. */
const DELIVERABLE = new Set(['sqs', 'lambda', 'sms']);
const AWS_PROTOCOLS = new Set([
  'http',
  'https',
  'email',
  'email-json',
  'sms',
  'sqs',
  'application',
  'lambda',
  'firehose',
]);

/** Topics and subscriptions of the one local account and region. */
export class Registry {
  private readonly topics = new Map<string, Topic>();
  private readonly subscriptions = new Map<string, Subscription>();

  createTopic(
    name: string,
    attributes: Record<string, string>,
    tags: Array<{ Key: string; Value: string }>,
  ): Topic {
    const fifo = attributes.FifoTopic?.toLowerCase() === 'true';
    validateTopicName(name, fifo);
    for (const key of Object.keys(attributes)) {
      if (!TOPIC_ATTRIBUTES.includes(key))
        throw invalidParameter(`Invalid parameter: Attributes Reason: Unknown attribute ${key}`);
    }
    const topicArn = arn('sns', name);
    const existing = this.topics.get(topicArn);
    if (existing) {
      for (const [key, value] of Object.entries(attributes)) {
        if (key === 'FifoTopic' && !fifo && existing.attributes.FifoTopic === undefined) continue;
        if (existing.attributes[key] !== value) {
          throw invalidParameter(
            'Invalid parameter: Attributes Reason: Topic already exists with different attributes',
          );
        }
      }
      if (tags.some((t) => existing.tags.get(t.Key) !== t.Value)) {
        throw invalidParameter('Invalid parameter: Tags Reason: Topic already exists with different tags');
      }
      return existing;
    }
    const defaults: Record<string, string> = {
      Owner: ACCOUNT_ID,
      TopicArn: topicArn,
      DisplayName: '',
      Policy: defaultPolicy(topicArn),
      EffectiveDeliveryPolicy: EFFECTIVE_DELIVERY_POLICY,
    };
    if (fifo) Object.assign(defaults, { FifoTopic: 'true', ContentBasedDeduplication: 'false' });
    const own = { ...attributes };
    if (!fifo) delete own.FifoTopic;
    const topic: Topic = {
      arn: topicArn,
      name,
      attributes: { ...defaults, ...own },
      tags: new Map(tags.map((t) => [t.Key, t.Value])),
      dedup: new Map(),
    };
    this.topics.set(topicArn, topic);
    return topic;
  }

  topic(topicArn: string, field = 'TopicArn'): Topic {
    const parsed = parseArn(topicArn, field);
    if (parsed.service !== 'sns' || parsed.region !== REGION)
      throw invalidParameter(`Invalid parameter: ${field}`);
    const topic = this.topics.get(topicArn);
    if (!topic) throw notFound('Topic does not exist');
    return topic;
  }

  topicAttributes(topic: Topic): Record<string, string> {
    const subs = this.subscriptionsOf(topic.arn);
    return {
      ...topic.attributes,
      SubscriptionsConfirmed: String(subs.length),
      SubscriptionsPending: '0',
      SubscriptionsDeleted: '0',
    };
  }

  setTopicAttribute(topic: Topic, name: string, value: string): void {
    if (name === 'FifoTopic' || !TOPIC_ATTRIBUTES.includes(name))
      throw invalidParameter('Invalid parameter: AttributeName');
    if (name === 'ContentBasedDeduplication' && topic.attributes.FifoTopic !== 'true') {
      throw invalidParameter(
        'Invalid parameter: AttributeName Reason: ContentBasedDeduplication can only be set for FIFO topics',
      );
    }
    topic.attributes[name] = value;
  }

  /** Deleting a topic that does not exist is not an error (AWS DeleteTopic). */
  deleteTopic(topicArn: string): void {
    parseArn(topicArn, 'TopicArn');
    this.topics.delete(topicArn);
    for (const sub of this.subscriptionsOf(topicArn)) this.subscriptions.delete(sub.arn);
  }

  listTopics(): Topic[] {
    return [...this.topics.values()];
  }

  subscribe(
    topicArn: string,
    protocol: string,
    endpoint: string,
    attributes: Record<string, string>,
  ): Subscription {
    const topic = this.topic(topicArn);
    if (!AWS_PROTOCOLS.has(protocol)) {
      throw invalidParameter(
        `Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`,
      );
    }
    if (!DELIVERABLE.has(protocol)) {
      throw invalidParameter(
        `Invalid parameter: Protocol Reason: the local cloud delivers only to sqs, lambda and sms, not ${protocol}`,
      );
    }
    validateEndpoint(protocol, endpoint, topic);
    for (const [name, value] of Object.entries(attributes)) {
      validateSubscriptionAttribute(
        name,
        value,
        protocol,
        attributes,
        'Invalid parameter: Attributes Reason: ',
      );
    }
    const normalised = normaliseAttributes(attributes);
    const existing = this.subscriptionsOf(topicArn).find(
      (s) => s.protocol === protocol && s.endpoint === endpoint,
    );
    if (existing) {
      if (Object.entries(normalised).some(([k, v]) => existing.attributes[k] !== v)) {
        throw invalidParameter(
          'Invalid parameter: Attributes Reason: Subscription already exists with different attributes',
        );
      }
      return existing;
    }
    const subscription: Subscription = {
      arn: `${topicArn}:${randomUUID()}`,
      topicArn,
      protocol,
      endpoint,
      attributes: { RawMessageDelivery: 'false', ...normalised },
    };
    if (subscription.attributes.FilterPolicy && !subscription.attributes.FilterPolicyScope) {
      subscription.attributes.FilterPolicyScope = 'MessageAttributes';
    }
    this.subscriptions.set(subscription.arn, subscription);
    return subscription;
  }

  subscription(subscriptionArn: string): Subscription {
    const subscription = this.subscriptions.get(subscriptionArn);
    if (!subscription) throw notFound('Subscription does not exist');
    return subscription;
  }

  subscriptionAttributes(subscription: Subscription): Record<string, string> {
    return {
      ...subscription.attributes,
      SubscriptionArn: subscription.arn,
      TopicArn: subscription.topicArn,
      Owner: ACCOUNT_ID,
      Protocol: subscription.protocol,
      Endpoint: subscription.endpoint,
      ConfirmationWasAuthenticated: 'true',
      PendingConfirmation: 'false',
      SubscriptionPrincipal: `arn:aws:iam::${ACCOUNT_ID}:root`,
    };
  }

  setSubscriptionAttribute(subscription: Subscription, name: string, value: string): void {
    const next = { ...subscription.attributes, [name]: value };
    validateSubscriptionAttribute(name, value, subscription.protocol, next, 'Invalid parameter: ');
    const normalised = normaliseAttributes({ [name]: value });
    if (name === 'FilterPolicy' && value.trim() === '') {
      delete subscription.attributes.FilterPolicy;
      delete subscription.attributes.FilterPolicyScope;
      return;
    }
    Object.assign(subscription.attributes, normalised);
    if (name === 'FilterPolicy' && !subscription.attributes.FilterPolicyScope) {
      subscription.attributes.FilterPolicyScope = 'MessageAttributes';
    }
  }

  unsubscribe(subscriptionArn: string): void {
    const parts = subscriptionArn.split(':');
    if (parts.length < 6 || parts[0] !== 'arn') {
      throw invalidParameter(
        `Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not ${parts.length}`,
      );
    }
    if (parts.length === 6) throw invalidParameter('Invalid parameter: SubscriptionId');
    this.subscriptions.delete(subscriptionArn);
  }

  listSubscriptions(): Subscription[] {
    return [...this.subscriptions.values()];
  }

  subscriptionsOf(topicArn: string): Subscription[] {
    return this.listSubscriptions().filter((s) => s.topicArn === topicArn);
  }
}

function validateEndpoint(protocol: string, endpoint: string, topic: Topic): void {
  if (protocol === 'sqs') {
    const parts = endpoint.split(':');
    if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sqs') {
      throw invalidParameter('Invalid parameter: SQS endpoint ARN');
    }
    if (parts[5]!.endsWith('.fifo') && topic.attributes.FifoTopic !== 'true') {
      throw invalidParameter(
        'Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics',
      );
    }
  } else if (protocol === 'lambda') {
    if (!/^arn:aws:lambda:[^:]+:\d{12}:function:[^:]+(:[^:]+)?$/.test(endpoint)) {
      throw invalidParameter('Invalid parameter: Lambda endpoint ARN');
    }
  } else if (protocol === 'sms' && !isE164(endpoint)) {
    throw invalidParameter(`Invalid SMS endpoint: ${endpoint}`);
  }
}

function validateSubscriptionAttribute(
  name: string,
  value: string,
  protocol: string,
  all: Record<string, string>,
  prefix: string,
): void {
  if (!SUBSCRIPTION_ATTRIBUTES.includes(name)) throw invalidParameter(`${prefix}AttributeName`);
  if (name === 'RawMessageDelivery') {
    if (!['true', 'false'].includes(value.toLowerCase())) {
      throw invalidParameter(`${prefix}RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
    }
    if (!['sqs', 'http', 'https', 'firehose'].includes(protocol) && value.toLowerCase() === 'true') {
      throw invalidParameter(
        `${prefix}Delivery protocol [${protocol}] does not support raw message delivery.`,
      );
    }
  }
  if (name === 'FilterPolicyScope' && value !== 'MessageAttributes' && value !== 'MessageBody') {
    throw invalidParameter(
      `${prefix}FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`,
    );
  }
  if (name === 'FilterPolicy' || name === 'FilterPolicyScope') {
    const scope = (all.FilterPolicyScope ?? 'MessageAttributes') as FilterPolicyScope;
    if (all.FilterPolicy) parseFilterPolicy(all.FilterPolicy, scope);
  }
  if (name === 'RedrivePolicy') {
    let target: unknown;
    try {
      target = (JSON.parse(value) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    } catch {
      throw invalidParameter(`${prefix}RedrivePolicy: failed to parse JSON.`);
    }
    if (typeof target !== 'string' || target.split(':').length < 6) {
      throw invalidParameter(`${prefix}RedrivePolicy: deadLetterTargetArn is an invalid arn`);
    }
  }
}

function normaliseAttributes(attributes: Record<string, string>): Record<string, string> {
  const out = { ...attributes };
  if (out.RawMessageDelivery !== undefined) out.RawMessageDelivery = out.RawMessageDelivery.toLowerCase();
  return out;
}

function defaultPolicy(topicArn: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': ACCOUNT_ID } },
      },
    ],
  });
}

const EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});
