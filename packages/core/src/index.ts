export * from './api';
export * from './client';
export * from './config';
export * from './crypto';
export * from './domain';
export * from './store';
