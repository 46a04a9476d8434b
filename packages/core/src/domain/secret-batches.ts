import type { Item } from '../crypto/item-encryptor';
import { MAX_TRANSACTION_ITEMS } from './head-keeper';

/** Secrets per import transaction: with expired-trash clean-up and the head, within 100 actions. */
const CREATE_BATCH = MAX_TRANSACTION_ITEMS - 10;
/** Bytes of secrets per import transaction: TransactWriteItems takes 4 MB, the head up to 400 KB of it. */
const CREATE_BATCH_BYTES = 3_000_000;

/** Sealed secrets in transactions of at most CREATE_BATCH items and CREATE_BATCH_BYTES. */
export function* batches<T extends { record: Item }>(prepared: readonly T[]): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const p of prepared) {
    const size = itemBytes(p.record);
    if (batch.length > 0 && (batch.length >= CREATE_BATCH || bytes + size > CREATE_BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(p);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** An upper bound of an item's size as DynamoDB counts it: names, strings as UTF-8, binaries, numbers. */
function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else if (value instanceof Uint8Array) bytes += value.length;
    else bytes += 21;
  }
  return bytes;
}
