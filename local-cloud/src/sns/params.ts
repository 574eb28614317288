import type { MessageAttributes } from './model';

/** Readers for the query protocol's flattened lists and maps, as @aws-sdk/client-sns serialises them. */

/** `Attributes.entry.N.key` / `Attributes.entry.N.value` → a map. */
export function readMap(params: URLSearchParams, prefix: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (let n = 1; ; n++) {
    const key = params.get(`${prefix}.entry.${n}.key`);
    if (key === null) return map;
    map[key] = params.get(`${prefix}.entry.${n}.value`) ?? '';
  }
}

/** `Tags.member.N.Key` / `Tags.member.N.Value`. */
export function readTags(params: URLSearchParams, prefix = 'Tags'): Array<{ Key: string; Value: string }> {
  const tags: Array<{ Key: string; Value: string }> = [];
  for (let n = 1; ; n++) {
    const key = params.get(`${prefix}.member.${n}.Key`);
    if (key === null) return tags;
    tags.push({ Key: key, Value: params.get(`${prefix}.member.${n}.Value`) ?? '' });
  }
}

/** `TagKeys.member.N`. */
export function readList(params: URLSearchParams, prefix: string): string[] {
  const items: string[] = [];
  for (let n = 1; ; n++) {
    const item = params.get(`${prefix}.member.${n}`);
    if (item === null) return items;
    items.push(item);
  }
}

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` / `.Value.BinaryValue`. */
export function readMessageAttributes(params: URLSearchParams, prefix: string): MessageAttributes {
  const attributes: MessageAttributes = {};
  for (let n = 1; ; n++) {
    const base = `${prefix}.entry.${n}`;
    const name = params.get(`${base}.Name`);
    if (name === null) return attributes;
    const attribute: MessageAttributes[string] = { DataType: params.get(`${base}.Value.DataType`) ?? '' };
    const stringValue = params.get(`${base}.Value.StringValue`);
    const binaryValue = params.get(`${base}.Value.BinaryValue`);
    if (stringValue !== null) attribute.StringValue = stringValue;
    if (binaryValue !== null) attribute.BinaryValue = binaryValue;
    attributes[name] = attribute;
  }
}

export interface BatchEntry {
  Id: string;
  Message: string | null;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes: MessageAttributes;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

/** `PublishBatchRequestEntries.member.N.*`. */
export function readBatchEntries(params: URLSearchParams): BatchEntry[] {
  const entries: BatchEntry[] = [];
  for (let n = 1; ; n++) {
    const base = `PublishBatchRequestEntries.member.${n}`;
    const id = params.get(`${base}.Id`);
    const message = params.get(`${base}.Message`);
    if (id === null && message === null) return entries;
    const entry: BatchEntry = {
      Id: id ?? '',
      Message: message,
      MessageAttributes: readMessageAttributes(params, `${base}.MessageAttributes`),
    };
    for (const field of [
      'Subject',
      'MessageStructure',
      'MessageGroupId',
      'MessageDeduplicationId',
    ] as const) {
      const value = params.get(`${base}.${field}`);
      if (value !== null) entry[field] = value;
    }
    entries.push(entry);
  }
}
