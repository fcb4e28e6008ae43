import { createHash } from "node:crypto";
import { Liquid } from "liquidjs";
import { describe, expect, it } from "vitest";
import {
  assignArm,
  assignmentBucket,
  effectiveHoldoutShare,
  HOLDOUT_LIQUID,
  holdoutThreshold,
  liquidCustomerId,
} from "../../app/experiments/index.ts";
import { Random } from "./random.ts";

const SALT = "shop-salt-4f1c9a";

function randomCustomerIds(count: number, seed: number): string[] {
  const random = new Random(seed);
  // Shopify customer ids: 13 digits today, some beyond 2^53.
  return Array.from({ length: count }, (_, i) =>
    i % 10 === 9 ? String(9_007_199_254_740_993n + BigInt(random.int(1e9))) : String(6_000_000_000_000 + random.int(1e12)),
  );
}

describe("holdout threshold", () => {
  it("is floor(share · 65536) as four lowercase hex digits", () => {
    expect(holdoutThreshold(0)).toBe("0000");
    expect(holdoutThreshold(0.1)).toBe("1999"); // floor(6553.6) = 6553 = 0x1999
    expect(holdoutThreshold(0.25)).toBe("4000");
    expect(holdoutThreshold(0.5)).toBe("8000");
    expect(holdoutThreshold(0.999999)).toBe("ffff");
    expect(effectiveHoldoutShare(0.1)).toBe(6553 / 65536);
    expect(() => holdoutThreshold(1)).toThrow(RangeError);
    expect(() => holdoutThreshold(-0.1)).toThrow(RangeError);
    expect(() => holdoutThreshold(Number.NaN)).toThrow(RangeError);
  });
});

describe("assignment", () => {
  it("is the first four hex digits of sha256(salt:customer:experiment) against the threshold", () => {
    const hex = createHash("sha256").update(`${SALT}:7390812431:offers`).digest("hex");
    expect(assignmentBucket(SALT, "7390812431", "offers")).toBe(hex.slice(0, 4));
    const numeric = Number.parseInt(hex.slice(0, 4), 16);
    for (const share of [0.05, 0.1, 0.3, 0.5, 0.9]) {
      const expected = numeric < Math.floor(share * 65536) ? "holdout" : "treatment";
      expect(assignArm({ salt: SALT, customerId: "7390812431", experimentKey: "offers", holdoutShare: share })).toBe(expected);
    }
  });

  it("is stable across calls and spellings of the id, and holds out about the share asked", () => {
    const ids = randomCustomerIds(20_000, 1);
    let held = 0;
    for (const id of ids) {
      const arm = assignArm({ salt: SALT, customerId: id, experimentKey: "offers" });
      expect(assignArm({ salt: SALT, customerId: `gid://shopify/Customer/${id}`, experimentKey: "offers" })).toBe(arm);
      if (arm === "holdout") held++;
    }
    // Default share 10 %; 20,000 draws: standard deviation 0.21 points.
    expect(held / ids.length).toBeGreaterThan(0.1 - 0.0065);
    expect(held / ids.length).toBeLessThan(0.1 + 0.0065);
  });

  it("nests: a larger share keeps everyone a smaller share held out", () => {
    for (const id of randomCustomerIds(2_000, 2)) {
      const small = assignArm({ salt: SALT, customerId: id, experimentKey: "offers", holdoutShare: 0.1 });
      const large = assignArm({ salt: SALT, customerId: id, experimentKey: "offers", holdoutShare: 0.2 });
      if (small === "holdout") expect(large).toBe("holdout");
    }
  });

  it("assigns independently across experiments and shops", () => {
    const ids = randomCustomerIds(20_000, 3);
    let both = 0;
    let otherShop = 0;
    for (const id of ids) {
      const offers = assignArm({ salt: SALT, customerId: id, experimentKey: "offers", holdoutShare: 0.5 });
      const perks = assignArm({ salt: SALT, customerId: id, experimentKey: "gold-perks", holdoutShare: 0.5 });
      const elsewhere = assignArm({ salt: "another-shop-salt", customerId: id, experimentKey: "offers", holdoutShare: 0.5 });
      if (offers === "holdout" && perks === "holdout") both++;
      if (offers === "holdout" && elsewhere === "holdout") otherShop++;
    }
    // Independent halves overlap on a quarter (standard deviation 0.31 points).
    expect(Math.abs(both / ids.length - 0.25)).toBeLessThan(0.01);
    expect(Math.abs(otherShop / ids.length - 0.25)).toBeLessThan(0.01);
  });

  it("refuses inputs that could hash ambiguously", () => {
    expect(liquidCustomerId(" 123 ")).toBe("123");
    expect(liquidCustomerId(123n)).toBe("123");
    expect(() => liquidCustomerId("gid://shopify/Order/123")).toThrow(RangeError);
    expect(() => liquidCustomerId("0123")).toThrow(RangeError);
    expect(() => assignArm({ salt: "short", customerId: "1", experimentKey: "offers" })).toThrow(RangeError);
    expect(() => assignArm({ salt: SALT, customerId: "1", experimentKey: "a:b" })).toThrow(RangeError);
  });
});

describe("the storefront's Liquid gives the same arm", () => {
  const engine = new Liquid({ strictFilters: true });
  // Shopify's sha256 filter: the lowercase hex SHA-256 of the string.
  engine.registerFilter("sha256", (value: unknown) => createHash("sha256").update(String(value), "utf8").digest("hex"));
  const template = engine.parse(`${HOLDOUT_LIQUID}{{ clv_arm }}`);

  function liquidArm(customerId: string | number | null, share: number, experiment = "offers"): string {
    return engine.renderSync(template, {
      customer: customerId === null ? null : { id: customerId },
      clv_salt: SALT,
      clv_experiment: experiment,
      clv_threshold: holdoutThreshold(share),
    }) as string;
  }

  it("for many customer ids and shares", () => {
    const ids = randomCustomerIds(3_000, 4);
    let holdouts = 0;
    for (const [i, id] of ids.entries()) {
      const share = [0.1, 0.5, 0.03][i % 3];
      const experiment = i % 2 === 0 ? "offers" : "win-back";
      const arm = assignArm({ salt: SALT, customerId: id, experimentKey: experiment, holdoutShare: share });
      if (arm === "holdout") holdouts++;
      // Liquid's customer.id is a number; ids beyond 2^53 are compared as the text Shopify prints.
      const liquidId = Number.isSafeInteger(Number(id)) ? Number(id) : id;
      expect(liquidArm(liquidId, share, experiment)).toBe(arm);
    }
    expect(holdouts).toBeGreaterThan(100);
  });

  it("compares hex buckets as numbers at the threshold's edge", () => {
    // Find ids whose buckets sit just below and at a threshold, and check both sides.
    const ids = randomCustomerIds(5_000, 5);
    const buckets = ids.map((id) => ({ id, bucket: assignmentBucket(SALT, id, "offers") }));
    const pivot = buckets.find((b) => b.bucket.slice(0, 2) === "a0") ?? buckets[0];
    const share = Number.parseInt(pivot.bucket, 16) / 65536;
    expect(holdoutThreshold(share)).toBe(pivot.bucket);
    expect(liquidArm(pivot.id, share)).toBe("treatment"); // bucket == threshold is not below it
    expect(liquidArm(pivot.id, share + 1 / 65536)).toBe("holdout");
  });

  it("shows a guest the offer, and nobody is held out at share 0", () => {
    expect(liquidArm(null, 0.5)).toBe("treatment");
    const ids = randomCustomerIds(200, 6);
    expect(ids.every((id) => liquidArm(id, 0) === "treatment")).toBe(true);
  });
});
