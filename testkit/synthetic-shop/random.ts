// Seeded randomness for the synthetic shop: a small, fast PRNG (sfc32) whose whole state is four
// 32-bit words, so that one stream per customer fits in a typed array, plus the distributions the
// customer model needs (exponential, gamma, beta, normal, discrete tables).

/** Hashes any seed (number or text) and a stream label into 32 bits (FNV-1a then a murmur finaliser). */
export function hashSeed(seed: number | string, label = ""): number {
  const text = `${typeof seed === "number" ? `n:${seed}` : `s:${seed}`}|${label}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_POW_32 = 4294967296;

export class Rng {
  /** a, b, c, d of sfc32. Exposed so that many streams can be parked in one Uint32Array. */
  readonly state = new Uint32Array(4);

  constructor(seed: number | string = 1, label = "") {
    this.reseed(seed, label);
  }

  reseed(seed: number | string, label = ""): void {
    let x = hashSeed(seed, label);
    // splitmix32 fills the four words; then warm up so that close seeds diverge.
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      this.state[i] = (z ^ (z >>> 15)) >>> 0;
    }
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  save(into: Uint32Array, offset: number): void {
    into.set(this.state, offset);
  }

  load(from: Uint32Array, offset: number): this {
    this.state.set(from.subarray(offset, offset + 4));
    return this;
  }

  nextUint32(): number {
    const s = this.state;
    const a = s[0],
      b = s[1],
      c = s[2],
      d = s[3];
    const t = (((a + b) >>> 0) + d) >>> 0;
    s[3] = (d + 1) >>> 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) >>> 0;
    const r = ((c << 21) | (c >>> 11)) >>> 0;
    s[2] = (r + t) >>> 0;
    return t;
  }

  /** Uniform in the open interval (0, 1). */
  next(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(this.next()) * mean;
  }

  /** Standard normal (Box-Muller; no cached second value, so the stream state stays four words). */
  normal(): number {
    const u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Gamma with shape k and rate (not scale) `rate`: mean k / rate. Marsaglia & Tsang (2000). */
  gamma(shape: number, rate = 1): number {
    if (!(shape > 0) || !(rate > 0)) throw new Error(`gamma(${shape}, ${rate}): parameters must be positive`);
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) * U^(1/k).
      const g = this.gamma(shape + 1, 1);
      return (g * Math.pow(this.next(), 1 / shape)) / rate;
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return (d * v) / rate;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a, 1);
    const y = this.gamma(b, 1);
    const s = x + y;
    // Both can underflow to 0 for tiny shapes; fall back to the mean then.
    return s > 0 ? x / s : a / (a + b);
  }

  /** Log-normal with the given median and log-scale sigma. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

/** Draws indexes from fixed weights in O(log n): cumulative table + binary search. */
export class WeightedTable {
  private readonly cumulative: Float64Array;

  constructor(weights: readonly number[]) {
    if (weights.length === 0) throw new Error("WeightedTable needs at least one weight");
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      if (!(w >= 0)) throw new Error(`weight ${i} is not a non-negative number`);
      sum += w;
      this.cumulative[i] = sum;
    });
    if (!(sum > 0)) throw new Error("weights sum to zero");
    for (let i = 0; i < this.cumulative.length; i++) this.cumulative[i] /= sum;
  }

  get size(): number {
    return this.cumulative.length;
  }

  draw(rng: Rng): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Zipf-like popularity weights: rank i gets 1 / (i + 1)^s. */
export function zipfWeights(n: number, s: number): number[] {
  return Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));
}
