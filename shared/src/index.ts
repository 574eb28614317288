export * from './events';
export * from './publisher';
export * from './consume';
export * from './aws';
export * from './logger';
export * from './http';
export * from './money';
export * from './cards';
