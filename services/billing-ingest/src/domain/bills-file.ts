import { CalendarDateSchema } from '@payflow/shared';

const INCOMING_PREFIX = 'incoming/';
const REJECTS_PREFIX = 'rejects/';

/** S3 event keys are URL-encoded with '+' for spaces. */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/** Only `incoming/...csv` objects are bills files; anything else in the bucket is not ours to read. */
export function isBillsFileKey(key: string): boolean {
  return key.startsWith(INCOMING_PREFIX) && key.toLowerCase().endsWith('.csv') && !key.endsWith('/');
}

/** incoming/bills-2026-11-21.csv -> rejects/bills-2026-11-21.csv (sub-folders under incoming/ are kept). */
export function rejectsKeyFor(key: string): string {
  const relative = key.startsWith(INCOMING_PREFIX) ? key.slice(INCOMING_PREFIX.length) : key;
  return `${REJECTS_PREFIX}${relative.replace(/\.csv$/i, '')}.csv`;
}

/** The date the file bills for: from a name like bills-2026-11-21.csv, else the day it was uploaded. */
export function billDateOf(key: string, uploadedAt: Date): string {
  const fromName = /(\d{4}-\d{2}-\d{2})[^/]*\.csv$/i.exec(key)?.[1];
  if (fromName && CalendarDateSchema.safeParse(fromName).success) return fromName;
  return uploadedAt.toISOString().slice(0, 10);
}

/** The file name people see in messages: the last part of the key. */
export function fileNameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
