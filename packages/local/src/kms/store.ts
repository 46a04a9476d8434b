import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KmsState } from './types';

/**
 * Where the emulator keeps its keys: in memory, or in a JSON file readable by
 * its owner only (mode 0600), rewritten atomically after every change.
 */
export interface KmsStateStore {
  load(): KmsState;
  save(state: KmsState): void;
}

export class MemoryStateStore implements KmsStateStore {
  public load(): KmsState {
    return { keys: {}, aliases: {} };
  }

  public save(): void {}
}

export class FileStateStore implements KmsStateStore {
  public constructor(private readonly path: string) {}

  public load(): KmsState {
    if (!existsSync(this.path)) return { keys: {}, aliases: {} };
    const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<KmsState>;
    return { keys: parsed.keys ?? {}, aliases: parsed.aliases ?? {} };
  }

  public save(state: KmsState): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}
