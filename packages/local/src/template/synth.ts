import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_STACK_NAME } from './assembly';

export interface EnsureAssemblyOptions {
  /** The workspace root (holds cdk.json, infra/, packages/). */
  readonly root: string;
  /** Where the cloud assembly goes. @default `${root}/cdk.out` */
  readonly outdir?: string;
  /** @default 'Kmsvault-dev' */
  readonly stackName?: string;
  /** CDK context for the synth. @default `{ env: 'dev' }` for `Kmsvault-dev` (the env after `Kmsvault-`) */
  readonly context?: Readonly<Record<string, string>>;
  /** How long to wait for another process's synth into the same outdir. @default 300_000 */
  readonly lockTimeoutMs?: number;
}

export interface EnsuredAssembly {
  readonly outdir: string;
  /** True when an up-to-date assembly was there and no synth ran. */
  readonly reused: boolean;
  /** One line for the ready message: why it was reused or synthesized. */
  readonly reason: string;
  /** SHA-256 over the sources the assembly was made from. */
  readonly sourceHash: string;
}

const STAMP_FILE = '.kmsvault-synth.json';
// infra/assets and infra/lib are built from the sources hashed here (the functions' bundles, the jsii output).
const SKIPPED_DIRS = new Set([
  'node_modules',
  'dist',
  'test',
  'cdk.out',
  'coverage',
  '.kmsvault',
  'assets',
  'lib',
]);

/**
 * A cloud assembly for `stackName` in `outdir`: reused when it was made by
 * this function from the sources as they are now (a SHA-256 over infra/**,
 * packages/*\/src/** but the local cloud's and the CLI's, the package manifests, pnpm-lock.yaml and cdk.json,
 * stamped in the outdir), else synthesized with the workspace's CDK CLI.
 * Concurrent callers (parallel jest workers) take turns through a lock file,
 * so one synth runs and the others reuse its result.
 */
export async function ensureAssembly(options: EnsureAssemblyOptions): Promise<EnsuredAssembly> {
  const root = resolve(options.root);
  const outdir = resolve(options.outdir ?? join(root, 'cdk.out'));
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const context = options.context ?? defaultContext(stackName);
  const sourceHash = hashSources(root, { stackName, context });
  const upToDate = (): string | undefined => staleReason(outdir, stackName, sourceHash);
  const first = upToDate();
  if (first === undefined) return { outdir, reused: true, reason: 'cdk.out is up to date', sourceHash };
  const release = await acquireLock(`${outdir}.lock`, options.lockTimeoutMs ?? 300_000);
  try {
    if (upToDate() === undefined) {
      return { outdir, reused: true, reason: 'cdk.out was synthesized by another process', sourceHash };
    }
    await synthesize(root, outdir, stackName, context);
    if (!stackInManifest(outdir, stackName))
      throw new Error(`cdk synth wrote no stack ${stackName} into ${outdir}`);
    writeFileSync(join(outdir, STAMP_FILE), `${JSON.stringify({ sourceHash, stackName, context })}\n`);
    return { outdir, reused: false, reason: `synthesized (${first})`, sourceHash };
  } finally {
    release();
  }
}

function defaultContext(stackName: string): Record<string, string> {
  const match = /^Kmsvault-(.+)$/.exec(stackName);
  return match === null ? {} : { env: match[1] as string };
}

/** Why the assembly must be synthesized again, or undefined when it is up to date. */
function staleReason(outdir: string, stackName: string, sourceHash: string): string | undefined {
  const stampFile = join(outdir, STAMP_FILE);
  if (!existsSync(stampFile)) return 'no synth stamp in the outdir';
  let stamp: { sourceHash?: string };
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return 'unreadable synth stamp';
  }
  if (stamp.sourceHash !== sourceHash) return 'sources changed since the last synth';
  if (!stackInManifest(outdir, stackName)) return `no stack ${stackName} in the manifest`;
  return undefined;
}

function stackInManifest(outdir: string, stackName: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    return manifest.artifacts?.[stackName]?.type === 'aws:cloudformation:stack';
  } catch {
    return false;
  }
}

/** SHA-256 over the relative path and bytes of every source file the assembly is built from. */
const NOT_IN_THE_APP = new Set(['local', 'cli']);

export function hashSources(root: string, extra: unknown = {}): string {
  const files: string[] = [];
  for (const file of ['cdk.json', 'pnpm-lock.yaml', 'package.json']) {
    if (existsSync(join(root, file))) files.push(join(root, file));
  }
  walk(join(root, 'infra'), files);
  const packages = join(root, 'packages');
  if (existsSync(packages)) {
    for (const entry of readdirSync(packages, { withFileTypes: true })) {
      // The local cloud and the CLI are not in the app: changing them does not change the template.
      if (!entry.isDirectory() || NOT_IN_THE_APP.has(entry.name)) continue;
      const pkg = join(packages, entry.name);
      if (existsSync(join(pkg, 'package.json'))) files.push(join(pkg, 'package.json'));
      walk(join(pkg, 'src'), files);
    }
  }
  const hash = createHash('sha256').update(JSON.stringify(extra));
  for (const file of files.sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function walk(dir: string, into: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(join(dir, entry.name), into);
    } else if (entry.isFile()) {
      into.push(join(dir, entry.name));
    }
  }
}

async function synthesize(
  root: string,
  outdir: string,
  stackName: string,
  context: Readonly<Record<string, string>>,
): Promise<void> {
  const localCdk = join(root, 'node_modules', '.bin', 'cdk');
  const [command, prefix] = existsSync(localCdk) ? [localCdk, []] : ['npx', ['--yes', 'cdk']];
  const contextArgs = Object.entries(context).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const args = [...prefix, 'synth', stackName, ...contextArgs, '--quiet', '--no-notices', '-o', outdir];
  const child = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('exit', done);
  });
  if (code !== 0) throw new Error(`cdk synth ${stackName} failed (exit ${code}):\n${output.trim()}`);
}

/** An O_EXCL lock file holding the owner's pid; a lock whose owner is gone is taken over. */
async function acquireLock(lockFile: string, timeoutMs: number): Promise<() => void> {
  mkdirSync(dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!ownerAlive(lockFile)) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${lockFile} (another synth is running)`);
    await sleep(250);
  }
}

function ownerAlive(lockFile: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, 'utf8'));
  } catch {
    return true; // just created, pid not written yet: give it time
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
