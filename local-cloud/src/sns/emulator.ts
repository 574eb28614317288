import {
  AwsError,
  queryError,
  queryParams,
  queryResponse,
  xml,
  type AwsRequest,
  type AwsResponse,
  type Emulator,
} from '../protocol';
import { pageOf } from '../pagination';
import { Delivery } from './delivery';
import { invalidParameter, required } from './errors';
import type { Subscription } from './model';
import { readBatchEntries, readList, readMap, readMessageAttributes, readTags } from './params';
import { Publisher } from './publisher';
import { Registry } from './registry';
import { SmsOutbox, validatePhoneNumber } from './sms';

const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const PAGE_SIZE = 100;

type Action = (params: URLSearchParams) => string;

/** Amazon SNS over the query protocol, with SQS / Lambda fan-out and an SMS outbox. */
export class SnsEmulator implements Emulator {
  readonly signingName = 'sns';
  readonly smsOutbox = new SmsOutbox();
  private readonly registry = new Registry();
  private readonly delivery: Delivery;
  private readonly publisher: Publisher;
  private readonly actions: Record<string, Action>;

  /** `endpoint` is the edge that SQS deliveries are sent to. */
  constructor(options: { endpoint: string }) {
    this.delivery = new Delivery(options.endpoint, this.smsOutbox);
    this.publisher = new Publisher(this.registry, this.delivery, this.smsOutbox);
    this.actions = {
      CreateTopic: (p) => this.createTopic(p),
      GetTopicAttributes: (p) =>
        attributesXml(
          this.registry.topicAttributes(this.registry.topic(required(p, 'TopicArn', 'topicArn'))),
        ),
      SetTopicAttributes: (p) => {
        const topic = this.registry.topic(required(p, 'TopicArn', 'topicArn'));
        this.registry.setTopicAttribute(
          topic,
          required(p, 'AttributeName', 'attributeName'),
          p.get('AttributeValue') ?? '',
        );
        return '';
      },
      DeleteTopic: (p) => {
        this.registry.deleteTopic(required(p, 'TopicArn', 'topicArn'));
        return '';
      },
      ListTopics: (p) =>
        page(
          this.registry.listTopics(),
          p,
          'Topics',
          (t) => `<member><TopicArn>${xml(t.arn)}</TopicArn></member>`,
        ),
      Subscribe: (p) => this.subscribe(p),
      Unsubscribe: (p) => {
        this.registry.unsubscribe(required(p, 'SubscriptionArn', 'subscriptionArn'));
        return '';
      },
      GetSubscriptionAttributes: (p) =>
        attributesXml(
          this.registry.subscriptionAttributes(
            this.registry.subscription(required(p, 'SubscriptionArn', 'subscriptionArn')),
          ),
        ),
      SetSubscriptionAttributes: (p) => {
        const subscription = this.registry.subscription(required(p, 'SubscriptionArn', 'subscriptionArn'));
        this.registry.setSubscriptionAttribute(
          subscription,
          required(p, 'AttributeName', 'attributeName'),
          p.get('AttributeValue') ?? '',
        );
        return '';
      },
      ListSubscriptions: (p) => page(this.registry.listSubscriptions(), p, 'Subscriptions', subscriptionXml),
      ListSubscriptionsByTopic: (p) => {
        const topic = this.registry.topic(required(p, 'TopicArn', 'topicArn'));
        return page(this.registry.subscriptionsOf(topic.arn), p, 'Subscriptions', subscriptionXml);
      },
      CheckIfPhoneNumberIsOptedOut: (p) => {
        const phoneNumber = required(p, 'phoneNumber', 'phoneNumber');
        validatePhoneNumber(phoneNumber);
        return `<isOptedOut>${this.smsOutbox.isOptedOut(phoneNumber)}</isOptedOut>`;
      },
      ListPhoneNumbersOptedOut: (p) => {
        const { items, nextToken } = pageOf(
          this.smsOutbox.optedOutNumbers(),
          { token: p.get('nextToken') ?? undefined, limit: PAGE_SIZE },
          () => invalidParameter('Invalid parameter: nextToken'),
        );
        const next = nextToken ? `<nextToken>${nextToken}</nextToken>` : '';
        return `<phoneNumbers>${items.map((n) => `<member>${xml(n)}</member>`).join('')}</phoneNumbers>${next}`;
      },
      OptInPhoneNumber: (p) => {
        this.smsOutbox.optIn(required(p, 'phoneNumber', 'phoneNumber'));
        return '';
      },
      Publish: (p) => this.publish(p),
      PublishBatch: (p) => this.publishBatch(p),
      ListTagsForResource: (p) => {
        const topic = this.registry.topic(required(p, 'ResourceArn', 'resourceArn'), 'ResourceArn');
        const tags = [...topic.tags].map(
          ([k, v]) => `<member><Key>${xml(k)}</Key><Value>${xml(v)}</Value></member>`,
        );
        return `<Tags>${tags.join('')}</Tags>`;
      },
      TagResource: (p) => {
        const topic = this.registry.topic(required(p, 'ResourceArn', 'resourceArn'), 'ResourceArn');
        for (const tag of readTags(p)) topic.tags.set(tag.Key, tag.Value);
        return '';
      },
      UntagResource: (p) => {
        const topic = this.registry.topic(required(p, 'ResourceArn', 'resourceArn'), 'ResourceArn');
        for (const key of readList(p, 'TagKeys')) topic.tags.delete(key);
        return '';
      },
    };
  }

  operation(req: AwsRequest): string {
    return queryParams(req).get('Action') ?? 'UnknownOperation';
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    const params = queryParams(req);
    const action = params.get('Action') ?? '';
    const run = this.actions[action];
    if (!run) {
      throw new AwsError(
        'InvalidAction',
        `The action ${action || '(none)'} is not valid for this web service. Local SNS supports: ${Object.keys(this.actions).join(', ')}`,
      );
    }
    return queryResponse(action, run(params), SNS_XMLNS);
  }

  errorResponse(error: AwsError): AwsResponse {
    return queryError(error, SNS_XMLNS);
  }

  /** Resolves once every delivery to SQS / Lambda started so far has finished. */
  drain(): Promise<void> {
    return this.publisher.drain();
  }

  async close(): Promise<void> {
    await this.drain();
    this.delivery.close();
  }

  private createTopic(p: URLSearchParams): string {
    const topic = this.registry.createTopic(
      required(p, 'Name', 'name'),
      readMap(p, 'Attributes'),
      readTags(p),
    );
    return `<TopicArn>${xml(topic.arn)}</TopicArn>`;
  }

  private subscribe(p: URLSearchParams): string {
    const topicArn = required(p, 'TopicArn', 'topicArn');
    const protocol = required(p, 'Protocol', 'protocol');
    const endpoint = p.get('Endpoint');
    if (!endpoint)
      throw invalidParameter('Invalid parameter: Endpoint Reason: no value for required parameter');
    const subscription = this.registry.subscribe(topicArn, protocol, endpoint, readMap(p, 'Attributes'));
    return `<SubscriptionArn>${xml(subscription.arn)}</SubscriptionArn>`;
  }

  private publish(p: URLSearchParams): string {
    const published = this.publisher.publish({
      topicArn: p.get('TopicArn'),
      targetArn: p.get('TargetArn'),
      phoneNumber: p.get('PhoneNumber'),
      message: p.get('Message'),
      subject: p.get('Subject'),
      messageStructure: p.get('MessageStructure'),
      messageAttributes: readMessageAttributes(p, 'MessageAttributes'),
      messageGroupId: p.get('MessageGroupId'),
      messageDeduplicationId: p.get('MessageDeduplicationId'),
    });
    const sequence = published.sequenceNumber
      ? `<SequenceNumber>${published.sequenceNumber}</SequenceNumber>`
      : '';
    return `<MessageId>${published.messageId}</MessageId>${sequence}`;
  }

  private publishBatch(p: URLSearchParams): string {
    const { successful, failed } = this.publisher.publishBatch(
      required(p, 'TopicArn', 'topicArn'),
      readBatchEntries(p),
    );
    const ok = successful.map(
      (s) =>
        `<member><Id>${xml(s.id)}</Id><MessageId>${s.messageId}</MessageId>` +
        (s.sequenceNumber ? `<SequenceNumber>${s.sequenceNumber}</SequenceNumber>` : '') +
        '</member>',
    );
    const bad = failed.map(
      (f) =>
        `<member><Id>${xml(f.id)}</Id><Code>${xml(f.code)}</Code><Message>${xml(f.message)}</Message>` +
        `<SenderFault>${f.senderFault}</SenderFault></member>`,
    );
    return `<Successful>${ok.join('')}</Successful><Failed>${bad.join('')}</Failed>`;
  }
}

function attributesXml(attributes: Record<string, string>): string {
  const entries = Object.entries(attributes).map(
    ([k, v]) => `<entry><key>${xml(k)}</key><value>${xml(v)}</value></entry>`,
  );
  return `<Attributes>${entries.join('')}</Attributes>`;
}

function subscriptionXml(s: Subscription): string {
  return (
    `<member><SubscriptionArn>${xml(s.arn)}</SubscriptionArn><Owner>${s.arn.split(':')[4]}</Owner>` +
    `<Protocol>${xml(s.protocol)}</Protocol><Endpoint>${xml(s.endpoint)}</Endpoint>` +
    `<TopicArn>${xml(s.topicArn)}</TopicArn></member>`
  );
}

/** AWS pages these lists by 100. */
function page<T>(all: T[], p: URLSearchParams, element: string, render: (item: T) => string): string {
  const { items, nextToken } = pageOf(all, { token: p.get('NextToken') ?? undefined, limit: PAGE_SIZE }, () =>
    invalidParameter('Invalid parameter: NextToken'),
  );
  const next = nextToken ? `<NextToken>${nextToken}</NextToken>` : '';
  return `<${element}>${items.map(render).join('')}</${element}>${next}`;
}
