import { randomUUID } from 'node:crypto';
import { KmsError } from './errors';
import type { KeyContext } from './key-context';
import { createKeySpecAndUsage } from './key-specs';
import { newMaterial } from './material';
import {
  DAY_MS,
  type Input,
  type Output,
  optionalInteger,
  optionalString,
  paginate,
  seconds,
  truncation,
} from './request';
import { addTags, parseTags } from './tags';
import type { KeyRecord } from './types';

/**
 * Key lifecycle: CreateKey, UpdateKeyDescription, ListKeys, Enable/DisableKey,
 * Schedule/CancelKeyDeletion.
 */

const MAX_DESCRIPTION_LENGTH = 8192;

/** @param policy the key policy's JSON text, already checked (see key-policy.ts) */
export function createKey(ctx: KeyContext, input: Input, policy?: string): Output {
  const { spec, usage } = createKeySpecAndUsage(input);
  const tags = parseTags(input.Tags, false);
  const description = validDescription(optionalString(input, 'Description') ?? '');
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
  addTags(key, tags);
  ctx.state.keys[keyId] = key;
  ctx.save();
  return { KeyMetadata: ctx.metadata(key) };
}

export function updateKeyDescription(ctx: KeyContext, input: Input): Output {
  const key = ctx.manageable(ctx.resolve(input.KeyId));
  const description = input.Description;
  if (typeof description !== 'string') throw new KmsError('ValidationException', 'Description is required');
  key.description = validDescription(description);
  ctx.save();
  return {};
}

export function listKeys(ctx: KeyContext, input: Input): Output {
  const all = Object.values(ctx.state.keys).sort((a, b) => a.createdAt - b.createdAt);
  const { page, next } = paginate(all, input);
  return {
    Keys: page.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })),
    ...truncation(next),
  };
}

export function setEnabled(ctx: KeyContext, input: Input, enabled: boolean): Output {
  const key = ctx.manageable(ctx.resolve(input.KeyId));
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

function validDescription(description: string): string {
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw new KmsError('ValidationException', `Description is over ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  return description;
}
