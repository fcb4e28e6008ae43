/**
 * Seeded simulation from the BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma
 * models, for parameter-recovery tests, model-choice tests and benchmarks.
 * Deterministic for a given seed.
 *
 * Random numbers: xoshiro128** (four 32-bit words of state, seeded through
 * a splitmix32 sequence), two outputs combined into a 53-bit uniform.
 * Gamma variates: Marsaglia & Tsang's squeeze method, with the
 * Gamma(k) = Gamma(k+1)·U^(1/k) boost for shapes below 1 done in logs so
 * that tiny shapes do not underflow (Beta variates need that).
 */

import type { BgNbdParams } from "../../app/clv/bgnbd.ts";
import type { GammaGammaParams } from "../../app/clv/gamma-gamma.ts";
import type { MbgNbdParams } from "../../app/clv/mbgnbd.ts";
import type { ModelParams } from "../../app/clv/models.ts";
import type { ParetoNbdParams } from "../../app/clv/paretonbd.ts";

export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    let state = seed >>> 0;
    const nextSeedWord = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = nextSeedWord();
    this.s1 = nextSeedWord();
    this.s2 = nextSeedWord();
    this.s3 = nextSeedWord();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotateLeft(this.s3, 11);
    return result;
  }

  /** Uniform in the open interval (0, 1). */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low + 0.5) / 9007199254740992;
  }

  /** Standard normal (Box–Muller, keeping the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const value = this.spareNormal;
      this.spareNormal = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  exponential(rate: number): number {
    return -Math.log(this.uniform()) / rate;
  }

  /** ln of a Gamma(shape, 1) variate. */
  logGamma(shape: number): number {
    if (shape < 1) return this.logGamma(shape + 1) + Math.log(this.uniform()) / shape;
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const base = 1 + c * x;
      if (base <= 0) continue;
      const v = base * base * base;
      const u = this.uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d * v);
    }
  }

  /** Gamma variate with the given shape and scale (mean shape·scale). */
  gamma(shape: number, scale = 1): number {
    return Math.exp(this.logGamma(shape)) * scale;
  }

  /** Beta(a, b) variate as X/(X+Y) of two gammas, formed in logs. */
  beta(a: number, b: number): number {
    const lnX = this.logGamma(a);
    const lnY = this.logGamma(b);
    return 1 / (1 + Math.exp(lnY - lnX));
  }
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

export interface SimulatedHistories {
  frequency: Int32Array;
  recency: Float64Array;
  T: Float64Array;
}

/**
 * BG/NBD histories: per customer λ ~ Gamma(r, scale 1/α), p ~ Beta(a, b);
 * the first purchase is at 0, later ones arrive as a Poisson process of rate
 * λ, and after each repeat purchase the customer drops out with probability
 * p. Observed over (0, T_i].
 */
export function simulateBgNbdHistories(params: BgNbdParams, ages: ArrayLike<number>, random: SeededRandom): SimulatedHistories {
  const n = ages.length;
  const frequency = new Int32Array(n);
  const recency = new Float64Array(n);
  const T = Float64Array.from(ages);
  for (let i = 0; i < n; i++) {
    const rate = random.gamma(params.r, 1 / params.alpha);
    const dropout = random.beta(params.a, params.b);
    let time = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      time += random.exponential(rate);
      if (!(time <= T[i])) break;
      x++;
      last = time;
      if (random.uniform() < dropout) break;
    }
    frequency[i] = x;
    recency[i] = last;
  }
  return { frequency, recency, T };
}

/**
 * MBG/NBD histories: as BG/NBD, but the customer may also drop out right after the first purchase
 * (at time 0), with the same probability p.
 */
export function simulateMbgNbdHistories(params: MbgNbdParams, ages: ArrayLike<number>, random: SeededRandom): SimulatedHistories {
  const n = ages.length;
  const frequency = new Int32Array(n);
  const recency = new Float64Array(n);
  const T = Float64Array.from(ages);
  for (let i = 0; i < n; i++) {
    const rate = random.gamma(params.r, 1 / params.alpha);
    const dropout = random.beta(params.a, params.b);
    if (random.uniform() < dropout) continue; // gone after the first purchase
    let time = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      time += random.exponential(rate);
      if (!(time <= T[i])) break;
      x++;
      last = time;
      if (random.uniform() < dropout) break;
    }
    frequency[i] = x;
    recency[i] = last;
  }
  return { frequency, recency, T };
}

/**
 * Pareto/NBD histories: per customer λ ~ Gamma(r, scale 1/α), μ ~ Gamma(s, scale 1/β); an exponential
 * lifetime of rate μ from the first purchase at 0, Poisson purchases of rate λ while alive. Observed over (0, T_i].
 */
export function simulateParetoNbdHistories(params: ParetoNbdParams, ages: ArrayLike<number>, random: SeededRandom): SimulatedHistories {
  const n = ages.length;
  const frequency = new Int32Array(n);
  const recency = new Float64Array(n);
  const T = Float64Array.from(ages);
  for (let i = 0; i < n; i++) {
    const rate = random.gamma(params.r, 1 / params.alpha);
    const lifetime = random.exponential(random.gamma(params.s, 1 / params.beta));
    const end = Math.min(lifetime, T[i]);
    let time = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      time += random.exponential(rate);
      if (!(time <= end)) break;
      x++;
      last = time;
    }
    frequency[i] = x;
    recency[i] = last;
  }
  return { frequency, recency, T };
}

/**
 * Gamma-Gamma spend: per customer ν ~ Gamma(q, scale 1/v), each of the x
 * repeat purchases ~ Gamma(p, scale 1/ν); returns the mean (0 when x = 0).
 */
export function simulateMeanSpend(params: GammaGammaParams, frequency: ArrayLike<number>, random: SeededRandom): Float64Array {
  const monetary = new Float64Array(frequency.length);
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
    if (x <= 0) continue;
    const rate = random.gamma(params.q, 1 / params.v);
    // The sum of x Gamma(p, 1/ν) amounts is Gamma(p·x, 1/ν).
    monetary[i] = random.gamma(params.p * x, 1 / rate) / x;
  }
  return monetary;
}

export interface SimulatedTransactions {
  customerIndex: Int32Array;
  customerKeys: string[];
  timesMs: Float64Array;
  amounts: Float64Array;
}

/**
 * Transactions of `customers` customers (model time in days), each joining
 * at a uniform time in [0, joinWindowDays) after `startMs` and observed up to
 * `startMs + observationDays`. Amounts follow Gamma-Gamma. For benchmarks.
 */
export function simulateTransactions(
  bgnbd: BgNbdParams,
  spend: GammaGammaParams,
  options: { customers: number; startMs: number; joinWindowDays: number; observationDays: number },
  random: SeededRandom,
): SimulatedTransactions {
  return simulateShop({ model: "bgnbd", params: bgnbd }, spend, options, random);
}

/**
 * A shop's transactions from any of the purchase-count models (parameters in days), with Gamma-Gamma
 * amounts: each customer joins at a uniform time in [0, joinWindowDays) after `startMs` with a first
 * purchase, buys as the model says and is observed up to `startMs + observationDays`.
 */
export function simulateShop(
  model: ModelParams,
  spend: GammaGammaParams,
  options: { customers: number; startMs: number; joinWindowDays: number; observationDays: number },
  random: SeededRandom,
): SimulatedTransactions {
  const { customers, startMs, joinWindowDays, observationDays } = options;
  const dayMs = 86_400_000;
  let capacity = customers * 3;
  let customerIndex = new Int32Array(capacity);
  let timesMs = new Float64Array(capacity);
  let amounts = new Float64Array(capacity);
  let count = 0;
  const push = (customer: number, time: number, amount: number): void => {
    if (count === capacity) {
      capacity *= 2;
      const ci = new Int32Array(capacity);
      ci.set(customerIndex);
      customerIndex = ci;
      const tm = new Float64Array(capacity);
      tm.set(timesMs);
      timesMs = tm;
      const am = new Float64Array(capacity);
      am.set(amounts);
      amounts = am;
    }
    customerIndex[count] = customer;
    timesMs[count] = time;
    amounts[count] = amount;
    count++;
  };
  for (let c = 0; c < customers; c++) {
    const join = random.uniform() * joinWindowDays;
    const rate = random.gamma(model.params.r, 1 / model.params.alpha);
    let dropout = 0;
    let end = observationDays;
    if (model.model === "paretonbd") {
      end = Math.min(observationDays, join + random.exponential(random.gamma(model.params.s, 1 / model.params.beta)));
    } else {
      dropout = random.beta(model.params.a, model.params.b);
    }
    const spendRate = random.gamma(spend.q, 1 / spend.v);
    let time = join;
    push(c, startMs + time * dayMs, random.gamma(spend.p, 1 / spendRate));
    // MBG/NBD: the first purchase is also a chance to drop out.
    if (model.model === "mbgnbd" && random.uniform() < dropout) continue;
    for (;;) {
      time += random.exponential(rate);
      if (!(time <= end)) break;
      push(c, startMs + time * dayMs, random.gamma(spend.p, 1 / spendRate));
      if (model.model !== "paretonbd" && random.uniform() < dropout) break;
    }
  }
  const customerKeys = Array.from({ length: customers }, (_, c) => `c${c}`);
  return {
    customerIndex: customerIndex.slice(0, count),
    customerKeys,
    timesMs: timesMs.slice(0, count),
    amounts: amounts.slice(0, count),
  };
}
