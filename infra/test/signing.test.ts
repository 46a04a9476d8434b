import { App, aws_iam as iam, aws_kms as kms, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addNagPacks } from '../app/app';
import { VaultKey } from '../src/keys';
import { Vault, type VaultProps } from '../src/vault';
import { acknowledgeDefaultChoices } from './nag-support';

const ACCOUNT = '123456789012';
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/KeyAdmin`;
const OLD_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

type Statement = { Action: string | string[]; Principal?: unknown; Resource?: unknown };
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** GIVEN a stack, the signing keys `keys` makes in it, and a Vault given them, WHEN it synthesises. */
function synth(keys: (stack: Stack) => Partial<VaultProps>): {
  stack: Stack;
  vault: Vault;
  template: Template;
} {
  const app = new App();
  const stack = new Stack(app, 'Signing', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const vault = new Vault(stack, 'Vault', { keyAdmins: [new iam.ArnPrincipal(ADMIN)], ...keys(stack) });
  return { stack, vault, template: Template.fromStack(stack) };
}

/** A new ES256 key in `stack`, with aws-cdk-lib's default policy (the account root, so IAM decides). */
const es256 = (stack: Stack, id: string) =>
  new kms.Key(stack, id, { keySpec: kms.KeySpec.ECC_NIST_P256, keyUsage: kms.KeyUsage.SIGN_VERIFY });

const idOf = (stack: Stack, c: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(c.node.defaultChild as never);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? [...s.Action] : [s.Action]).sort();

/** The actions the managed policies of a role allow on `resource`. */
function roleActionsOn(template: Template, roleId: string, resource: unknown): string[] {
  return Object.values(template.toJSON().Resources as Resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::ManagedPolicy' &&
        JSON.stringify(r.Properties.Roles ?? []).includes(`"${roleId}"`),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(resource))
    .flatMap(actionsOf)
    .sort();
}

const envOf = (template: Template) =>
  Object.values(template.findResources('AWS::Lambda::Function')).map(
    (fn) => fn.Properties.Environment.Variables as Record<string, unknown>,
  );

describe('Class: Vault (signingKey)', () => {
  it('signs with the signing key it is given, makes none of its own, and lets only auth sign', () => {
    // GIVEN / WHEN
    let given: kms.Key | undefined;
    const { stack, vault, template } = synth((s) => {
      given = es256(s, 'Current');
      return { signingKey: given };
    });

    // THEN
    const arn = { 'Fn::GetAtt': [idOf(stack, given as kms.Key), 'Arn'] };
    expect(vault.signingKey).toBe(given);
    expect(
      Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.startsWith('VaultSigningKey')),
    ).toEqual([]);
    for (const env of envOf(template)) expect(env.SIGNING_KEY_ID).toEqual(arn);
    const role = (name: 'auth' | 'secrets' | 'authorizer') =>
      idOf(stack, vault.functions[name].role as iam.Role);
    expect(roleActionsOn(template, role('auth'), arn)).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    expect(roleActionsOn(template, role('authorizer'), arn)).toEqual(['kms:GetPublicKey']);
    expect(roleActionsOn(template, role('secrets'), arn)).toEqual([]);
  });

  it('puts the grants in the key policy of a VaultKey given as signing key (no account-root statement)', () => {
    // GIVEN a platform team's own signing key, administered by its key admin only
    let given: VaultKey | undefined;
    const { stack, vault, template } = synth((s) => {
      given = new VaultKey(s, 'Current', {
        grantsToKeyPolicy: true,
        keySpec: kms.KeySpec.ECC_NIST_P256,
        keyUsage: kms.KeyUsage.SIGN_VERIFY,
        policy: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              principals: [new iam.ArnPrincipal(ADMIN)],
              actions: ['kms:PutKeyPolicy', 'kms:DescribeKey'],
              resources: ['*'],
            }),
          ],
        }),
      });
      return { signingKey: given };
    });

    // THEN its policy names the auth role (sign) and the authorizer role (public key)
    const policy = template.toJSON().Resources[idOf(stack, given as VaultKey)].Properties.KeyPolicy
      .Statement as Statement[];
    const allowedTo = (name: 'auth' | 'authorizer') =>
      policy
        .filter((s) =>
          JSON.stringify(s.Principal).includes(idOf(stack, vault.functions[name].role as iam.Role)),
        )
        .flatMap(actionsOf)
        .sort();
    expect(allowedTo('auth')).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    expect(allowedTo('authorizer')).toEqual(['kms:GetPublicKey']);
  });

  it('lets auth and the authorizer read the public key of an imported previous key, in managed policies', () => {
    // GIVEN / WHEN a Vault rotating away from an imported key
    const { stack, vault, template } = synth((s) => ({
      signingKey: es256(s, 'Current'),
      previousSigningKeys: [kms.Key.fromKeyArn(s, 'Old', OLD_KEY)],
    }));

    // THEN
    for (const env of envOf(template)) expect(env.PREVIOUS_SIGNING_KEY_IDS).toBe(OLD_KEY);
    for (const name of ['auth', 'authorizer'] as const) {
      const role = idOf(stack, vault.functions[name].role as iam.Role);
      expect(roleActionsOn(template, role, OLD_KEY)).toEqual(['kms:GetPublicKey']);
    }
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  it('stays cdk-nag clean with imported current and previous signing keys', () => {
    const app = new App();
    addNagPacks(app);
    const stack = new Stack(app, 'SigningNag', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const vault = new Vault(stack, 'Vault', {
      keyAdmins: [new iam.ArnPrincipal(ADMIN)],
      signingKey: kms.Key.fromKeyArn(stack, 'Current', OLD_KEY.replace('1111', '9999')),
      previousSigningKeys: [kms.Key.fromKeyArn(stack, 'Old', OLD_KEY)],
    });
    acknowledgeDefaultChoices(vault);
    expect(() => app.synth()).not.toThrow();
  });

  describe('props validation', () => {
    it('fails if signingKey is not an ES256 key (ECC_NIST_P256, SIGN_VERIFY)', () => {
      expect(() => synth((s) => ({ signingKey: new kms.Key(s, 'Symmetric') }))).toThrow(
        'invalid Vault prop signingKey: got Signing/Symmetric (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT); allowed: a key with keySpec ECC_NIST_P256 and keyUsage SIGN_VERIFY (tokens are ES256)',
      );
    });

    it('fails if a previous signing key is not for signing', () => {
      expect(() =>
        synth((s) => ({
          previousSigningKeys: [
            new kms.Key(s, 'Rsa', { keySpec: kms.KeySpec.RSA_3072, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT }),
          ],
        })),
      ).toThrow(
        /^invalid Vault prop previousSigningKeys\[0\]: got Signing\/Rsa \(RSA_3072, ENCRYPT_DECRYPT\)/,
      );
    });

    it('fails if the signing key is also a previous one', () => {
      expect(() =>
        synth((s) => {
          const key = es256(s, 'Both');
          return { signingKey: key, previousSigningKeys: [key] };
        }),
      ).toThrow(
        'invalid Vault prop previousSigningKeys[0]: got Signing/Both; it is already signingKey; a key is either the current signing key or a previous one, once',
      );
    });

    it('fails if a previous signing key is listed twice', () => {
      expect(() =>
        synth((s) => {
          const old = kms.Key.fromKeyArn(s, 'Old', OLD_KEY);
          return { previousSigningKeys: [old, kms.Key.fromKeyArn(s, 'OldAgain', OLD_KEY)] };
        }),
      ).toThrow(
        /^invalid Vault prop previousSigningKeys\[1\]: got Signing\/OldAgain; it is already previousSigningKeys\[0\]/,
      );
    });
  });
});
