export { type LocalJson, writeLocalJson } from './cloud/local-json';
export { type LocalStack, type LocalStackOptions, startLocalStack, WORKSPACE_ROOT } from './cloud/stack';
