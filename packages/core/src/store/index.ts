export * from './document-client';
export * from './heads';
export * from './keys';
export * from './secrets';
export * from './sessions';
export * from './tables';
export * from './throttle';
export * from './users';
