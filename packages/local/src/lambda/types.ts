/** A function as its worker pool runs it: resolved from the template's AWS::Lambda::Function. */
export interface FunctionSpec {
  readonly logicalId: string;
  readonly functionName: string;
  /** The asset directory in cdk.out; the handler module is resolved inside it. */
  readonly assetDir: string;
  /** `index.handler` */
  readonly handler: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  /** Template environment plus local endpoints (AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL_DYNAMODB), region and the role's credentials. */
  readonly environment: Readonly<Record<string, string>>;
}

/** What an invocation ended with, as Lambda's Invoke API would say it. */
export type InvocationResult =
  | { readonly ok: true; readonly payload: unknown }
  | {
      readonly ok: false;
      /** `Unhandled` (the handler threw), `Timeout`, `InitError` (init crashed), `Runtime` (worker died). */
      readonly errorType: 'Unhandled' | 'Timeout' | 'InitError' | 'Runtime';
      readonly errorMessage: string;
      /**
       * The error's own name, as the `errorType` of Lambda's error payload: `TypeError`,
       * `Runtime.ImportModuleError`, `Sandbox.Timedout`, `Runtime.ExitError`…
       */
      readonly errorName?: string;
    };

export interface Invoker {
  invoke(functionLogicalId: string, event: unknown): Promise<InvocationResult>;
}
