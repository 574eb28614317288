import { xml } from '../protocol';

/**
 * The SQS query protocol (form-encoded, XML answers), which the AWS CLI v2 before 2.13 still speaks.
 * Requests are turned into the JSON shapes of the JSON 1.0 protocol and answers back into XML.
 */
export const SQS_XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';

type Tree = { [key: string]: Tree | string };

const LIST_MEMBERS: Record<string, string> = {
  AttributeName: 'AttributeNames',
  MessageSystemAttributeName: 'MessageSystemAttributeNames',
  MessageAttributeName: 'MessageAttributeNames',
  TagKey: 'TagKeys',
  AWSAccountId: 'AWSAccountIds',
  ActionName: 'Actions',
  SendMessageBatchRequestEntry: 'Entries',
  DeleteMessageBatchRequestEntry: 'Entries',
  ChangeMessageVisibilityBatchRequestEntry: 'Entries',
};
const INTEGER_FIELDS = new Set([
  'MaxNumberOfMessages',
  'WaitTimeSeconds',
  'VisibilityTimeout',
  'DelaySeconds',
  'MaxResults',
  'MaxNumberOfMessagesPerSecond',
]);

export function queryToJson(params: URLSearchParams): { action: string; input: Record<string, unknown> } {
  const tree: Tree = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    let node = tree;
    const parts = key.split('.');
    parts.forEach((part, index) => {
      if (index === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Tree;
    });
  }
  const action = params.get('Action') ?? '';
  const input = convert(tree, action) as Record<string, unknown>;
  return { action, input };
}

function convert(tree: Tree, action: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') {
      out[key] = INTEGER_FIELDS.has(key) ? Number(value) : value;
    } else if (key === 'Attribute' || key === 'MessageAttribute' || key === 'MessageSystemAttribute') {
      const target = key === 'Attribute' ? 'Attributes' : `${key}s`;
      out[target] = Object.fromEntries(
        indexed(value).map((entry) => [
          String(entry.Name),
          typeof entry.Value === 'string' ? entry.Value : convert(entry.Value as Tree, action),
        ]),
      );
    } else if (key === 'Tag') {
      const tags = Object.fromEntries(
        indexed(value).map((entry) => [String(entry.Key), String(entry.Value ?? '')]),
      );
      out[action === 'CreateQueue' ? 'tags' : 'Tags'] = tags;
    } else if (LIST_MEMBERS[key]) {
      out[LIST_MEMBERS[key]] = indexed(value).map((entry) =>
        typeof entry === 'string' ? entry : convert(entry, action),
      );
    } else {
      out[key] = convert(value, action);
    }
  }
  return out;
}

function indexed(tree: Tree): Tree[] {
  return Object.keys(tree)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => tree[k] as Tree);
}

const FLATTENED: Record<string, string> = {
  QueueUrls: 'QueueUrl',
  queueUrls: 'QueueUrl',
  Messages: 'Message',
  Failed: 'BatchResultErrorEntry',
  Results: 'ListMessageMoveTasksResultEntry',
};

/** Serialises a JSON-shaped result as the <Action>Result body of the query protocol. */
export function jsonToXml(action: string, output: Record<string, unknown>): string {
  return Object.entries(output)
    .map(([key, value]) => element(action, key, value))
    .join('');
}

function element(action: string, key: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (key === 'Attributes' || key === 'Tags' || key === 'MessageAttributes') {
    const [member, nameTag, valueTag] =
      key === 'Tags'
        ? ['Tag', 'Key', 'Value']
        : [key === 'Attributes' ? 'Attribute' : 'MessageAttribute', 'Name', 'Value'];
    return Object.entries(value as Record<string, unknown>)
      .map(
        ([name, v]) =>
          `<${member}><${nameTag}>${xml(name)}</${nameTag}><${valueTag}>${
            typeof v === 'object' ? jsonToXml(action, v as Record<string, unknown>) : xml(v)
          }</${valueTag}></${member}>`,
      )
      .join('');
  }
  if (Array.isArray(value)) {
    const member = key === 'Successful' ? `${action}ResultEntry` : (FLATTENED[key] ?? key);
    return value.map((item) => element(action, member, item)).join('');
  }
  if (typeof value === 'object')
    return `<${key}>${jsonToXml(action, value as Record<string, unknown>)}</${key}>`;
  return `<${key}>${xml(value)}</${key}>`;
}
