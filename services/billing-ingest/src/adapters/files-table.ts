import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BillsIngestedData } from '@payflow/shared';
import type { BillsFileRef, Claim, FileRecord, FilesLedger } from '../domain/ingest-file';

/**
 * The files table: one item per (fileKey, etag) with its status, owner lease and checkpoint.
 * Hand-written rather than Powertools idempotency, which has no checkpoint to resume from and no hand-over.
 */
class LostLease extends Error {
  override name = 'LostLease';
}

export function createFilesTable(options: {
  tableName: string;
  client: Pick<DynamoDBDocumentClient, 'send'>;
}): FilesLedger {
  const { tableName: TableName, client } = options;
  const Key = (file: BillsFileRef) => ({ fileKey: file.key, etag: file.etag });

  const isConditionFailure = (error: unknown) =>
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string }).name === 'ConditionalCheckFailedException';

  /** Updates the item only while `owner` holds it; otherwise another invocation took the file over. */
  async function asOwner(
    file: BillsFileRef,
    owner: string,
    update: string,
    values: Record<string, unknown>,
    names: Record<string, string> = {},
  ): Promise<void> {
    try {
      await client.send(
        new UpdateCommand({
          TableName,
          Key: Key(file),
          UpdateExpression: update,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner', ...names },
          ExpressionAttributeValues: { ':owner': owner, ...values },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new LostLease(`${file.key} (${file.etag}) is no longer held by invocation ${owner}`);
      }
      throw error;
    }
  }

  async function takeOver(
    file: BillsFileRef,
    condition: string,
    values: Record<string, unknown>,
    owner: string,
    leaseUntil: number,
    countAttempt: boolean,
  ): Promise<boolean> {
    try {
      await client.send(
        new UpdateCommand({
          TableName,
          Key: Key(file),
          UpdateExpression: `SET #owner = :me, leaseUntil = :lease${countAttempt ? ', attempts = attempts + :one' : ''}`,
          ConditionExpression: `#status = :inProgress AND ${condition}`,
          ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
          ExpressionAttributeValues: {
            ':me': owner,
            ':lease': leaseUntil,
            ':inProgress': 'IN_PROGRESS',
            ...(countAttempt ? { ':one': 1 } : {}),
            ...values,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async function read(file: BillsFileRef): Promise<StoredFile | undefined> {
    const out = await client.send(new GetCommand({ TableName, Key: Key(file), ConsistentRead: true }));
    return out.Item as StoredFile | undefined;
  }

  return {
    async claim(file, request): Promise<Claim> {
      const fresh: StoredFile = {
        fileKey: file.key,
        etag: file.etag,
        status: 'IN_PROGRESS',
        owner: request.owner,
        leaseUntil: request.leaseUntil,
        checkpointRow: 0,
        attempts: 1,
        billDate: request.billDate,
        ingestedAt: request.ingestedAt,
        startedAt: request.now,
      };
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: fresh,
            ConditionExpression: 'attribute_not_exists(fileKey)',
          }),
        );
        return { kind: 'claimed', record: toRecord(fresh) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const existing = await read(file);
      if (!existing) return { kind: 'skipped', reason: 'its record vanished while claiming it' };
      if (existing.status === 'COMPLETED') {
        return {
          kind: 'skipped',
          reason: `this version (ETag ${file.etag}) was already ingested (${existing.accepted ?? 0} accepted, ${existing.rejected ?? 0} rejected)`,
        };
      }
      if (existing.status === 'FAILED') {
        return { kind: 'skipped', reason: `this version already failed: ${existing.failureReason ?? ''}` };
      }
      if (request.resumeToken) {
        const resumed = await takeOver(
          file,
          '#owner = :token',
          { ':token': request.resumeToken },
          request.owner,
          request.leaseUntil,
          false,
        );
        return resumed
          ? { kind: 'claimed', record: toRecord(existing) }
          : { kind: 'skipped', reason: 'the hand-over token no longer matches (another invocation took it)' };
      }
      if (existing.leaseUntil > request.now) {
        return {
          kind: 'skipped',
          reason: `another invocation is ingesting it (lease until ${new Date(existing.leaseUntil).toISOString()})`,
        };
      }
      const tookOver = await takeOver(
        file,
        'leaseUntil = :seenLease',
        { ':seenLease': existing.leaseUntil },
        request.owner,
        request.leaseUntil,
        true,
      );
      return tookOver
        ? { kind: 'claimed', record: { ...toRecord(existing), attempts: existing.attempts + 1 } }
        : { kind: 'skipped', reason: 'another invocation took it over first' };
    },

    async checkpoint(file, owner, row, leaseUntil) {
      await asOwner(file, owner, 'SET checkpointRow = :row, leaseUntil = :lease', {
        ':row': row,
        ':lease': leaseUntil,
      });
    },

    async handOff(file, owner, row, token, leaseUntil) {
      await asOwner(file, owner, 'SET checkpointRow = :row, leaseUntil = :lease, #owner = :token', {
        ':row': row,
        ':lease': leaseUntil,
        ':token': token,
      });
    },

    async complete(file, owner, summary: BillsIngestedData) {
      await asOwner(
        file,
        owner,
        'SET #status = :completed, accepted = :accepted, rejected = :rejected, rejectsKey = :rejectsKey, durationMs = :duration, completedAt = :at REMOVE leaseUntil',
        {
          ':completed': 'COMPLETED',
          ':accepted': summary.accepted,
          ':rejected': summary.rejected,
          ':rejectsKey': summary.rejectsKey,
          ':duration': summary.durationMs,
          ':at': new Date().toISOString(),
        },
        { '#status': 'status' },
      );
    },

    async fail(file, owner, reason) {
      await asOwner(
        file,
        owner,
        'SET #status = :failed, failureReason = :reason, failedAt = :at REMOVE leaseUntil',
        { ':failed': 'FAILED', ':reason': reason, ':at': new Date().toISOString() },
        { '#status': 'status' },
      );
    },

    async release(file, owner, error) {
      await asOwner(file, owner, 'SET leaseUntil = :zero, failureReason = :error', {
        ':zero': 0,
        ':error': error.slice(0, 1000),
      });
    },
  };
}

interface StoredFile extends FileRecord {
  fileKey: string;
  etag: string;
  owner?: string;
  leaseUntil: number;
  accepted?: number;
  rejected?: number;
}

function toRecord(item: StoredFile): FileRecord {
  return {
    status: item.status,
    checkpointRow: item.checkpointRow,
    attempts: item.attempts,
    billDate: item.billDate,
    ingestedAt: item.ingestedAt,
    startedAt: item.startedAt,
    ...(item.failureReason ? { failureReason: item.failureReason } : {}),
  };
}
