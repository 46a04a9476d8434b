import { bundleFunctions } from '../infra/scripts/bundle-functions';
import { ensureCliBuilt } from '../packages/cli/scripts/build';
import { WORKSPACE_ROOT } from '../packages/local/src/cloud/stack';
import { ensureAssembly } from '../packages/local/src/template/synth';

/**
 * Before any suite starts a local stack: the dev stack's cloud assembly is
 * synthesized once (or found up to date), so parallel suites all run the
 * same template and none of them pays for the synth. The CLI's bundle is
 * built the same way (or found up to date): the CLI tests run what users install.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  // The Vault deploys the prebuilt bundles in infra/assets: made from the sources now, for every synth of the run.
  bundleFunctions();
  const assembly = await ensureAssembly({ root: WORKSPACE_ROOT });
  process.stdout.write(`\njest: dev stack assembly ${assembly.reason} (${Date.now() - started} ms)\n`);
  const cliStarted = Date.now();
  const cli = await ensureCliBuilt();
  process.stdout.write(`jest: CLI bundle ${cli.reason} (${Date.now() - cliStarted} ms)\n`);
}
