/**
 * Difference of two means with Welch's standard error and a t interval (Welch–Satterthwaite degrees of
 * freedom). Revenue per customer is far from normal (mostly zeros, a long tail), so the interval rests on
 * the central limit theorem: report.ts refuses to conclude below a minimum sample (docs/offers.md).
 */

/** 97.5th percentile of the standard normal. */
export const Z_975 = 1.959963984540054;
/** 80th percentile of the standard normal (80 % power). */
export const Z_80 = 0.8416212335729143;

export interface SampleMoments {
  n: number;
  mean: number;
  /** Unbiased sample variance (0 when n < 2). */
  variance: number;
}

/** Two passes (mean, then squared deviations): sums of squares of large money amounts lose digits otherwise. */
export function sampleMoments(values: ArrayLike<number>): SampleMoments {
  const n = values.length;
  if (n === 0) return { n: 0, mean: 0, variance: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const deviation = values[i] - mean;
    squares += deviation * deviation;
  }
  return { n, mean, variance: n > 1 ? squares / (n - 1) : 0 };
}

/**
 * 97.5th percentile of Student's t with ν degrees of freedom: the Cornish–Fisher expansion around the
 * normal quantile (Abramowitz & Stegun 26.7.5), within 0.001 of the exact value for ν ≥ 5.
 */
export function studentT975(degreesOfFreedom: number): number {
  if (!Number.isFinite(degreesOfFreedom)) return Z_975;
  const z = Z_975;
  const v = degreesOfFreedom;
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * (5 * z2 * z2 + 16 * z2 + 3)) / 96;
  const g3 = (z * (3 * z2 ** 3 + 19 * z2 * z2 + 17 * z2 - 15)) / 384;
  const g4 = (z * (79 * z2 ** 4 + 776 * z2 ** 3 + 1482 * z2 * z2 - 1920 * z2 - 945)) / 92160;
  return z + g1 / v + g2 / v ** 2 + g3 / v ** 3 + g4 / v ** 4;
}

export interface DifferenceEstimate {
  /** mean(treatment) − mean(holdout). */
  estimate: number;
  standardError: number;
  degreesOfFreedom: number;
  /** 95 % interval. */
  low: number;
  high: number;
  /** Smallest true difference this sample would detect with 80 % power at the 5 % level (2.80 standard errors). */
  minimumDetectable: number;
}

/** Welch's difference of means, treatment minus holdout, with its 95 % interval. */
export function welchDifference(treatment: SampleMoments, holdout: SampleMoments): DifferenceEstimate {
  const a = treatment.n > 0 ? treatment.variance / treatment.n : 0;
  const b = holdout.n > 0 ? holdout.variance / holdout.n : 0;
  const standardError = Math.sqrt(a + b);
  const denominator = (treatment.n > 1 ? (a * a) / (treatment.n - 1) : 0) + (holdout.n > 1 ? (b * b) / (holdout.n - 1) : 0);
  const degreesOfFreedom = denominator > 0 ? ((a + b) * (a + b)) / denominator : Number.POSITIVE_INFINITY;
  const estimate = treatment.mean - holdout.mean;
  const half = studentT975(degreesOfFreedom) * standardError;
  return {
    estimate,
    standardError,
    degreesOfFreedom,
    low: estimate - half,
    high: estimate + half,
    minimumDetectable: (Z_975 + Z_80) * standardError,
  };
}
