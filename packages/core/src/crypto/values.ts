import { needs } from './needs';

/**
 * A canonical, typed byte encoding of every value DynamoDB can hold (through
 * lib-dynamodb's native types): string, number, binary, boolean, null, list,
 * map, and string/number/binary sets. The type tag travels inside the
 * ciphertext, so a decrypted value comes back with the type it went in with.
 * Maps are encoded with sorted keys and sets sorted, so equal values encode
 * to equal bytes: the same encoding is the signature's canonical form.
 *
 * Hand-written because the AWS Database Encryption SDK for DynamoDB has no
 * JavaScript release; its TLV layout is the model.
 */
export type VaultValue =
  | string
  | number
  | boolean
  | null
  | Uint8Array
  | VaultValue[]
  | { [key: string]: VaultValue }
  | Set<string>
  | Set<number>
  | Set<Uint8Array>;

/** Plug-in for a type DynamoDB does not have (a Date, say). */
export interface CustomType<T = unknown> {
  readonly name: string;
  is(value: unknown): value is T;
  serialise(value: T): Uint8Array;
  deserialise(bytes: Uint8Array): T;
}

enum Tag {
  String = 1,
  Number = 2,
  Binary = 3,
  Boolean = 4,
  Null = 5,
  List = 6,
  Map = 7,
  StringSet = 8,
  NumberSet = 9,
  BinarySet = 10,
  Custom = 127,
}

const MAX_DEPTH = 32;

export function encodeValue(value: unknown, customTypes: readonly CustomType[] = []): Buffer {
  const parts: Buffer[] = [];
  write(value, parts, customTypes, 0);
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

export function decodeValue(bytes: Uint8Array, customTypes: readonly CustomType[] = []): unknown {
  const reader = { buf: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), pos: 0 };
  const value = read(reader, customTypes, 0);
  needs(reader.pos === reader.buf.length, 'encoded value has trailing bytes');
  return value;
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}

function lengthPrefixed(bytes: Uint8Array): Buffer[] {
  return [u32(bytes.length), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)];
}

function compareBytes(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

function write(value: unknown, parts: Buffer[], custom: readonly CustomType[], depth: number): void {
  needs(depth <= MAX_DEPTH, `values nest deeper than ${MAX_DEPTH} levels`);
  const plugin = custom.find((c) => c.is(value));
  if (plugin !== undefined) {
    const name = Buffer.from(plugin.name, 'utf8');
    parts.push(
      Buffer.from([Tag.Custom]),
      ...lengthPrefixed(name),
      ...lengthPrefixed(plugin.serialise(value)),
    );
    return;
  }
  if (typeof value === 'string') {
    // One buffer for tag, length and text: large notes are copied once.
    const length = Buffer.byteLength(value, 'utf8');
    const out = Buffer.allocUnsafe(5 + length);
    out[0] = Tag.String;
    out.writeUInt32BE(length, 1);
    out.write(value, 5, 'utf8');
    parts.push(out);
  } else if (typeof value === 'number') {
    needs(Number.isFinite(value), 'numbers must be finite');
    parts.push(Buffer.from([Tag.Number]), ...lengthPrefixed(Buffer.from(String(value), 'utf8')));
  } else if (typeof value === 'boolean') {
    parts.push(Buffer.from([Tag.Boolean, value ? 1 : 0]));
  } else if (value === null) {
    parts.push(Buffer.from([Tag.Null]));
  } else if (value instanceof Uint8Array) {
    parts.push(Buffer.from([Tag.Binary]), ...lengthPrefixed(value));
  } else if (Array.isArray(value)) {
    parts.push(Buffer.from([Tag.List]), u32(value.length));
    for (const element of value) write(element, parts, custom, depth + 1);
  } else if (value instanceof Set) {
    const members = [...value];
    const kind = setKind(members);
    const encoded = members.map((m) => encodeValue(m)).sort(compareBytes);
    const tag = kind === 'string' ? Tag.StringSet : kind === 'number' ? Tag.NumberSet : Tag.BinarySet;
    parts.push(Buffer.from([tag]), u32(encoded.length));
    for (const e of encoded) parts.push(...lengthPrefixed(e));
  } else if (
    typeof value === 'object' &&
    value !== undefined &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => compareBytes(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    parts.push(Buffer.from([Tag.Map]), u32(entries.length));
    for (const [k, v] of entries) {
      parts.push(...lengthPrefixed(Buffer.from(k, 'utf8')));
      write(v, parts, custom, depth + 1);
    }
  } else {
    needs(false, `a value of type ${value === undefined ? 'undefined' : typeof value} cannot be stored`);
  }
}

function setKind(members: unknown[]): 'string' | 'number' | 'binary' {
  needs(members.length > 0, 'sets must not be empty (DynamoDB has no empty sets)');
  if (members.every((m) => typeof m === 'string')) return 'string';
  if (members.every((m) => typeof m === 'number')) return 'number';
  needs(
    members.every((m) => m instanceof Uint8Array),
    'set members must be all strings, all numbers or all binary',
  );
  return 'binary';
}

interface Reader {
  buf: Buffer;
  pos: number;
}

function take(r: Reader, n: number): Buffer {
  needs(r.pos + n <= r.buf.length, 'encoded value is truncated');
  const out = r.buf.subarray(r.pos, r.pos + n);
  r.pos += n;
  return out;
}

function readLength(r: Reader): number {
  return take(r, 4).readUInt32BE(0);
}

function readBytes(r: Reader): Buffer {
  return take(r, readLength(r));
}

function read(r: Reader, custom: readonly CustomType[], depth: number): unknown {
  needs(depth <= MAX_DEPTH, `values nest deeper than ${MAX_DEPTH} levels`);
  const tag = take(r, 1)[0];
  switch (tag) {
    case Tag.String:
      return readBytes(r).toString('utf8');
    case Tag.Number:
      return Number(readBytes(r).toString('utf8'));
    case Tag.Boolean:
      return take(r, 1)[0] === 1;
    case Tag.Null:
      return null;
    case Tag.Binary:
      return new Uint8Array(readBytes(r));
    case Tag.List: {
      const n = readLength(r);
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(read(r, custom, depth + 1));
      return out;
    }
    case Tag.Map: {
      const n = readLength(r);
      const out: Record<string, unknown> = Object.create(null);
      for (let i = 0; i < n; i++) {
        const key = readBytes(r).toString('utf8');
        out[key] = read(r, custom, depth + 1);
      }
      return { ...out };
    }
    case Tag.StringSet:
    case Tag.NumberSet:
    case Tag.BinarySet: {
      const n = readLength(r);
      const out = new Set<unknown>();
      for (let i = 0; i < n; i++) out.add(decodeValue(readBytes(r)));
      return out;
    }
    case Tag.Custom: {
      const name = readBytes(r).toString('utf8');
      const plugin = custom.find((c) => c.name === name);
      needs(plugin !== undefined, `no custom type named ${name} is registered`);
      return plugin.deserialise(new Uint8Array(readBytes(r)));
    }
    default:
      needs(false, `unknown value tag ${tag}`);
  }
}
