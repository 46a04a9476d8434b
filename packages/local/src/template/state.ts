import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What the provisioner remembers of a key between starts. */
export interface KeyState {
  readonly keyId: string;
  readonly arn: string;
  readonly keySpec: string;
  readonly keyUsage: string;
  /** SHA-256 of the policy last applied (CreateKey or PutKeyPolicy). */
  readonly policySha256: string;
  readonly rotation: boolean;
  readonly enabled: boolean;
}

interface StackStateJson {
  readonly version: 1;
  readonly stackName: string;
  readonly keys: Record<string, KeyState>;
}

/**
 * The local stack's memory of physical ids it cannot derive (key ids come
 * from the KMS emulator): `stack-state.json` in the data dir, so a restart
 * finds the same keys. In memory when no path is given.
 */
export class StackState {
  private constructor(
    private readonly path: string | undefined,
    private readonly data: StackStateJson,
  ) {}

  public static load(path: string | undefined, stackName: string): StackState {
    const empty: StackStateJson = { version: 1, stackName, keys: {} };
    if (path === undefined || !existsSync(path)) return new StackState(path, empty);
    const data = JSON.parse(readFileSync(path, 'utf8')) as StackStateJson;
    // Another stack's state (a different app in the same data dir) is not ours to reuse.
    return new StackState(path, data.version === 1 && data.stackName === stackName ? data : empty);
  }

  public key(logicalId: string): KeyState | undefined {
    return this.data.keys[logicalId];
  }

  public setKey(logicalId: string, key: KeyState): void {
    this.data.keys[logicalId] = key;
    this.save();
  }

  private save(): void {
    if (this.path === undefined) return;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}

/** SHA-256 of a JSON value with its object keys sorted, so key order does not count as a change. */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
