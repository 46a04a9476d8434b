import { randomBytes } from 'node:crypto';
import type { FunctionSpec } from './types';

/** What Lambda's `AWS_EXECUTION_ENV` says for the template's runtime (infra pins `NODEJS_24_X`). */
export const EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';

/** Where a worker finds what Lambda's execution environment provides beside the bundle. */
export interface WorkerPaths {
  /** The directory of the worker runtime script: Lambda's `/var/runtime` (`LAMBDA_RUNTIME_DIR`). */
  readonly runtimeDir: string;
  /**
   * A `node_modules` directory standing in for Lambda's `/var/runtime/node_modules`: the AWS SDK v3
   * that CDK's `NodejsFunction` leaves out of the bundle (`@aws-sdk/*` is external by default for
   * Node.js 18 and later runtimes).
   */
  readonly sdkModulesDir: string;
  /** The host's `PATH`, so a function can still start programs as it could on Lambda. */
  readonly path: string;
}

/** The worker's environment, and the Node flags Lambda's bootstrap would start it with. */
export interface WorkerLaunch {
  readonly env: Readonly<Record<string, string>>;
  readonly execArgv: readonly string[];
  readonly region: string | undefined;
}

/**
 * The environment a function sees, built from nothing but its spec: the template's variables
 * (local endpoints, region and role credentials included) and the variables Lambda reserves
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * Nothing of the host's environment is copied except `PATH`, so the host's AWS credentials,
 * profile and secrets never reach a function.
 */
export function workerLaunch(spec: FunctionSpec, paths: WorkerPaths, now = new Date()): WorkerLaunch {
  const region = spec.environment.AWS_REGION ?? spec.environment.AWS_DEFAULT_REGION;
  const logGroup = `/aws/lambda/${spec.functionName}`;
  const reserved: Record<string, string> = {
    _HANDLER: spec.handler,
    AWS_EXECUTION_ENV: EXECUTION_ENV,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(now),
    LAMBDA_TASK_ROOT: spec.assetDir,
    LAMBDA_RUNTIME_DIR: paths.runtimeDir,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: paths.path,
    NODE_PATH: [paths.sdkModulesDir, paths.runtimeDir, spec.assetDir].join(':'),
    ...(region === undefined ? {} : { AWS_REGION: region, AWS_DEFAULT_REGION: region }),
  };
  // The SDK warns that its 2027 releases need Node 22: that is about the host's Node standing
  // in for Lambda's Node 24, not about the function, so it stays out of the function's logs.
  const hostNode = Number(process.versions.node.split('.')[0]);
  const hostNote: Record<string, string> =
    hostNode < 22 ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } : {};
  const env = { ...hostNote, ...spec.environment, ...reserved };
  return { env, execArgv: memoryArgs(spec.memorySize, env.NODE_OPTIONS), region };
}

/**
 * The heap limits Lambda's Node.js bootstrap passes to `node`: a new space of a tenth of the
 * function's memory (semi-spaces of half that) and the rest as old space, unless the function's
 * own NODE_OPTIONS sets either. Written by hand after the runtime's `bootstrap` script.
 */
export function memoryArgs(memorySize: number, nodeOptions: string | undefined): readonly string[] {
  if (nodeOptions !== undefined && /--max[-_](old|semi)[-_]space[-_]size/.test(nodeOptions)) return [];
  const newSpace = Math.floor(memorySize / 10);
  return [
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memorySize - newSpace}`,
  ];
}

/** `2024/05/01/[$LATEST]<32 hex>`, the shape of a Lambda log stream name. */
function logStreamName(now: Date): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
