import { KmsError } from './errors';
import { current, type KeyContext } from './key-context';
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
import type { KeyMaterial, KeyRecord, RotationType } from './types';

/**
 * Key rotation: Enable/DisableKeyRotation, GetKeyRotationStatus,
 * RotateKeyOnDemand, ListKeyRotations.
 *
 * As in KMS, automatic rotation keeps its own schedule (a period after it was
 * enabled) which on-demand rotations do not move, and a key rotates on demand
 * at most 25 times. The emulator reports the schedule but never performs an
 * automatic rotation.
 */

const MAX_ON_DEMAND_ROTATIONS = 25;
const DEFAULT_ROTATION_PERIOD_DAYS = 365;

export function setRotation(ctx: KeyContext, input: Input, enabled: boolean): Output {
  const key = rotatable(ctx.usable(ctx.resolve(input.KeyId)));
  if (enabled) {
    const period = optionalInteger(input, 'RotationPeriodInDays') ?? DEFAULT_ROTATION_PERIOD_DAYS;
    if (period < 90 || period > 2560) {
      throw new KmsError('ValidationException', `RotationPeriodInDays ${period} is not between 90 and 2560`);
    }
    // A new period on a key that already rotates keeps its schedule's start.
    if (!key.rotationEnabled || key.rotationScheduledFrom === undefined)
      key.rotationScheduledFrom = Date.now();
    key.rotationPeriodInDays = period;
  } else {
    delete key.rotationScheduledFrom;
    delete key.rotationPeriodInDays;
  }
  key.rotationEnabled = enabled;
  ctx.save();
  return {};
}

export function getRotationStatus(ctx: KeyContext, input: Input): Output {
  const key = ctx.resolve(input.KeyId);
  const out: Output = { KeyId: key.arn, KeyRotationEnabled: key.rotationEnabled };
  if (key.rotationEnabled) {
    const period = key.rotationPeriodInDays ?? DEFAULT_ROTATION_PERIOD_DAYS;
    out.RotationPeriodInDays = period;
    out.NextRotationDate = seconds((key.rotationScheduledFrom ?? key.createdAt) + period * DAY_MS);
  }
  // No OnDemandRotationStartDate: KMS shows it only while an on-demand
  // rotation is in progress, and the emulator's complete at once.
  return out;
}

export function rotateOnDemand(ctx: KeyContext, input: Input): Output {
  const key = rotatable(ctx.usable(ctx.resolve(input.KeyId)));
  const done = key.materials.filter((m, i) => rotationTypeOf(m, i) === 'ON_DEMAND').length;
  if (done >= MAX_ON_DEMAND_ROTATIONS) {
    throw new KmsError(
      'LimitExceededException',
      `${key.arn} has been rotated on demand ${done} times, the most KMS allows`,
    );
  }
  key.materials.push({ ...newMaterial(key.keySpec), rotationType: 'ON_DEMAND' });
  ctx.save();
  return { KeyId: key.arn };
}

export function listRotations(ctx: KeyContext, input: Input): Output {
  const key = ctx.resolve(input.KeyId);
  const include = optionalString(input, 'IncludeKeyMaterial') ?? 'ROTATIONS_ONLY';
  if (include !== 'ROTATIONS_ONLY' && include !== 'ALL_KEY_MATERIAL') {
    throw new KmsError(
      'ValidationException',
      `IncludeKeyMaterial '${include}' is not ROTATIONS_ONLY or ALL_KEY_MATERIAL`,
    );
  }
  const listed =
    key.keySpec !== 'SYMMETRIC_DEFAULT'
      ? []
      : include === 'ALL_KEY_MATERIAL'
        ? key.materials
        : key.materials.slice(1);
  const { page, next } = paginate(listed, input);
  return { Rotations: page.map((m) => rotationEntry(key, m)), ...truncation(next) };
}

function rotationEntry(key: KeyRecord, material: KeyMaterial): Output {
  const entry: Output = {
    KeyId: key.arn,
    KeyMaterialId: material.id,
    KeyMaterialState: material === current(key) ? 'CURRENT' : 'NON_CURRENT',
  };
  const type = rotationTypeOf(material, key.materials.indexOf(material));
  // KMS leaves RotationDate and RotationType out for the first key material.
  if (type !== undefined) {
    entry.RotationDate = seconds(material.createdAt);
    entry.RotationType = type;
  }
  return entry;
}

function rotationTypeOf(material: KeyMaterial, index: number): RotationType | undefined {
  if (index === 0) return undefined;
  return material.rotationType ?? 'ON_DEMAND';
}

function rotatable(key: KeyRecord): KeyRecord {
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'UnsupportedOperationException',
      `${key.arn} is a ${key.keySpec} key; only symmetric keys rotate`,
    );
  }
  return key;
}
