import { randomUUID } from 'node:crypto';
import { KEY_USAGES_BY_SPEC } from './constants';
import { KmsError } from './errors';
import type { KeyContext } from './key-context';
import { newMaterial } from './material';
import {
  DAY_MS,
  type Input,
  type Output,
  optionalInteger,
  optionalString,
  paginate,
  seconds,
} from './request';
import type { KeyRecord, KeySpec, KeyUsage } from './types';

/** Key lifecycle: CreateKey, ListKeys, Enable/DisableKey, Schedule/CancelKeyDeletion. */

/** @param policy the key policy's JSON text, already checked (see key-policy.ts) */
export function createKey(ctx: KeyContext, input: Input, policy?: string): Output {
  const spec = (optionalString(input, 'KeySpec') ??
    optionalString(input, 'CustomerMasterKeySpec') ??
    'SYMMETRIC_DEFAULT') as KeySpec;
  const allowedUsages = KEY_USAGES_BY_SPEC[spec];
  if (allowedUsages === undefined) {
    throw new KmsError(
      'ValidationException',
      `KeySpec '${spec}' is not one of ${Object.keys(KEY_USAGES_BY_SPEC).join(', ')}`,
    );
  }
  const usage = (optionalString(input, 'KeyUsage') ?? 'ENCRYPT_DECRYPT') as KeyUsage;
  if (!allowedUsages.includes(usage)) {
    throw new KmsError('ValidationException', `KeyUsage '${usage}' is not valid for KeySpec '${spec}'`);
  }
  const description = optionalString(input, 'Description') ?? '';
  if (description.length > 8192)
    throw new KmsError('ValidationException', 'Description is over 8192 characters');
  const keyId = randomUUID();
  const key: KeyRecord = {
    keyId,
    arn: ctx.keyArn(keyId),
    createdAt: Date.now(),
    description,
    keySpec: spec,
    keyUsage: usage,
    state: 'Enabled',
    rotationEnabled: false,
    materials: [newMaterial(spec)],
    ...(policy !== undefined ? { policy } : {}),
  };
  ctx.state.keys[keyId] = key;
  ctx.save();
  return { KeyMetadata: ctx.metadata(key) };
}

export function listKeys(ctx: KeyContext, input: Input): Output {
  const all = Object.values(ctx.state.keys).sort((a, b) => a.createdAt - b.createdAt);
  const { page, next } = paginate(all, input);
  return {
    Keys: page.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })),
    Truncated: next !== undefined,
    ...(next !== undefined ? { NextMarker: next } : {}),
  };
}

export function setEnabled(ctx: KeyContext, input: Input, enabled: boolean): Output {
  const key = ctx.resolve(input.KeyId);
  if (key.state === 'PendingDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  }
  key.state = enabled ? 'Enabled' : 'Disabled';
  ctx.save();
  return {};
}

export function scheduleDeletion(ctx: KeyContext, input: Input): Output {
  const key = ctx.resolve(input.KeyId);
  const days = optionalInteger(input, 'PendingWindowInDays') ?? 30;
  if (days < 7 || days > 30) {
    throw new KmsError('ValidationException', `PendingWindowInDays ${days} is not between 7 and 30`);
  }
  if (key.state === 'PendingDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  }
  key.state = 'PendingDeletion';
  key.deletionDate = Date.now() + days * DAY_MS;
  ctx.save();
  return {
    KeyId: key.arn,
    DeletionDate: seconds(key.deletionDate),
    KeyState: key.state,
    PendingWindowInDays: days,
  };
}

export function cancelDeletion(ctx: KeyContext, input: Input): Output {
  const key = ctx.resolve(input.KeyId);
  if (key.state !== 'PendingDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
  }
  key.state = 'Disabled';
  delete key.deletionDate;
  ctx.save();
  return { KeyId: key.arn };
}
