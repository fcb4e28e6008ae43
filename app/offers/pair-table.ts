/**
 * Open-addressing hash table from a product pair (a < b, product indexes) to a slot, with counters per slot.
 *
 * A Map keyed by "a:b" strings costs about 100 bytes and a string allocation per pair; millions of pairs
 * then take seconds and gigabytes. Here a pair costs 20–28 bytes in typed arrays and no allocation.
 */

const EMPTY = -1;
const MAX_LOAD = 0.5;

function mix(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h;
}

export class PairTable {
  /** Number of distinct pairs stored. */
  size = 0;
  private mask: number;
  private keyA: Int32Array;
  private keyB: Int32Array;
  /** Orders holding the pair (unweighted). */
  private orderCount: Int32Array;
  /** Sum of the orders' weights; null when every weight is 1 (then it equals orderCount). */
  private weightSum: Float64Array | null;

  constructor(
    initialCapacity = 1 << 16,
    private readonly weighted = false,
  ) {
    let capacity = 1 << 4;
    while (capacity < initialCapacity) capacity <<= 1;
    this.mask = capacity - 1;
    this.keyA = new Int32Array(capacity).fill(EMPTY);
    this.keyB = new Int32Array(capacity);
    this.orderCount = new Int32Array(capacity);
    this.weightSum = weighted ? new Float64Array(capacity) : null;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Counts one order holding the pair (a, b), a < b, with the given weight. */
  add(a: number, b: number, weight: number): void {
    let slot = mix(a, b) & this.mask;
    for (;;) {
      const stored = this.keyA[slot];
      if (stored === EMPTY) break;
      if (stored === a && this.keyB[slot] === b) {
        this.orderCount[slot]++;
        if (this.weightSum !== null) this.weightSum[slot] += weight;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
    this.keyA[slot] = a;
    this.keyB[slot] = b;
    this.orderCount[slot] = 1;
    if (this.weightSum !== null) this.weightSum[slot] = weight;
    this.size++;
    if (this.size > this.capacity * MAX_LOAD) this.grow();
  }

  /** Slot of the pair (a, b), a < b, or −1 when it was never added. */
  slotOf(a: number, b: number): number {
    let slot = mix(a, b) & this.mask;
    for (;;) {
      const stored = this.keyA[slot];
      if (stored === EMPTY) return -1;
      if (stored === a && this.keyB[slot] === b) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Calls visit for every stored pair, in slot order. */
  forEach(visit: (slot: number, a: number, b: number, orders: number, weight: number) => void): void {
    for (let slot = 0; slot <= this.mask; slot++) {
      const a = this.keyA[slot];
      if (a === EMPTY) continue;
      const orders = this.orderCount[slot];
      visit(slot, a, this.keyB[slot], orders, this.weightSum === null ? orders : this.weightSum[slot]);
    }
  }

  private grow(): void {
    const oldA = this.keyA;
    const oldB = this.keyB;
    const oldCount = this.orderCount;
    const oldWeight = this.weightSum;
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    this.keyA = new Int32Array(capacity).fill(EMPTY);
    this.keyB = new Int32Array(capacity);
    this.orderCount = new Int32Array(capacity);
    this.weightSum = this.weighted ? new Float64Array(capacity) : null;
    for (let old = 0; old < oldA.length; old++) {
      const a = oldA[old];
      if (a === EMPTY) continue;
      const b = oldB[old];
      let slot = mix(a, b) & this.mask;
      while (this.keyA[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.keyA[slot] = a;
      this.keyB[slot] = b;
      this.orderCount[slot] = oldCount[old];
      if (this.weightSum !== null && oldWeight !== null) this.weightSum[slot] = oldWeight[old];
    }
  }
}
