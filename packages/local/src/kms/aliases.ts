import { KmsError } from './errors';
import type { KeyContext } from './key-context';
import { type Input, type Output, paginate, requiredString, seconds } from './request';

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
  alias.targetKeyId = ctx.resolveTarget(input.TargetKeyId).keyId;
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
    Truncated: next !== undefined,
    ...(next !== undefined ? { NextMarker: next } : {}),
  };
}

function validAliasName(name: string): string {
  if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(name)) {
    throw new KmsError(
      'ValidationException',
      `AliasName '${name}' must be alias/ followed by letters, digits, /, _ or -`,
    );
  }
  if (name.startsWith('alias/aws/')) {
    throw new KmsError('InvalidAliasNameException', `AliasName '${name}' is reserved for AWS managed keys`);
  }
  return name;
}
