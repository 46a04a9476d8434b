import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { KmsError } from './errors';
import type { Fault } from './types';

const faultSchema = z
  .object({
    operations: z.array(z.string().min(1)).min(1).optional(),
    mode: z.enum(['unavailable', 'throttle', 'latency']),
    latencyMs: z.number().int().min(0).max(60_000).default(200),
    count: z.number().int().min(1).optional(),
  })
  .strict();

/** A fault description that is not one: the message names the problem. */
export class FaultSpecError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

/**
 * The emulator's injected faults: make matching calls fail as KMS does under
 * load or outage (ThrottlingException, 503 KMSInternalException), or slow them
 * down. The first fault whose operations match a call applies to it; a fault
 * with a count ends after that many calls.
 */
export class FaultInjector {
  private faults: Fault[] = [];

  /**
   * Adds a fault from its JSON description
   * `{operations?, mode, latencyMs? = 200, count?}`.
   * @throws FaultSpecError when the description is malformed
   */
  public add(spec: unknown): readonly Fault[] {
    const parsed = faultSchema.safeParse(spec);
    if (!parsed.success) throw new FaultSpecError(z.prettifyError(parsed.error));
    const { mode, latencyMs, operations, count } = parsed.data;
    this.faults.push({
      mode,
      latencyMs,
      ...(operations !== undefined ? { operations } : {}),
      ...(count !== undefined ? { remaining: count } : {}),
    });
    return this.list();
  }

  public list(): readonly Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  public clear(): void {
    this.faults = [];
  }

  /**
   * Applies the fault matching `operation`, if any: waits, or throws the
   * KmsError KMS would answer with.
   */
  public async apply(operation: string): Promise<void> {
    const fault = this.faults.find((f) => f.operations === undefined || f.operations.includes(operation));
    if (fault === undefined) return;
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    }
    switch (fault.mode) {
      case 'latency':
        await sleep(fault.latencyMs);
        return;
      case 'throttle':
        throw new KmsError('ThrottlingException', 'Rate exceeded');
      case 'unavailable':
        throw new KmsError('KMSInternalException', 'the service is unavailable', 503);
    }
  }
}
