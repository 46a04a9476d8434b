export * from './body';
export * from './http';
export * from './match';
export * from './openapi';
export * from './router';
export * from './routes';
export * from './schemas';
export * from './security-events';
export type * from './types';
