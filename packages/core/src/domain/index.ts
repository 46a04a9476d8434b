export * from './accounts';
export * from './auth';
export * from './errors';
export * from './health';
