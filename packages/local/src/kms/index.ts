export { KmsEmulator, type KmsEmulatorOptions } from './emulator';
export { KmsError, type KmsErrorType } from './errors';
export { KmsEmulatorServer, type KmsEmulatorServerOptions } from './server';
export { FileStateStore, type KmsStateStore, MemoryStateStore } from './store';
export type { Fault, FaultMode, KeySpec, KeyUsage } from './types';
