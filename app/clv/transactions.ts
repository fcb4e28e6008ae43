/**
 * Columnar transactions: one entry per transaction in parallel arrays, the
 * customer given as an index into a table of distinct customer keys. This
 * is the input of the summary and of analyzeShop; the builders below turn
 * per-transaction keys or row objects into it.
 */

export interface TransactionColumns {
  /** Per transaction: index into `customerKeys`. */
  customerIndex: Int32Array;
  /** The distinct customer keys, in order of first appearance. */
  customerKeys: readonly string[];
  /** Per transaction: instant of the purchase, ms since 1970-01-01T00:00Z. */
  timesMs: ArrayLike<number>;
  /** Per transaction: amount in the shop currency. */
  amounts: ArrayLike<number>;
}

/** Transactions given with the customer key repeated on every transaction. */
export interface KeyedTransactionColumns {
  customerKeys: ArrayLike<string>;
  timesMs: ArrayLike<number>;
  amounts: ArrayLike<number>;
}

export interface TransactionRow {
  customerKey: string;
  /** A Date, or ms since 1970-01-01T00:00Z. */
  time: Date | number;
  amount: number;
}

export function isIndexedColumns(input: TransactionColumns | KeyedTransactionColumns): input is TransactionColumns {
  return (input as TransactionColumns).customerIndex instanceof Int32Array;
}

/** Builds the key table from one key per transaction (keys keep their first-appearance order). */
export function columnsFromKeyedTransactions(input: KeyedTransactionColumns): TransactionColumns {
  const { customerKeys: keys, timesMs, amounts } = input;
  if (keys.length !== timesMs.length || keys.length !== amounts.length) {
    throw new RangeError(`transaction columns differ in length: ${keys.length} keys, ${timesMs.length} times, ${amounts.length} amounts`);
  }
  const indexOfKey = new Map<string, number>();
  const table: string[] = [];
  const customerIndex = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    let index = indexOfKey.get(key);
    if (index === undefined) {
      index = table.length;
      indexOfKey.set(key, index);
      table.push(key);
    }
    customerIndex[i] = index;
  }
  return { customerIndex, customerKeys: table, timesMs, amounts };
}

/** Convenience builder from row objects (not for the hot path of millions of rows). */
export function columnsFromRows(rows: Iterable<TransactionRow>): TransactionColumns {
  const keys: string[] = [];
  const times: number[] = [];
  const amounts: number[] = [];
  for (const row of rows) {
    keys.push(row.customerKey);
    times.push(row.time instanceof Date ? row.time.getTime() : row.time);
    amounts.push(row.amount);
  }
  return columnsFromKeyedTransactions({
    customerKeys: keys,
    timesMs: Float64Array.from(times),
    amounts: Float64Array.from(amounts),
  });
}

/** Accepts either shape and returns the indexed one (a no-op for indexed input). */
export function toIndexedColumns(input: TransactionColumns | KeyedTransactionColumns): TransactionColumns {
  if (isIndexedColumns(input)) {
    const n = input.customerIndex.length;
    if (input.timesMs.length !== n || input.amounts.length !== n) {
      throw new RangeError(
        `transaction columns differ in length: ${n} customer indices, ${input.timesMs.length} times, ${input.amounts.length} amounts`,
      );
    }
    return input;
  }
  return columnsFromKeyedTransactions(input);
}
