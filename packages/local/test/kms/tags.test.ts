import {
  KMSInvalidStateException,
  LimitExceededException,
  ListResourceTagsCommand,
  NotFoundException,
  ScheduleKeyDeletionCommand,
  type Tag,
  TagException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kms';
import { useKmsServer } from './fixture';

const byKey = (tags: readonly Tag[] | undefined) =>
  [...(tags ?? [])].sort((a, b) => ((a.TagKey as string) < (b.TagKey as string) ? -1 : 1));

describe('Function: tagResource', () => {
  const fixture = useKmsServer();

  it('keeps CreateKey tags, adds and replaces with TagResource, and removes with UntagResource', async () => {
    // Arrange
    const { kms, createKey } = fixture;
    const keyId = await createKey('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', {
      Tags: [
        { TagKey: 'app', TagValue: 'kmsvault' },
        { TagKey: 'stage', TagValue: 'dev' },
      ],
    });

    // Act
    const created = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
    await kms.send(
      new TagResourceCommand({
        KeyId: keyId,
        Tags: [
          { TagKey: 'stage', TagValue: 'prod' },
          { TagKey: 'owner', TagValue: '' },
        ],
      }),
    );
    await kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['app', 'never-set'] }));
    const updated = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));

    // Assert
    expect(byKey(created.Tags)).toEqual([
      { TagKey: 'app', TagValue: 'kmsvault' },
      { TagKey: 'stage', TagValue: 'dev' },
    ]);
    expect(created.Truncated).toBe(false);
    expect(byKey(updated.Tags)).toEqual([
      { TagKey: 'owner', TagValue: '' },
      { TagKey: 'stage', TagValue: 'prod' },
    ]);
  });

  it('throws TagException for a tag key with the reserved aws: prefix, in any case', async () => {
    const { kms, createKey } = fixture;
    const keyId = await createKey();
    await expect(
      kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'aws:owner', TagValue: 'x' }] })),
    ).rejects.toBeInstanceOf(TagException);
    await expect(
      kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'AWS:owner', TagValue: 'x' }] })),
    ).rejects.toBeInstanceOf(TagException);
    await expect(
      createKey('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', { Tags: [{ TagKey: 'Aws:x', TagValue: 'y' }] }),
    ).rejects.toBeInstanceOf(TagException);
    await expect(
      kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['aws:owner'] })),
    ).rejects.toBeInstanceOf(TagException);
  });

  it('throws ValidationException for a tag key outside 1..128 characters or a value over 256', async () => {
    const { kms, createKey } = fixture;
    const keyId = await createKey();
    for (const tag of [
      { TagKey: '', TagValue: 'x' },
      { TagKey: 'k'.repeat(129), TagValue: 'x' },
      { TagKey: 'k', TagValue: 'v'.repeat(257) },
    ]) {
      await expect(kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [tag] }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    }
    await expect(
      kms.send(
        new TagResourceCommand({
          KeyId: keyId,
          Tags: [{ TagKey: 'k'.repeat(128), TagValue: 'v'.repeat(256) }],
        }),
      ),
    ).resolves.toBeDefined();
  });

  it('throws LimitExceededException past 50 tags on a key', async () => {
    const { kms, createKey } = fixture;
    const keyId = await createKey();
    const fifty = Array.from({ length: 50 }, (_, i) => ({ TagKey: `t${i}`, TagValue: `${i}` }));
    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: fifty }));
    await expect(
      kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'one-more', TagValue: 'x' }] })),
    ).rejects.toBeInstanceOf(LimitExceededException);
    await expect(
      kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 't0', TagValue: 'replaced' }] })),
    ).resolves.toBeDefined();
  });

  it('throws KMSInvalidStateException on a key pending deletion, whose tags still list', async () => {
    const { kms, createKey } = fixture;
    const keyId = await createKey('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', {
      Tags: [{ TagKey: 'a', TagValue: 'b' }],
    });
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    await expect(
      kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'c', TagValue: 'd' }] })),
    ).rejects.toBeInstanceOf(KMSInvalidStateException);
    await expect(kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['a'] }))).rejects.toBeInstanceOf(
      KMSInvalidStateException,
    );
    const { Tags } = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
    expect(Tags).toEqual([{ TagKey: 'a', TagValue: 'b' }]);
  });

  it('throws NotFoundException for an unknown key', async () => {
    await expect(
      fixture.kms.send(
        new TagResourceCommand({
          KeyId: '0b0b0b0b-1111-2222-3333-444444444444',
          Tags: [{ TagKey: 'a', TagValue: 'b' }],
        }),
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('Function: listResourceTags', () => {
  const fixture = useKmsServer();

  it('pages with Limit and Marker, and throws ValidationException for a Limit over 50', async () => {
    // Arrange
    const { kms, createKey } = fixture;
    const Tags = Array.from({ length: 7 }, (_, i) => ({ TagKey: `k${i}`, TagValue: `v${i}` }));
    const keyId = await createKey('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', { Tags });

    // Act
    const seen: Tag[] = [];
    const sizes: number[] = [];
    let Marker: string | undefined;
    do {
      const page = await kms.send(
        new ListResourceTagsCommand({ KeyId: keyId, Limit: 3, ...(Marker ? { Marker } : {}) }),
      );
      sizes.push(page.Tags?.length ?? 0);
      seen.push(...(page.Tags ?? []));
      Marker = page.Truncated ? page.NextMarker : undefined;
    } while (Marker);

    // Assert
    expect(sizes).toEqual([3, 3, 1]);
    expect(byKey(seen)).toEqual(Tags);
    await expect(kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 51 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});
