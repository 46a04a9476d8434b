import type { ProvisionContext, ResourceHandler } from '../context';
import { physical } from '../physical';
import type { KeyReference } from '../providers';
import { stableHash } from '../state';
import { type KeyResource, type PolicyDocument, TemplateError } from '../types';
import { bool, optStr, str } from './props';

/**
 * AWS::KMS::Key → a key in the KMS emulator, created by the deployer with
 * the template's key policy. The emulator assigns key ids, so the logical id
 * → key id mapping lives in the stack state: a restart reuses the key (and
 * applies PutKeyPolicy, rotation and enabled state when the template changed
 * them); a changed KeySpec or KeyUsage replaces the key, as CloudFormation does.
 */
export const provisionKey: ResourceHandler = async (ctx, r) => {
  const p = r.resolved;
  const keySpec = optStr(p, 'KeySpec') ?? 'SYMMETRIC_DEFAULT';
  const keyUsage = optStr(p, 'KeyUsage') ?? 'ENCRYPT_DECRYPT';
  const description = optStr(p, 'Description');
  const policy = keyPolicy(ctx, p.KeyPolicy, r.logicalId);
  const enableKeyRotation = bool(p, 'EnableKeyRotation', false);
  const enabled = bool(p, 'Enabled', true);
  const key = await ensureKey(ctx, r.logicalId, {
    logicalId: r.logicalId,
    keySpec,
    keyUsage,
    ...(description !== undefined ? { description } : {}),
    policy,
    enableKeyRotation,
    enabled,
  });
  const resource: KeyResource = {
    logicalId: r.logicalId,
    keyId: key.keyId,
    arn: key.arn,
    keySpec,
    keyUsage,
    ...(description !== undefined ? { description } : {}),
    enableKeyRotation,
    enabled,
    policy,
  };
  ctx.collected.keys.push(resource);
  return physical(key.keyId, { Arn: key.arn, KeyId: key.keyId });
};

async function ensureKey(
  ctx: ProvisionContext,
  logicalId: string,
  want: Parameters<ProvisionContext['keys']['createKey']>[0],
): Promise<KeyReference> {
  const policySha256 = stableHash(want.policy);
  const known = ctx.state.key(logicalId);
  const sameKind = known !== undefined && known.keySpec === want.keySpec && known.keyUsage === want.keyUsage;
  const existing = sameKind ? await ctx.keys.describeKey(known.keyId) : undefined;
  if (known !== undefined && existing !== undefined) {
    if (known.policySha256 !== policySha256) await ctx.keys.putKeyPolicy(existing.keyId, want.policy);
    if (known.rotation !== want.enableKeyRotation)
      await ctx.keys.setKeyRotation(existing.keyId, want.enableKeyRotation);
    if (known.enabled !== want.enabled) await ctx.keys.setKeyEnabled(existing.keyId, want.enabled);
  }
  const key = existing ?? (await ctx.keys.createKey(want));
  ctx.state.setKey(logicalId, {
    keyId: key.keyId,
    arn: key.arn,
    keySpec: want.keySpec,
    keyUsage: want.keyUsage,
    policySha256,
    rotation: want.enableKeyRotation,
    enabled: want.enabled,
  });
  return key;
}

/** The resolved KeyPolicy (an object, or a JSON string); CloudFormation's default policy when absent. */
function keyPolicy(ctx: ProvisionContext, value: unknown, logicalId: string): PolicyDocument {
  if (value === undefined) {
    const { partition, account } = ctx.env;
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:${partition}:iam::${account}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    };
  }
  const policy = typeof value === 'string' ? parseJson(value, logicalId) : value;
  if (policy === null || typeof policy !== 'object' || !('Statement' in policy)) {
    throw new TemplateError(logicalId, 'KeyPolicy is not a policy document (no Statement)');
  }
  return policy as PolicyDocument;
}

function parseJson(text: string, logicalId: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TemplateError(logicalId, 'KeyPolicy is a string that is not JSON');
  }
}

/** AWS::KMS::Alias → CreateAlias (or UpdateAlias) in the emulator; Ref is the alias name. */
export const provisionAlias: ResourceHandler = async (ctx, r) => {
  const aliasName = str(r.resolved, 'AliasName', r.logicalId);
  const target = str(r.resolved, 'TargetKeyId', r.logicalId);
  const targetKeyId = /:key\/(.+)$/.exec(target)?.[1] ?? target;
  await ctx.keys.ensureAlias(aliasName, targetKeyId);
  ctx.collected.aliases.push({ logicalId: r.logicalId, aliasName, targetKeyId });
  const { partition, region, account } = ctx.env;
  return physical(aliasName, {
    AliasName: aliasName,
    Arn: `arn:${partition}:kms:${region}:${account}:${aliasName}`,
  });
};
