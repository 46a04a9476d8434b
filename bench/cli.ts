import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { ensureCliBuilt } from '../packages/cli/scripts/build';
import { median, nowMs, round } from './stats';

/** Wall time of one fresh process, in ms; it must exit 0. */
function wallMs(args: string[]): number {
  const start = nowMs();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  const ms = nowMs() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return ms;
}

/**
 * The CLI's cold start: `kmsvault --help` from the built bundle (what `npm install -g` installs) against
 * `node -e 0`, each the median of `runs` fresh processes, the two alternating so load on the machine hits
 * both alike.
 */
export async function benchCli(runs = 31): Promise<{
  measured_at: string;
  bundle_bytes: number;
  help_p50_ms: number;
  node_e0_p50_ms: number;
  ratio_help_vs_node: number;
}> {
  const { bundle } = await ensureCliBuilt();
  const help: number[] = [];
  const bare: number[] = [];
  wallMs([bundle, '--help']); // warm the file cache
  for (let i = 0; i < runs; i++) {
    help.push(wallMs([bundle, '--help']));
    bare.push(wallMs(['-e', '0']));
  }
  return {
    measured_at: new Date().toISOString(),
    bundle_bytes: statSync(bundle).size,
    help_p50_ms: round(median(help), 1),
    node_e0_p50_ms: round(median(bare), 1),
    ratio_help_vs_node: round(median(help) / median(bare), 2),
  };
}
