import {
  AttributeAction,
  type CustomType,
  decodeValue,
  type EntitySchema,
  encodeValue,
  IntegrityError,
  ItemEncryptor,
  MATERIAL_ATTRIBUTE,
  PreconditionError,
  SchemaError,
  SIGNATURE_ATTRIBUTE,
} from '../../src/crypto';
import { secretItem, secretSchema, TABLE, userKey } from './fixtures';

const flip = (bytes: unknown, at = -1): Uint8Array => {
  const copy = new Uint8Array(bytes as Uint8Array);
  const i = at < 0 ? copy.length + at : at;
  copy[i] = (copy[i] as number) ^ 0x01;
  return copy;
};

describe('Class: ItemEncryptor', () => {
  const encryptor = new ItemEncryptor(TABLE, secretSchema);
  const key = userKey();
  const keys = () => key;

  describe('round trip', () => {
    it.each<[string, unknown]>([
      ['string', 'héllo wörld ✓'],
      ['empty string', ''],
      ['integer', 42],
      ['negative float', -3.25],
      ['large number', Number.MAX_SAFE_INTEGER],
      ['binary', new Uint8Array([0, 1, 2, 255])],
      ['boolean true', true],
      ['boolean false', false],
      ['null', null],
      ['list', ['a', 1, null, [true, { x: 'y' }]]],
      ['map', { b: 1, a: { nested: [new Uint8Array([9])] } }],
      ['string set', new Set(['x', 'y'])],
      ['number set', new Set([1, 2, 3])],
      ['binary set', new Set([new Uint8Array([1]), new Uint8Array([2])])],
    ])('returns a %s exactly, with its type', async (_label, value) => {
      // Arrange
      const item = secretItem({ extra: value });

      // Act
      const stored = encryptor.encrypt(item, key);
      const back = await encryptor.decrypt(stored, keys);

      // Assert
      expect(back.extra).toEqual(value);
      expect(stored.extra).toBeInstanceOf(Uint8Array);
    });

    it('round-trips items with every mix of actions, keeping DO_NOTHING and SIGN_ONLY in the clear', async () => {
      // Arrange
      const mixes = [
        { pk: 'p', sk: 's' },
        { pk: 'p', sk: 's', id: 'i' },
        { pk: 'p', sk: 's', name: 'n' },
        { pk: 'p', sk: 's', beacon: 'b', id: 'i', version: 1, name: 'n', notes: 'x'.repeat(65_536) },
      ];

      for (const item of mixes) {
        // Act
        const stored = encryptor.encrypt(item, key);
        const back = await encryptor.decrypt(stored, keys);

        // Assert
        expect(back).toEqual(item);
        for (const [name, value] of Object.entries(item)) {
          const action = secretSchema.attributes[name];
          if (action === AttributeAction.ENCRYPT_AND_SIGN) expect(stored[name]).not.toEqual(value);
          else expect(stored[name]).toEqual(value);
        }
      }
    });

    it('stores no plaintext of encrypted attributes', () => {
      const stored = encryptor.encrypt(secretItem(), key);
      const bytes = Buffer.concat(
        Object.values(stored)
          .filter((v): v is Uint8Array => v instanceof Uint8Array)
          .map((v) => Buffer.from(v)),
      );
      for (const secret of ['correct horse', 'PIN is in the safe', 'bank.example', 'money']) {
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
      }
    });

    it('uses a custom type through its serialiser pair', async () => {
      // Arrange
      const dateType: CustomType<Date> = {
        name: 'date',
        is: (v): v is Date => v instanceof Date,
        serialise: (d) => Buffer.from(d.toISOString()),
        deserialise: (b) => new Date(Buffer.from(b).toString()),
      };
      const schema: EntitySchema = { ...secretSchema, customTypes: [dateType] };
      const withDates = new ItemEncryptor(TABLE, schema);
      const when = new Date('2030-01-02T03:04:05.000Z');

      // Act
      const back = await withDates.decrypt(withDates.encrypt(secretItem({ extra: { when } }), key), keys);

      // Assert
      expect((back.extra as { when: Date }).when).toEqual(when);
      expect((back.extra as { when: Date }).when).toBeInstanceOf(Date);
    });

    it('encrypts the same item differently each time (fresh salt and IVs)', () => {
      const a = encryptor.encrypt(secretItem(), key);
      const b = encryptor.encrypt(secretItem(), key);
      expect(Buffer.from(a.password as Uint8Array).equals(Buffer.from(b.password as Uint8Array))).toBe(false);
      expect(
        Buffer.from(a[MATERIAL_ATTRIBUTE] as Uint8Array).equals(
          Buffer.from(b[MATERIAL_ATTRIBUTE] as Uint8Array),
        ),
      ).toBe(false);
    });

    it('reports the key version an item needs', () => {
      const stored = encryptor.encrypt(secretItem(), userKey(7));
      expect(encryptor.keyVersionOf(stored)).toBe(7);
    });
  });

  describe('schema', () => {
    it('rejects an attribute the schema does not declare instead of storing it in the clear', () => {
      expect(() => encryptor.encrypt(secretItem({ ssn: '123-45-6789' }), key)).toThrow(SchemaError);
      expect(() => encryptor.encrypt(secretItem({ ssn: '123-45-6789' }), key)).toThrow(/ssn/);
    });

    it('rejects an item without string keys', () => {
      expect(() => encryptor.encrypt(secretItem({ sk: 5 }), key)).toThrow(SchemaError);
    });
  });

  describe('tampering', () => {
    const stored = () => encryptor.encrypt(secretItem(), key);
    const expectIntegrityError = async (record: Record<string, unknown>, provider = keys) => {
      const result = encryptor.decrypt(record, provider);
      await expect(result).rejects.toBeInstanceOf(IntegrityError);
      await expect(result).rejects.toMatchObject({ code: 'integrity_error' });
    };

    it('throws IntegrityError for a flipped bit in an encrypted attribute (IV, body and tag)', async () => {
      const record = stored();
      for (const at of [0, 12, -1])
        await expectIntegrityError({ ...record, password: flip(record.password, at) });
    });

    it('throws IntegrityError for an encrypted value moved to another attribute', async () => {
      const record = stored();
      await expectIntegrityError({ ...record, name: record.password, password: record.name });
    });

    it('throws IntegrityError for an encrypted value moved to another item of the same user', async () => {
      const record = stored();
      const other = encryptor.encrypt(secretItem({ sk: 'SECRET#02', id: '02', password: 'other' }), key);
      await expectIntegrityError({ ...record, password: other.password });
    });

    it('throws IntegrityError for a whole item moved under another sort key', async () => {
      await expectIntegrityError({ ...stored(), sk: 'SECRET#99' });
    });

    it("throws IntegrityError for another user's item under this user's key", async () => {
      const mallory = userKey();
      const theirs = encryptor.encrypt(secretItem({ pk: 'USER#mallory' }), mallory);
      await expectIntegrityError({ ...theirs, pk: 'USER#alice' });
      await expectIntegrityError(theirs);
    });

    it("throws IntegrityError for another user's encrypted value spliced into this item", async () => {
      const theirs = encryptor.encrypt(secretItem({ pk: 'USER#mallory' }), userKey());
      await expectIntegrityError({ ...stored(), password: theirs.password });
    });

    it('throws IntegrityError for a changed SIGN_ONLY attribute', async () => {
      await expectIntegrityError({ ...stored(), id: '02' });
      await expectIntegrityError({ ...stored(), createdAt: '2020-01-01T00:00:00.000Z' });
    });

    it('throws IntegrityError for a changed item version (bound into every AAD and the signature)', async () => {
      await expectIntegrityError({ ...stored(), version: 4 });
    });

    it('throws IntegrityError for a removed signed attribute', async () => {
      const { notes: _notes, ...rest } = stored();
      await expectIntegrityError(rest);
      const { id: _id, ...noId } = stored();
      await expectIntegrityError(noId);
    });

    it('throws IntegrityError for an added undeclared attribute', async () => {
      await expectIntegrityError({ ...stored(), injected: 'x' });
    });

    it('throws IntegrityError for a changed or missing signature', async () => {
      const record = stored();
      await expectIntegrityError({ ...record, [SIGNATURE_ATTRIBUTE]: flip(record[SIGNATURE_ATTRIBUTE]) });
      const { [SIGNATURE_ATTRIBUTE]: _sig, ...unsigned } = record;
      await expectIntegrityError(unsigned);
      await expectIntegrityError({ ...record, [SIGNATURE_ATTRIBUTE]: 'not bytes' });
    });

    it('throws IntegrityError for a changed or missing material description', async () => {
      const record = stored();
      const { [MATERIAL_ATTRIBUTE]: _md, ...bare } = record;
      await expectIntegrityError(bare);
      await expectIntegrityError({ ...record, [MATERIAL_ATTRIBUTE]: flip(record[MATERIAL_ATTRIBUTE]) });
      const md = decodeValue(record[MATERIAL_ATTRIBUTE] as Uint8Array) as Record<string, unknown>;
      await expectIntegrityError({
        ...record,
        [MATERIAL_ATTRIBUTE]: new Uint8Array(encodeValue({ ...md, s: 'other/1' })),
      });
      await expectIntegrityError({ ...record, [MATERIAL_ATTRIBUTE]: new Uint8Array([1, 2, 3]) });
    });

    it('throws IntegrityError for a changed key version in the material description', async () => {
      const record = stored();
      const md = decodeValue(record[MATERIAL_ATTRIBUTE] as Uint8Array) as Record<string, unknown>;
      const v2 = userKey(2);
      const tampered = { ...record, [MATERIAL_ATTRIBUTE]: new Uint8Array(encodeValue({ ...md, v: 2 })) };
      await expectIntegrityError(tampered, () => v2);
    });

    it('throws IntegrityError when decrypting with a different key', async () => {
      await expectIntegrityError(stored(), () => userKey());
    });

    it('throws IntegrityError when the key provider returns another version than asked', async () => {
      await expectIntegrityError(stored(), () => userKey(2));
    });

    it('throws IntegrityError for an item from another table', async () => {
      const elsewhere = new ItemEncryptor('other-table', secretSchema);
      await expectIntegrityError(elsewhere.encrypt(secretItem(), key));
    });

    it('throws IntegrityError for a truncated or non-binary ciphertext', async () => {
      const record = stored();
      await expectIntegrityError({ ...record, password: new Uint8Array(4) });
      await expectIntegrityError({ ...record, password: 'plaintext' });
    });
  });

  describe('preconditions', () => {
    it('the table name must not be empty', () => {
      expect(() => new ItemEncryptor('', secretSchema)).toThrow(
        new PreconditionError('the table name must not be empty'),
      );
    });

    it('the schema must not declare the reserved attribute _md', () => {
      const schema = {
        ...secretSchema,
        attributes: { ...secretSchema.attributes, _md: AttributeAction.SIGN_ONLY },
      };
      expect(() => new ItemEncryptor(TABLE, schema)).toThrow(
        'the schema must not declare the reserved attribute _md',
      );
    });

    it('the schema must not declare the reserved attribute _sig', () => {
      const schema = {
        ...secretSchema,
        attributes: { ...secretSchema.attributes, _sig: AttributeAction.SIGN_ONLY },
      };
      expect(() => new ItemEncryptor(TABLE, schema)).toThrow(
        'the schema must not declare the reserved attribute _sig',
      );
    });

    it('the partition and sort keys must be DO_NOTHING', () => {
      const schema = {
        ...secretSchema,
        attributes: { ...secretSchema.attributes, sk: AttributeAction.SIGN_ONLY },
      };
      expect(() => new ItemEncryptor(TABLE, schema)).toThrow(
        'the partition and sort keys must be DO_NOTHING',
      );
    });

    it('the version attribute must be SIGN_ONLY', () => {
      const schema = { ...secretSchema, versionAttribute: 'name' };
      expect(() => new ItemEncryptor(TABLE, schema)).toThrow('the version attribute must be SIGN_ONLY');
    });

    it('the user key must be 32 bytes', () => {
      expect(() => encryptor.encrypt(secretItem(), { version: 1, key: new Uint8Array(16) })).toThrow(
        'the user key must be 32 bytes',
      );
    });

    it('the user key version must be a positive integer', () => {
      expect(() => encryptor.encrypt(secretItem(), { version: 0, key: key.key })).toThrow(
        'the user key version must be a positive integer',
      );
    });

    it('the user key must not be all zero bytes', async () => {
      // An evicted cache buffer is zeroed: encrypting under it would lose the item for good.
      const zero = { version: 1, key: new Uint8Array(32) };
      expect(() => encryptor.encrypt(secretItem(), zero)).toThrow('the user key must not be all zero bytes');
      await expect(encryptor.decrypt(encryptor.encrypt(secretItem(), key), () => zero)).rejects.toThrow(
        'the user key must not be all zero bytes',
      );
    });
  });
});

describe('Class: ItemEncryptor, partial decryption', () => {
  it('decrypts only the attributes asked for, after verifying the signature over all of them', async () => {
    // Arrange
    const encryptor = new ItemEncryptor(TABLE, secretSchema);
    const key = userKey();
    const stored = encryptor.encrypt(secretItem(), key);
    const notes = stored.notes as Uint8Array;

    // Act
    const partial = await encryptor.decrypt(stored, () => key, ['name']);

    // Assert
    expect(partial).toMatchObject({ name: 'Bank', id: '01', version: 3 });
    expect(partial).not.toHaveProperty('password');
    expect(partial).not.toHaveProperty('notes');
    // The signature covers each ciphertext's IV, GCM tag and length: changing them fails even a partial read.
    for (const at of [0, notes.length - 1]) {
      const tampered = { ...stored, notes: flip(notes, at) };
      await expect(encryptor.decrypt(tampered, () => key, ['name'])).rejects.toBeInstanceOf(IntegrityError);
    }
    // A changed ciphertext body is caught by GCM when that attribute is decrypted: it never yields data.
    const body = { ...stored, notes: flip(notes, 20) };
    await expect(encryptor.decrypt(body, () => key)).rejects.toBeInstanceOf(IntegrityError);
  });
});
