import type { InvocationResult, Invoker } from '../lambda/types';

/**
 * Invokes a function through the Invoker, giving up after `timeoutMs` as API
 * Gateway does (its 29 s integration limit): the invocation itself runs on, as
 * a Lambda invocation does after API Gateway stops waiting. An Invoker that
 * rejects instead of answering is a `Runtime` failure.
 */
export async function invokeWithin(
  invoker: Invoker,
  functionLogicalId: string,
  event: unknown,
  timeoutMs: number,
): Promise<InvocationResult | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const invocation = invoker.invoke(functionLogicalId, event).catch(
    (err: unknown): InvocationResult => ({
      ok: false,
      errorType: 'Runtime',
      errorMessage: err instanceof Error ? err.message : String(err),
    }),
  );
  try {
    return await Promise.race([invocation, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
