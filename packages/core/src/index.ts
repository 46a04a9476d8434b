export * from './api';
export * from './config';
export * from './domain';
export * from './store';
