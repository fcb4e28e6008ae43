/**
 * Grouping of rows by identical values in a few numeric columns, e.g. the
 * (x, t_x, T) triples of a summary. Models evaluated per distinct pattern
 * (with the pattern's customer count as a weight) give the same result as
 * per row, at a fraction of the cost: shops have far fewer distinct patterns
 * than customers.
 *
 * An open-addressing hash table on the bit patterns of the values keeps
 * this at a few tens of nanoseconds per row (no string keys).
 */

export interface Patterns {
  /** Number of distinct patterns. */
  count: number;
  /** Per input row: its pattern index. */
  patternOfRow: Int32Array;
  /** Per column: the pattern values (length `count`). */
  values: Float64Array[];
  /** Per pattern: sum of the row weights (row counts when no weights are given). */
  weights: Float64Array;
}

const wordView = new Float64Array(1);
const words = new Uint32Array(wordView.buffer);

function mixValue(hash: number, value: number): number {
  wordView[0] = value === 0 ? 0 : value; // −0 and 0 are the same pattern
  let h = Math.imul(hash ^ words[0], 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15) ^ words[1], 0x85ebca77);
  return h ^ (h >>> 13);
}

export function groupRows(columns: ArrayLike<number>[], rowWeights?: ArrayLike<number>): Patterns {
  const rowCount = columns.length > 0 ? columns[0].length : 0;
  for (const column of columns) {
    if (column.length !== rowCount) throw new RangeError("columns to group differ in length");
  }
  if (rowWeights && rowWeights.length !== rowCount) throw new RangeError("weights differ in length from the columns");
  const width = columns.length;
  let capacity = 16;
  while (capacity < rowCount * 2) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity).fill(-1);
  const representative = new Int32Array(rowCount); // pattern → first row with it
  const patternOfRow = new Int32Array(rowCount);
  let count = 0;

  for (let row = 0; row < rowCount; row++) {
    let hash = 0x2545f491;
    for (let c = 0; c < width; c++) hash = mixValue(hash, columns[c][row]);
    let slot = hash & mask;
    for (;;) {
      const pattern = slots[slot];
      if (pattern === -1) {
        slots[slot] = count;
        representative[count] = row;
        patternOfRow[row] = count;
        count++;
        break;
      }
      const other = representative[pattern];
      let same = true;
      for (let c = 0; c < width; c++) {
        if (columns[c][other] !== columns[c][row]) {
          same = false;
          break;
        }
      }
      if (same) {
        patternOfRow[row] = pattern;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }

  const values = columns.map((column) => {
    const v = new Float64Array(count);
    for (let p = 0; p < count; p++) v[p] = column[representative[p]];
    return v;
  });
  const weights = new Float64Array(count);
  for (let row = 0; row < rowCount; row++) weights[patternOfRow[row]] += rowWeights ? rowWeights[row] : 1;
  return { count, patternOfRow, values, weights };
}

/** Per-row values from per-pattern values. */
export function expandToRows(patternValues: Float64Array, patternOfRow: Int32Array): Float64Array {
  const rows = new Float64Array(patternOfRow.length);
  for (let i = 0; i < rows.length; i++) rows[i] = patternValues[patternOfRow[i]];
  return rows;
}

/** The patterns as weighted rows (x, t_x, T, customer count), the input the model fits and scorers take. */
export function patternRows(patterns: Patterns): {
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  weights: Float64Array;
} {
  return { frequency: patterns.values[0], recency: patterns.values[1], T: patterns.values[2], weights: patterns.weights };
}
