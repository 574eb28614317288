export * from './common';
export * from './contract';
export * from './billing-ingest';
export * from './payments';
export * from './payouts';
export * from './checkout';
export * from './notification';
export * from './registry';
