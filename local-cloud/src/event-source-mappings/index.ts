export { EventSourceMappings, type MappingInput, type MappingInfo, type MappingStats } from './mappings';
export { sqsRecord } from './sqs-event';
export { settleBatch } from './batch-response';
