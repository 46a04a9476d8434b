import { KmsError } from './errors';
import type { KeyContext } from './key-context';
import { type Input, type Output, paginate, truncation } from './request';
import type { KeyRecord, TagRecord } from './types';

/** Tags: TagResource, UntagResource, ListResourceTags, and CreateKey's Tags. */

/** KMS's limits: the Tag shape's lengths and the quota of tags per key. */
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;
const MAX_TAGS_PER_KEY = 50;
const LIST_LIMITS = { defaultLimit: 50, maxLimit: 50 };

export function tagResource(ctx: KeyContext, input: Input): Output {
  const key = ctx.manageable(ctx.resolve(input.KeyId));
  const tags = parseTags(input.Tags, true);
  addTags(key, tags);
  ctx.save();
  return {};
}

export function untagResource(ctx: KeyContext, input: Input): Output {
  const key = ctx.manageable(ctx.resolve(input.KeyId));
  const names = input.TagKeys;
  if (!Array.isArray(names) || names.length === 0) {
    throw new KmsError('ValidationException', 'TagKeys is required and must be a non-empty list');
  }
  const removed = new Set(names.map((name) => validTagKey(name)));
  key.tags = (key.tags ?? []).filter((tag) => !removed.has(tag.key));
  ctx.save();
  return {};
}

export function listResourceTags(ctx: KeyContext, input: Input): Output {
  const key = ctx.resolve(input.KeyId);
  const { page, next } = paginate(key.tags ?? [], input, LIST_LIMITS);
  return { Tags: page.map((t) => ({ TagKey: t.key, TagValue: t.value })), ...truncation(next) };
}

/**
 * A request's `Tags` list, validated as KMS does: lengths by the model
 * (ValidationException), the reserved `aws:` prefix by KMS (TagException).
 */
export function parseTags(value: unknown, required: boolean): TagRecord[] {
  if (value === undefined || value === null) {
    if (required) throw new KmsError('ValidationException', 'Tags is required');
    return [];
  }
  if (!Array.isArray(value)) throw new KmsError('ValidationException', 'Tags must be a list');
  return value.map((tag: unknown) => {
    const { TagKey, TagValue } = (tag ?? {}) as { TagKey?: unknown; TagValue?: unknown };
    if (typeof TagValue !== 'string' || TagValue.length > MAX_TAG_VALUE_LENGTH) {
      throw new KmsError(
        'ValidationException',
        `TagValue is required and must be at most ${MAX_TAG_VALUE_LENGTH} characters`,
      );
    }
    return { key: validTagKey(TagKey), value: TagValue };
  });
}

/** Sets each tag, replacing the value of a key already there, within the quota. */
export function addTags(key: KeyRecord, tags: readonly TagRecord[]): void {
  const merged = [...(key.tags ?? [])];
  for (const tag of tags) {
    const at = merged.findIndex((t) => t.key === tag.key);
    if (at >= 0) merged[at] = tag;
    else merged.push(tag);
  }
  if (merged.length > MAX_TAGS_PER_KEY) {
    throw new KmsError('LimitExceededException', `a key can have at most ${MAX_TAGS_PER_KEY} tags`);
  }
  key.tags = merged;
}

function validTagKey(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TAG_KEY_LENGTH) {
    throw new KmsError(
      'ValidationException',
      `TagKey is required and must be 1 to ${MAX_TAG_KEY_LENGTH} characters`,
    );
  }
  if (value.toLowerCase().startsWith('aws:')) {
    throw new KmsError('TagException', `TagKey '${value}' uses the prefix aws:, which is reserved for AWS`);
  }
  return value;
}
