import { describe, expect, it } from "vitest";
import { digamma, hyp2f1, lnBeta, lnGamma, logAddExp } from "../../app/clv/index.ts";
import { expectClose } from "./helpers.ts";

const EULER_GAMMA = 0.5772156649015329;

describe("lnGamma", () => {
  it("matches known values", () => {
    expectClose(lnGamma(1), 0, 1e-14);
    expectClose(lnGamma(2), 0, 1e-14);
    expectClose(lnGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    expectClose(lnGamma(10), Math.log(362880), 1e-13);
    expectClose(lnGamma(100), 359.1342053695754, 1e-11);
    // Near 0: lnΓ(x) = −ln x − γx + O(x²).
    expectClose(lnGamma(1e-6), -Math.log(1e-6) - EULER_GAMMA * 1e-6, 1e-11);
    // Reflection for negative non-integers: Γ(−0.5) = −2√π.
    expectClose(lnGamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)), 1e-13);
    expect(lnGamma(0)).toBeNaN();
  });

  it("satisfies lnΓ(x+1) − lnΓ(x) = ln x across the shift threshold", () => {
    for (const x of [0.001, 0.243, 0.7929, 1.5, 2.4258, 7.3, 9.99, 10.01, 25, 1234.5]) {
      expectClose(lnGamma(x + 1) - lnGamma(x), Math.log(x), 1e-12 * Math.max(1, Math.abs(lnGamma(x))), `x=${x}`);
    }
  });
});

describe("digamma", () => {
  it("matches known values", () => {
    expectClose(digamma(1), -EULER_GAMMA, 1e-14);
    expectClose(digamma(0.5), -EULER_GAMMA - 2 * Math.LN2, 1e-14);
    // Reflection branch: ψ(−0.5) = ψ(0.5) + 2.
    expectClose(digamma(-0.5), -EULER_GAMMA - 2 * Math.LN2 + 2, 1e-13);
  });

  it("is the derivative of lnGamma and satisfies ψ(x+1) − ψ(x) = 1/x", () => {
    for (const x of [0.05, 0.243, 1, 3.7, 9.5, 10.5, 60]) {
      const h = 1e-5 * Math.max(1, x);
      expectClose(digamma(x), (lnGamma(x + h) - lnGamma(x - h)) / (2 * h), 1e-6 * Math.max(1, Math.abs(digamma(x))), `x=${x}`);
      expectClose(digamma(x + 1) - digamma(x), 1 / x, 1e-12 / Math.min(1, x), `x=${x}`);
    }
  });
});

describe("lnBeta and logAddExp", () => {
  it("lnBeta(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a+b)", () => {
    expectClose(lnBeta(1, 1), 0, 1e-14);
    expectClose(lnBeta(2, 3), Math.log(1 / 12), 1e-14);
  });

  it("logAddExp is exact at the extremes and never overflows", () => {
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logAddExp(3, -Infinity)).toBe(3);
    expect(logAddExp(-Infinity, -Infinity)).toBe(-Infinity);
    expectClose(logAddExp(1000, 1000), 1000 + Math.LN2, 1e-12);
    expectClose(logAddExp(Math.log(2), Math.log(3)), Math.log(5), 1e-15);
  });
});

describe("hyp2f1", () => {
  it("matches closed forms inside the unit interval", () => {
    for (const z of [0.1, 0.5, 0.9, 0.999]) {
      // ₂F₁(1, 1; 2; z) = −ln(1−z)/z
      expectClose(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z, 1e-13 * hyp2f1(1, 1, 2, z), `z=${z}`);
      // ₂F₁(a, b; b; z) = (1−z)^(−a)
      expectClose(hyp2f1(0.7, 2.3, 2.3, z), Math.pow(1 - z, -0.7), 1e-12 * Math.pow(1 - z, -0.7), `z=${z}`);
      // ₂F₁(1/2, 1/2; 3/2; s²) = arcsin(s)/s
      const s = Math.sqrt(z);
      expectClose(hyp2f1(0.5, 0.5, 1.5, z), Math.asin(s) / s, 1e-12, `z=${z}`);
    }
  });

  it("uses the Euler transformation near 1 when c − a − b < 0", () => {
    // ₂F₁(a, 1; 2; z) = ((1−z)^(1−a) − 1) / ((a−1) z): here c − a − b = −1.5.
    for (const z of [0.6, 0.97, 0.9999]) {
      const exact = (Math.pow(1 - z, -1.5) - 1) / (1.5 * z);
      expectClose(hyp2f1(2.5, 1, 2, z), exact, 1e-12 * exact, `z=${z}`);
    }
  });

  it("handles negative z (Pfaff) and terminating series", () => {
    // ₂F₁(1, 1; 2; −z) = ln(1+z)/z
    expectClose(hyp2f1(1, 1, 2, -3), Math.log(4) / 3, 1e-13);
    // ₂F₁(−2, b; c; z) is a polynomial: 1 − 2bz/c + b(b+1)z²/(c(c+1)).
    expectClose(hyp2f1(-2, 3, 4, 0.5), 1 - (2 * 3 * 0.5) / 4 + (3 * 4 * 0.25) / (4 * 5), 1e-15);
  });

  it("refuses z ≥ 1", () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });
});
