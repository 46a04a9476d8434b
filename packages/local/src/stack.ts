export { type LocalJson, writeLocalJson } from './cloud/local-json';
export {
  type LocalStack,
  type LocalStackOptions,
  type Principal,
  startLocalStack,
  WORKSPACE_ROOT,
} from './cloud/stack';
