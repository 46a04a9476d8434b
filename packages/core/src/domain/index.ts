export * from './accounts';
export * from './auth';
export * from './errors';
export * from './generator';
export * from './health';
export * from './import-export';
export * from './secret-schema';
export * from './secrets';
