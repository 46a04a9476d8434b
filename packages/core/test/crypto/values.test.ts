import { decodeValue, encodeValue, PreconditionError } from '../../src/crypto';

describe('Function: encodeValue / decodeValue', () => {
  it('encodes equal maps and sets to equal bytes, whatever the insertion order', () => {
    expect(encodeValue({ a: 1, b: new Set(['x', 'y']) })).toEqual(
      encodeValue({ b: new Set(['y', 'x']), a: 1 }),
    );
  });

  it('keeps __proto__ and constructor keys as plain data', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c"}');
    const back = decodeValue(encodeValue(value)) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('skips undefined map members, as DynamoDB does', () => {
    expect(decodeValue(encodeValue({ a: 1, b: undefined }))).toEqual({ a: 1 });
  });

  describe('preconditions', () => {
    const tooDeep = () => {
      let v: unknown = 'leaf';
      for (let i = 0; i < 40; i++) v = [v];
      return v;
    };

    it('values nest deeper than 32 levels', () => {
      expect(() => encodeValue(tooDeep())).toThrow(
        new PreconditionError('values nest deeper than 32 levels'),
      );
      // Hand-built bytes: 40 nested one-element lists around a null.
      const bytes = Buffer.concat([
        ...Array.from({ length: 40 }, () => Buffer.from([6, 0, 0, 0, 1])),
        Buffer.from([5]),
      ]);
      expect(() => decodeValue(bytes)).toThrow('values nest deeper than 32 levels');
    });

    it('numbers must be finite', () => {
      expect(() => encodeValue(Number.NaN)).toThrow('numbers must be finite');
      expect(() => encodeValue(Number.POSITIVE_INFINITY)).toThrow('numbers must be finite');
    });

    it('a value of type undefined cannot be stored (nor functions, symbols, bigints, class instances)', () => {
      expect(() => encodeValue(undefined)).toThrow('a value of type undefined cannot be stored');
      expect(() => encodeValue(() => 1)).toThrow('a value of type function cannot be stored');
      expect(() => encodeValue(10n)).toThrow('a value of type bigint cannot be stored');
      expect(() => encodeValue(new Date())).toThrow('a value of type object cannot be stored');
    });

    it('sets must not be empty (DynamoDB has no empty sets)', () => {
      expect(() => encodeValue(new Set())).toThrow('sets must not be empty (DynamoDB has no empty sets)');
    });

    it('set members must be all strings, all numbers or all binary', () => {
      expect(() => encodeValue(new Set(['a', 1]))).toThrow(
        'set members must be all strings, all numbers or all binary',
      );
    });

    it('encoded value is truncated', () => {
      expect(() => decodeValue(encodeValue('hello').subarray(0, 6))).toThrow('encoded value is truncated');
    });

    it('encoded value has trailing bytes', () => {
      expect(() => decodeValue(Buffer.concat([encodeValue('x'), Buffer.from([0])]))).toThrow(
        'encoded value has trailing bytes',
      );
    });

    it('no custom type named date is registered', () => {
      const bytes = Buffer.concat([
        Buffer.from([127, 0, 0, 0, 4]),
        Buffer.from('date'),
        Buffer.from([0, 0, 0, 0]),
      ]);
      expect(() => decodeValue(bytes)).toThrow('no custom type named date is registered');
    });

    it('unknown value tag 99', () => {
      expect(() => decodeValue(Buffer.from([99]))).toThrow('unknown value tag 99');
    });
  });
});
