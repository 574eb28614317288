export * from './errors';
export * from './handler';
export * from './idempotency';
export * from './openapi';
