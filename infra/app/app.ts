import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import { ENVIRONMENTS, type EnvironmentName, resolveEnvironment } from './config';
import { VaultStack } from './stack';

/** The three cdk-nag packs every stack is checked against. */
export function addNagPacks(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
    new NIST80053R5Checks(app),
  );
}

/**
 * The CDK app: one stack per environment (`-c env=NAME`, or every
 * environment when none is named), all checked by cdk-nag.
 */
export function buildApp(app: App = new App()): App {
  addNagPacks(app);
  const only = app.node.tryGetContext('env') as string | undefined;
  const names = only === undefined ? (Object.keys(ENVIRONMENTS) as EnvironmentName[]) : [only];
  for (const name of names) {
    const config = resolveEnvironment(name);
    new VaultStack(app, `Kmsvault-${config.name}`, config, { description: `kmsvault (${config.name})` });
  }
  return app;
}
