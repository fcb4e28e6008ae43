/**
 * The purchase-count models side by side, behind one interface, so that the
 * backtest, the model choice, the scoring and the intervals treat them alike.
 * Parameters travel as 4-vectors in each model's `parameterNames` order (no
 * object per evaluation on hot paths); `paramsObject` names them.
 */

import { bgnbdAliveExpectation, type BgNbdParams } from "./bgnbd.ts";
import { BGNBD_SPEC } from "./bgnbd-fit.ts";
import {
  fitCountModel,
  type CountData,
  type CountModelFitOptions,
  type CountModelFitResult,
  type CountModelSpec,
} from "./count-model-fit.ts";
import { mbgnbdAliveExpectation, MBGNBD_SPEC, type MbgNbdParams } from "./mbgnbd.ts";
import { paretonbdAliveExpectation, paretonbdProbabilityAliveOf, PARETONBD_SPEC, type ParetoNbdParams } from "./paretonbd.ts";
import {
  dropoutAfterPurchasePmf,
  dropoutAtExponentialTimePmf,
  newLifetimeQuadrature,
  type LifetimeQuadrature,
  type PmfPrecision,
} from "./purchase-distribution.ts";

export type ModelName = "bgnbd" | "mbgnbd" | "paretonbd";

/** The models in order of simplicity: ties in the model choice go to the earlier one. */
export const MODEL_NAMES: readonly ModelName[] = ["bgnbd", "mbgnbd", "paretonbd"];

export const MODEL_LABELS: Readonly<Record<ModelName, string>> = { bgnbd: "BG/NBD", mbgnbd: "MBG/NBD", paretonbd: "Pareto/NBD" };

export type ModelParams =
  { model: "bgnbd"; params: BgNbdParams } | { model: "mbgnbd"; params: MbgNbdParams } | { model: "paretonbd"; params: ParetoNbdParams };

/** Reusable buffers for the distribution functions (one set per caller). */
export interface DistributionScratch {
  buffer: Float64Array;
  quadrature: LifetimeQuadrature;
}

export function newDistributionScratch(): DistributionScratch {
  return { buffer: new Float64Array(64), quadrature: newLifetimeQuadrature() };
}

export interface CountingModel {
  name: ModelName;
  label: string;
  spec: CountModelSpec;
  parameterNames: readonly [string, string, string, string];
  /** P(alive at T | x, t_x, T). */
  probabilityAlive(p: ArrayLike<number>, x: number, tx: number, T: number): number;
  /** E[Y(t) | alive at T, x]: multiply by P(alive) for the conditional expectation. */
  aliveExpectation(p: ArrayLike<number>, x: number, T: number, t: number): number;
  /** out[offset + n] = P(Y(t) = n | alive at T, x) for n < length (default precision: "relative"). */
  alivePurchasePmf(
    p: ArrayLike<number>,
    x: number,
    T: number,
    t: number,
    out: Float64Array,
    offset: number,
    length: number,
    scratch: DistributionScratch,
    precision?: PmfPrecision,
  ): void;
}

function bufferOf(scratch: DistributionScratch, length: number): Float64Array {
  if (scratch.buffer.length < length) scratch.buffer = new Float64Array(Math.max(length, 2 * scratch.buffer.length));
  return scratch.buffer;
}

/** P(alive) of BG/NBD, 1/(1 + [x > 0]·a/(b+x−1)·((α+T)/(α+t_x))^(r+x)), in logs (0, not NaN, on overflow). */
function bgAlive(p: ArrayLike<number>, x: number, tx: number, T: number): number {
  if (x <= 0) return 1;
  const exponent = Math.log(p[2]) - Math.log(p[3] + x - 1) + (p[0] + x) * (Math.log(p[1] + T) - Math.log(p[1] + tx));
  return 1 / (1 + Math.exp(exponent));
}

/** P(alive) of MBG/NBD, 1/(1 + a/(b+x)·((α+T)/(α+t_x))^(r+x)), also for x = 0. */
function mbgAlive(p: ArrayLike<number>, x: number, tx: number, T: number): number {
  const exponent = Math.log(p[2]) - Math.log(p[3] + x) + (p[0] + x) * (Math.log(p[1] + T) - Math.log(p[1] + tx));
  return 1 / (1 + Math.exp(exponent));
}

const bgParams = (p: ArrayLike<number>): BgNbdParams => ({ r: p[0], alpha: p[1], a: p[2], b: p[3] });
const paretoParams = (p: ArrayLike<number>): ParetoNbdParams => ({ r: p[0], alpha: p[1], s: p[2], beta: p[3] });

export const BGNBD_MODEL: CountingModel = {
  name: "bgnbd",
  label: "BG/NBD",
  spec: BGNBD_SPEC,
  parameterNames: ["r", "alpha", "a", "b"],
  probabilityAlive: bgAlive,
  aliveExpectation: (p, x, T, t) => bgnbdAliveExpectation(bgParams(p), x, T, t),
  // Alive at T: λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x).
  alivePurchasePmf: (p, x, T, t, out, offset, length, scratch, precision) =>
    dropoutAfterPurchasePmf(p[0] + x, p[1] + T, p[2], p[3] + x, t, out, offset, length, bufferOf(scratch, length), precision),
};

export const MBGNBD_MODEL: CountingModel = {
  name: "mbgnbd",
  label: "MBG/NBD",
  spec: MBGNBD_SPEC,
  parameterNames: ["r", "alpha", "a", "b"],
  probabilityAlive: mbgAlive,
  aliveExpectation: (p, x, T, t) => mbgnbdAliveExpectation(bgParams(p), x, T, t),
  // Alive at T: λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x+1) (it also survived the chance to drop out at time 0).
  alivePurchasePmf: (p, x, T, t, out, offset, length, scratch, precision) =>
    dropoutAfterPurchasePmf(p[0] + x, p[1] + T, p[2], p[3] + x + 1, t, out, offset, length, bufferOf(scratch, length), precision),
};

export const PARETONBD_MODEL: CountingModel = {
  name: "paretonbd",
  label: "Pareto/NBD",
  spec: PARETONBD_SPEC,
  parameterNames: ["r", "alpha", "s", "beta"],
  probabilityAlive: (p, x, tx, T) => paretonbdProbabilityAliveOf(p[0], p[1], p[2], p[3], x, tx, T),
  aliveExpectation: (p, x, T, t) => paretonbdAliveExpectation(paretoParams(p), x, T, t),
  // Alive at T: λ ~ Gamma(r+x, α+T), μ ~ Gamma(s, β+T).
  alivePurchasePmf: (p, x, T, t, out, offset, length, scratch) =>
    dropoutAtExponentialTimePmf(p[0] + x, p[1] + T, p[2], p[3] + T, t, out, offset, length, bufferOf(scratch, length), scratch.quadrature),
};

export const COUNTING_MODELS: Readonly<Record<ModelName, CountingModel>> = {
  bgnbd: BGNBD_MODEL,
  mbgnbd: MBGNBD_MODEL,
  paretonbd: PARETONBD_MODEL,
};

export function isModelName(value: string): value is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(value);
}

/** The parameter vector of a named-parameter object, in the model's order. */
export function paramsVector(model: CountingModel, params: BgNbdParams | ParetoNbdParams | Readonly<Record<string, number>>): Float64Array {
  const named = new Map(Object.entries(params));
  return Float64Array.from(model.parameterNames, (name) => named.get(name) ?? NaN);
}

export function paramsObject(model: CountingModel, p: ArrayLike<number>): Record<string, number> {
  const params: Record<string, number> = {};
  model.parameterNames.forEach((name, j) => {
    params[name] = p[j];
  });
  return params;
}

/** Fits any of the models (see count-model-fit.ts for the options). */
export function fitModel(model: CountingModel, data: CountData, options: CountModelFitOptions = {}): CountModelFitResult {
  return fitCountModel(model.spec, data, options);
}

/** P(Y(t) = n | x, t_x, T) for n < out.length: (1 − P(alive))·[n = 0] + P(alive)·P(Y(t) = n | alive). */
export function conditionalPurchasePmf(
  model: CountingModel,
  p: ArrayLike<number>,
  x: number,
  tx: number,
  T: number,
  t: number,
  out: Float64Array,
  scratch: DistributionScratch = newDistributionScratch(),
): void {
  const alive = model.probabilityAlive(p, x, tx, T);
  model.alivePurchasePmf(p, x, T, t, out, 0, out.length, scratch);
  for (let n = 0; n < out.length; n++) out[n] *= alive;
  if (out.length > 0) out[0] += 1 - alive;
}

/** P(X(t) = n) of a new customer for n < out.length (for MBG/NBD this includes dropping out at the first purchase). */
export function newCustomerPurchasePmf(model: CountingModel, p: ArrayLike<number>, t: number, out: Float64Array): void {
  conditionalPurchasePmf(model, p, 0, 0, 0, t, out);
}
