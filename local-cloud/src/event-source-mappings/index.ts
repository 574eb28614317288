export { EventSourceMappings } from './mappings';
export { settleBatch } from './batch-response';
