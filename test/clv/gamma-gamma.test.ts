import { beforeAll, describe, expect, it } from "vitest";
import {
  fitGammaGamma,
  gammaGammaCustomerLogLikelihood,
  gammaGammaExpectedAverageValue,
  type GammaGammaFit,
  type GammaGammaFitted,
} from "../../app/clv/index.ts";
import { SeededRandom, simulateMeanSpend } from "../../testkit/clv/simulate.ts";
import { expectClose, publishedSummaryColumns } from "./helpers.ts";

let data: ReturnType<typeof publishedSummaryColumns>;
let fit: GammaGammaFit;

function fitted(result: GammaGammaFit): GammaGammaFitted {
  if (result.status !== "fitted") throw new Error(`expected a fit, got: ${result.reason}`);
  return result;
}

beforeAll(() => {
  data = publishedSummaryColumns();
  fit = fitGammaGamma({ frequency: data.frequency, monetary: data.monetary });
});

describe("Gamma-Gamma on the CDNOW summary (Fader, Hardie & Lee 2005; Hardie's note 025)", () => {
  it("reproduces p, q, v (full precision 6.2488, 3.7446, 15.4477) and LL −4055.9 on 946 customers", () => {
    const { params, logLikelihood, customers, excluded, converged } = fitted(fit);
    expect(converged).toBe(true);
    expect(customers).toBe(946);
    expect(excluded.noRepeatPurchase).toBe(2357 - 946);
    expect(params.p.toFixed(3)).toBe("6.249");
    expect(params.q.toFixed(3)).toBe("3.745");
    expect(params.v.toFixed(3)).toBe("15.448");
    expect(logLikelihood.toFixed(1)).toBe("-4055.9");
  });

  it("avoids the false ridge (p ≈ 15202, q ≈ 2.67, v ≈ 0.004, LL −4076.8)", () => {
    const ridge = { p: 15202, q: 2.67, v: 0.004 };
    let ridgeLogLikelihood = 0;
    for (let i = 0; i < data.frequency.length; i++) {
      if (data.frequency[i] > 0) ridgeLogLikelihood += gammaGammaCustomerLogLikelihood(ridge, data.frequency[i], data.monetary[i]);
    }
    expect(ridgeLogLikelihood).toBeLessThan(-4070);
    expect(fitted(fit).logLikelihood).toBeGreaterThan(ridgeLogLikelihood + 20);
  });

  it("conditional expected average value of the first ten customers", () => {
    const published = ["24.66", "18.91", "35.17", "35.17", "35.17", "71.46", "18.91", "35.17", "27.28", "35.17"];
    const { params, populationMeanValue } = fitted(fit);
    published.forEach((value, i) => {
      expect(gammaGammaExpectedAverageValue(params, data.frequency[i], data.monetary[i]).toFixed(2), `customer ${i + 1}`).toBe(value);
    });
    expect(populationMeanValue.toFixed(2)).toBe("35.17");
  });

  it("reports the frequency–monetary correlation of the fitted customers", () => {
    const xs: number[] = [];
    const ms: number[] = [];
    data.frequency.forEach((x, i) => {
      if (x > 0) {
        xs.push(x);
        ms.push(data.monetary[i]);
      }
    });
    const mean = (v: number[]): number => v.reduce((s, e) => s + e, 0) / v.length;
    const mx = mean(xs);
    const mm = mean(ms);
    const cov = xs.reduce((s, x, i) => s + (x - mx) * (ms[i] - mm), 0);
    const sx = Math.sqrt(xs.reduce((s, x) => s + (x - mx) ** 2, 0));
    const sm = Math.sqrt(ms.reduce((s, m) => s + (m - mm) ** 2, 0));
    expectClose(fitted(fit).frequencyMonetaryCorrelation!, cov / (sx * sm), 1e-12);
    expect(fitted(fit).frequencyMonetaryCorrelation!).toBeGreaterThan(0.05);
    expect(fitted(fit).frequencyMonetaryCorrelation!).toBeLessThan(0.2);
  });
});

describe("Gamma-Gamma data checks", () => {
  it("excludes and counts non-positive and non-finite values without changing the fit", () => {
    const frequency = [...data.frequency, 3, 2, 4];
    const monetary = [...data.monetary, 0, -12.5, Number.NaN];
    const result = fitted(fitGammaGamma({ frequency, monetary }));
    expect(result.excluded.nonPositiveValue).toBe(2);
    expect(result.excluded.invalid).toBe(1);
    expect(result.customers).toBe(946);
    expectClose(result.params.p, fitted(fit).params.p, 1e-6);
  });

  it("refuses with a clear reason when there are too few repeat customers", () => {
    const result = fitGammaGamma({ frequency: [0, 0, 1], monetary: [0, 0, 20] });
    expect(result.status).toBe("refused");
    if (result.status === "refused") expect(result.reason).toMatch(/at least 3 customers/);
  });

  it("refuses q ≤ 1 (infinite population mean) with a message naming q", () => {
    // Simulated spend with q = 0.6: the rates ν have so much mass near 0 that mean spend is unbounded.
    const random = new SeededRandom(11);
    const frequency = Int32Array.from({ length: 4000 }, () => 1 + Math.floor(random.uniform() * 6));
    const monetary = simulateMeanSpend({ p: 3, q: 0.6, v: 20 }, frequency, random);
    const result = fitGammaGamma({ frequency, monetary });
    expect(result.status).toBe("refused");
    if (result.status === "refused") {
      expect(result.reason).toMatch(/q = 0\.\d+ ≤ 1/);
      expect(result.params!.q).toBeLessThan(1);
    }
  });

  it("the expected average value of a new customer is the population mean; negative m counts as 0", () => {
    const params = { p: 6, q: 4, v: 15 };
    expect(gammaGammaExpectedAverageValue(params, 0, 0)).toBe((15 * 6) / 3);
    expect(gammaGammaExpectedAverageValue(params, 2, -5)).toBe(gammaGammaExpectedAverageValue(params, 2, 0));
  });
});
