import { KmsError } from './errors';
import type { KeyContext } from './key-context';
import { keyTypeOf } from './key-specs';
import { type Input, type Output, paginate, requiredString, seconds, truncation } from './request';

const MAX_ALIAS_NAME_LENGTH = 256;

/** Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. */

export function createAlias(ctx: KeyContext, input: Input): Output {
  const name = validAliasName(requiredString(input, 'AliasName'));
  if (ctx.state.aliases[name] !== undefined) {
    throw new KmsError(
      'AlreadyExistsException',
      `An alias with the name ${ctx.aliasArn(name)} already exists`,
    );
  }
  const target = ctx.resolveTarget(input.TargetKeyId);
  ctx.state.aliases[name] = { aliasName: name, targetKeyId: target.keyId, createdAt: Date.now() };
  ctx.save();
  return {};
}

export function updateAlias(ctx: KeyContext, input: Input): Output {
  const name = requiredString(input, 'AliasName');
  const alias = ctx.state.aliases[name];
  if (alias === undefined)
    throw new KmsError('NotFoundException', `Alias ${ctx.aliasArn(name)} is not found.`);
  const target = ctx.resolveTarget(input.TargetKeyId);
  const currentTarget = ctx.state.keys[alias.targetKeyId];
  if (
    currentTarget !== undefined &&
    (keyTypeOf(currentTarget.keySpec) !== keyTypeOf(target.keySpec) ||
      currentTarget.keyUsage !== target.keyUsage)
  ) {
    // KMS: "The current and new KMS key must be the same type (both symmetric
    // or both asymmetric or both HMAC), and they must have the same key usage."
    throw new KmsError(
      'ValidationException',
      `${target.arn} is a ${keyTypeOf(target.keySpec)} ${target.keyUsage} key but ${name} points to a ` +
        `${keyTypeOf(currentTarget.keySpec)} ${currentTarget.keyUsage} key: ` +
        'the alias and the new target key must have the same key type and key usage',
    );
  }
  alias.targetKeyId = target.keyId;
  ctx.save();
  return {};
}

export function deleteAlias(ctx: KeyContext, input: Input): Output {
  const name = requiredString(input, 'AliasName');
  if (ctx.state.aliases[name] === undefined) {
    throw new KmsError('NotFoundException', `Alias ${ctx.aliasArn(name)} is not found.`);
  }
  delete ctx.state.aliases[name];
  ctx.save();
  return {};
}

export function listAliases(ctx: KeyContext, input: Input): Output {
  const filter = input.KeyId === undefined ? undefined : ctx.resolve(input.KeyId).keyId;
  const all = Object.values(ctx.state.aliases)
    .filter((a) => filter === undefined || a.targetKeyId === filter)
    .sort((a, b) => (a.aliasName < b.aliasName ? -1 : 1));
  const { page, next } = paginate(all, input);
  return {
    Aliases: page.map((a) => ({
      AliasName: a.aliasName,
      AliasArn: ctx.aliasArn(a.aliasName),
      TargetKeyId: a.targetKeyId,
      CreationDate: seconds(a.createdAt),
    })),
    ...truncation(next),
  };
}

/** KMS's AliasNameType: 1 to 256 characters of `^[a-zA-Z0-9:/_-]+$`, beginning with alias/. */
function validAliasName(name: string): string {
  if (!/^alias\/[a-zA-Z0-9:/_-]+$/.test(name) || name.length > MAX_ALIAS_NAME_LENGTH) {
    throw new KmsError(
      'ValidationException',
      `AliasName '${name}' must be alias/ followed by letters, digits, :, /, _ or -, at most ${MAX_ALIAS_NAME_LENGTH} characters in all`,
    );
  }
  if (name.startsWith('alias/aws/')) {
    throw new KmsError('InvalidAliasNameException', `AliasName '${name}' is reserved for AWS managed keys`);
  }
  return name;
}
