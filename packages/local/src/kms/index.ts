export type { KmsCall } from './authorize';
export { KmsEmulator, type KmsEmulatorOptions } from './emulator';
export { KmsError, type KmsErrorType } from './errors';
export { defaultKeyPolicy } from './key-policy';
export { KmsEmulatorServer, type KmsEmulatorServerOptions } from './server';
export { FileStateStore, type KmsStateStore, MemoryStateStore } from './store';
export type { Fault, FaultMode, KeySpec, KeyUsage } from './types';
