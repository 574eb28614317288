import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { awsClient, createLogger, createPublisher, documentClient, type Logger } from '@payflow/shared';
import type { IngestConfig } from './config';
import type { IngestDependencies } from './domain/ingest-file';
import { createBillsBucket } from './adapters/bills-bucket';
import { createIngestEvents } from './adapters/events';
import { createFilesTable } from './adapters/files-table';
import { createInvoicesTable } from './adapters/invoices-table';
import { createSelfInvoker } from './adapters/self-invoker';

export const logger: Logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME ?? 'billing-ingest');

/** The real adapters: DynamoDB, S3, EventBridge and Lambda through the SDK clients shared per container. */
export function createDependencies(
  config: IngestConfig,
  logger: Logger,
  correlationId: string,
): IngestDependencies {
  const lambda = awsClient(LambdaClient, config.lambdaEndpoint ? { endpoint: config.lambdaEndpoint } : {});
  return {
    ledger: createFilesTable({ tableName: config.filesTable, client: documentClient() }),
    bucket: createBillsBucket({ client: awsClient(S3Client) }),
    invoices: createInvoicesTable({ tableName: config.invoicesTable, client: documentClient() }),
    events: createIngestEvents(
      createPublisher({ busName: config.busName, source: 'payflow.billing-ingest' }),
      correlationId,
    ),
    selfInvoker: createSelfInvoker({ client: lambda, functionName: config.functionName }),
    log: {
      info: (message, details) => logger.info(message, { ...details }),
      warn: (message, details) => logger.warn(message, { ...details }),
      error: (message, details) => logger.error(message, { ...details }),
    },
  };
}
