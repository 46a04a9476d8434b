import { App, aws_dynamodb as dynamodb, aws_iam as iam, Stack } from 'aws-cdk-lib';
import { addNagPacks, buildApp } from '../app/app';
import { ENVIRONMENTS } from '../app/config';
import { acknowledge } from '../src/nag';
import { Vault, type VaultProps } from '../src/vault';
import { acknowledgeDefaultChoices, acknowledgements, nagFindings } from './nag-support';

const ADMIN = 'arn:aws:iam::123456789012:role/KeyAdmin';
const STAGE = 'Team/Vault/Api/DeploymentStage.v1/Resource';
const TABLE = 'Team/Vault/Table/Resource';
const DISTRIBUTION = 'Team/Vault/Web/Distribution/Resource';

/** GIVEN a platform team's app with the nag packs and a Vault of these props in its stack. */
function platformTeamApp(props: Partial<VaultProps> = {}): { app: App; stack: Stack; vault: Vault } {
  const app = new App();
  addNagPacks(app);
  const stack = new Stack(app, 'Team', { env: { account: '123456789012', region: 'us-east-1' } });
  const vault = new Vault(stack, 'Vault', { keyAdmins: [new iam.ArnPrincipal(ADMIN)], ...props });
  return { app, stack, vault };
}

/** The findings a platform team sees for the choices its props make: no web ACL, no backup plan. */
const NO_WAF = [`AwsSolutions-APIG3 ${STAGE}`, `NIST.800.53.R5-APIGWAssociatedWithWAF ${STAGE}`];
const NO_BACKUP_PLAN = [`NIST.800.53.R5-DynamoDBInBackupPlan ${TABLE}`];

describe('cdk-nag: the findings a platform team sees for its choices', () => {
  it('reports the missing web ACL of a Vault with waf off on its stage, unacknowledged, and nothing else but the backup plan', () => {
    // WHEN
    const { stack } = platformTeamApp();

    // THEN
    expect(nagFindings(stack)).toEqual([...NO_WAF, ...NO_BACKUP_PLAN].sort());
  });

  it('reports no WAF finding when waf is on', () => {
    expect(nagFindings(platformTeamApp({ api: { waf: true } }).stack)).toEqual(NO_BACKUP_PLAN);
  });

  it("reports the web vault's distribution: without WAF (AwsSolutions-CFR2) and on the default certificate (AwsSolutions-CFR4)", () => {
    expect(nagFindings(platformTeamApp({ webVault: true }).stack)).toEqual(
      [
        ...NO_WAF,
        ...NO_BACKUP_PLAN,
        `AwsSolutions-CFR2 ${DISTRIBUTION}`,
        `AwsSolutions-CFR4 ${DISTRIBUTION}`,
      ].sort(),
    );
    // With the API's web ACL, which admits only the distribution's requests, CFR2 is the construct's to answer.
    expect(nagFindings(platformTeamApp({ webVault: true, api: { waf: true } }).stack)).toEqual(
      [...NO_BACKUP_PLAN, `AwsSolutions-CFR4 ${DISTRIBUTION}`].sort(),
    );
  });

  it('fails the synthesis of a Vault with waf off until the platform team acknowledges', () => {
    const { app } = platformTeamApp();
    expect(() => app.synth()).toThrow(/AwsSolutions-APIG3/);
  });

  it('synthesizes once the platform team acknowledges its choices on the constructs they are about', () => {
    // GIVEN
    const { app, vault } = platformTeamApp({ webVault: true });

    // WHEN it acknowledges as README "The construct" shows
    acknowledgeDefaultChoices(vault);
    const distribution = (vault.web as NonNullable<Vault['web']>).distribution;
    acknowledge(distribution, 'AwsSolutions-CFR2', 'test app: no web ACL');
    acknowledge(distribution, 'AwsSolutions-CFR4', 'test app: the default certificate');

    // THEN
    expect(() => app.synth()).not.toThrow();
  });

  it('acknowledges none of those findings inside the construct, and no log group encryption finding at all', () => {
    // GIVEN every combination of the props behind them
    for (const props of [{}, { webVault: true }, { webVault: true, api: { waf: true } }]) {
      const { vault } = platformTeamApp(props);

      // THEN (the idempotency table's backup plan finding stays the construct's: nothing there to restore)
      const acknowledged = acknowledgements(vault).map((a) => `${a.id} ${a.path}`);
      for (const finding of [
        'AwsSolutions-APIG3',
        'NIST.800.53.R5-APIGWAssociatedWithWAF',
        'AwsSolutions-CFR4',
        'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      ]) {
        expect(acknowledged.filter((a) => a.startsWith(`${finding} `))).toEqual([]);
      }
      expect(acknowledged.filter((a) => a.startsWith('NIST.800.53.R5-DynamoDBInBackupPlan '))).toEqual([
        'NIST.800.53.R5-DynamoDBInBackupPlan Team/Vault/IdempotencyTable',
      ]);
    }
  });
});

describe("cdk-nag: this repository's app", () => {
  it.each(Object.keys(ENVIRONMENTS))('has no unacknowledged finding in %s', (env) => {
    const app = new App({ context: { env } });
    buildApp(app);
    expect(nagFindings(app.node.findChild(`Kmsvault-${env}`))).toEqual([]);
  });

  it('acknowledges the missing web ACL where its config turns WAF off (dev), in the stack, and nowhere else', () => {
    const waf = ['AwsSolutions-APIG3', 'NIST.800.53.R5-APIGWAssociatedWithWAF', 'AwsSolutions-CFR2'];
    for (const env of Object.keys(ENVIRONMENTS) as (keyof typeof ENVIRONMENTS)[]) {
      const app = new App({ context: { env } });
      buildApp(app);
      const acknowledged = acknowledgements(app.node.findChild(`Kmsvault-${env}`)).filter((a) =>
        waf.includes(a.id),
      );
      if (ENVIRONMENTS[env].waf) {
        // CFR2 only: the construct's, because the API's web ACL admits only the distribution's requests.
        expect(acknowledged.map((a) => [a.id, a.path])).toEqual([
          ['AwsSolutions-CFR2', `Kmsvault-${env}/Vault/Web/Distribution`],
        ]);
      } else {
        expect(acknowledged.map((a) => [a.id, a.path]).sort()).toEqual(
          [
            ['AwsSolutions-APIG3', `Kmsvault-${env}/Vault/Api/DeploymentStage.v1`],
            ['AwsSolutions-CFR2', `Kmsvault-${env}/Vault/Web/Distribution`],
            ['NIST.800.53.R5-APIGWAssociatedWithWAF', `Kmsvault-${env}/Vault/Api/DeploymentStage.v1`],
          ].sort(),
        );
        for (const a of acknowledged) expect(a.reason).toMatch(/config waf: false/);
      }
    }
  });

  it('fails synthesis on an unacknowledged finding', () => {
    // GIVEN a stack with a table that has no point-in-time recovery and no acknowledgement
    const app = new App();
    addNagPacks(app);
    const stack = new Stack(app, 'Bad');
    new dynamodb.Table(stack, 'T', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    expect(() => app.synth()).toThrow(/NIST\.800\.53\.R5-DynamoDBPITREnabled/);
  });
});
