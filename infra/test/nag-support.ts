import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { acknowledge } from '../src/nag';
import type { Vault } from '../src/vault';

/** The unacknowledged findings of the three packs under `scope`, as `rule construct-path` lines, sorted. */
export function nagFindings(scope: IConstruct): string[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks(), new NIST80053R5Checks()]
    .flatMap((pack) => pack.validateScope(scope).violations)
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`))
    .sort();
}

/** Every rule id acknowledged on `scope` or under it, with the path of the construct that acknowledges it. */
export function acknowledgements(scope: IConstruct): { id: string; path: string; reason: string }[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          id: id.replace(/^annotation::/i, ''),
          path: c.node.path,
          reason,
        })),
      ),
  );
}

/**
 * What a platform team acknowledges for a Vault with the default props (no
 * web ACL, no AWS Backup plan), as README "The construct" shows: each
 * finding on the construct it is about.
 */
export function acknowledgeDefaultChoices(vault: Vault): void {
  const stage = vault.api.deploymentStage;
  acknowledge(stage, 'AwsSolutions-APIG3', 'test app: no web ACL');
  acknowledge(stage, 'NIST.800.53.R5-APIGWAssociatedWithWAF', 'test app: no web ACL');
  acknowledge(vault.table, 'NIST.800.53.R5-DynamoDBInBackupPlan', 'test app: PITR only');
}
