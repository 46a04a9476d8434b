import { KmsError } from './errors';
import type { KeyContext } from './key-context';
import { newMaterial } from './material';
import { DAY_MS, type Input, type Output, optionalInteger, seconds } from './request';

/** Key rotation: Enable/DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations. */

export function setRotation(ctx: KeyContext, input: Input, enabled: boolean): Output {
  const key = ctx.usable(ctx.resolve(input.KeyId));
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'UnsupportedOperationException',
      `${key.arn} is a ${key.keySpec} key; only symmetric keys rotate`,
    );
  }
  if (enabled) {
    const period = optionalInteger(input, 'RotationPeriodInDays') ?? 365;
    if (period < 90 || period > 2560) {
      throw new KmsError('ValidationException', `RotationPeriodInDays ${period} is not between 90 and 2560`);
    }
    key.rotationPeriodInDays = period;
  }
  key.rotationEnabled = enabled;
  ctx.save();
  return {};
}

export function getRotationStatus(ctx: KeyContext, input: Input): Output {
  const key = ctx.resolve(input.KeyId);
  const out: Output = { KeyId: key.arn, KeyRotationEnabled: key.rotationEnabled };
  if (key.rotationEnabled && key.rotationPeriodInDays !== undefined) {
    out.RotationPeriodInDays = key.rotationPeriodInDays;
    const from = key.lastRotatedAt ?? key.createdAt;
    out.NextRotationDate = seconds(from + key.rotationPeriodInDays * DAY_MS);
  }
  if (key.lastRotatedAt !== undefined) out.OnDemandRotationStartDate = seconds(key.lastRotatedAt);
  return out;
}

export function rotateOnDemand(ctx: KeyContext, input: Input): Output {
  const key = ctx.usable(ctx.resolve(input.KeyId));
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'UnsupportedOperationException',
      `${key.arn} is a ${key.keySpec} key; only symmetric keys rotate`,
    );
  }
  key.materials.push(newMaterial(key.keySpec));
  key.lastRotatedAt = Date.now();
  ctx.save();
  return { KeyId: key.arn };
}

export function listRotations(ctx: KeyContext, input: Input): Output {
  const key = ctx.resolve(input.KeyId);
  return {
    Rotations: key.materials.slice(1).map((m) => ({
      KeyId: key.arn,
      RotationDate: seconds(m.createdAt),
      RotationType: 'ON_DEMAND',
    })),
    Truncated: false,
  };
}
