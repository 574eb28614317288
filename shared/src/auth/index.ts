export * from './bearer';
export * from './pay-link';
