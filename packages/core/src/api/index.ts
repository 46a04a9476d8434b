export * from './http';
export * from './match';
export * from './router';
export * from './routes';
export type * from './types';
