import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { assignArm, type ExperimentDefinition } from "../../app/experiments/index.ts";
import {
  decideWinBack,
  liveWinBackCode,
  validateWinBackSettings,
  WIN_BACK_EXPERIMENT_KEY,
  winBackCode,
  winBackSettingsSchema,
  type WinBackInput,
} from "../../app/retention/index.ts";

const SECRET = "s3cret-for-tests-only-0123456789abcdef";
const SHOP = "demo.myshopify.com";
const experiment: ExperimentDefinition = {
  key: WIN_BACK_EXPERIMENT_KEY,
  salt: "shop-salt-1234",
  holdoutShare: 0.2,
  startsAtMs: Date.UTC(2026, 0, 1),
  endsAtMs: null,
};
const NOW_MS = Date.UTC(2026, 5, 1);
const TODAY = 20_605; // 2026-06-01

/** Customer ids in each arm of the experiment (found by the shared assignment, not by the code under test). */
function idInArm(arm: "treatment" | "holdout"): string {
  for (let id = 1001; ; id++) {
    if (
      assignArm({ salt: experiment.salt, customerId: String(id), experimentKey: experiment.key, holdoutShare: experiment.holdoutShare }) ===
      arm
    )
      return String(id);
  }
}

const settings = winBackSettingsSchema.parse({ enabled: true, minValueAtStakeMinor: 5_000, validDays: 30, minDaysBetweenOffers: 180 });
const base = (customerId: string): WinBackInput => ({
  settings,
  experiment,
  secret: SECRET,
  shop: SHOP,
  customerId,
  atRisk: true,
  atRiskSinceDay: TODAY - 3,
  valueAtStakeMinor: 20_000,
  today: TODAY,
  nowMs: NOW_MS,
  last: null,
});

describe("win-back code", () => {
  it("is PREFIX-XXXX-XXXX-XXXX, the top 60 bits of the HMAC in Crockford base 32", () => {
    const code = winBackCode({
      secret: SECRET,
      shop: SHOP,
      customerId: "gid://shopify/Customer/1234",
      episodeStartDay: 20_600,
      prefix: "WB",
    });
    expect(code).toMatch(/^WB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    // Independent derivation: radix-32 digits (0-9, a-v) mapped one to one onto Crockford's alphabet.
    const digest = createHmac("sha256", SECRET).update(`win-back\n${SHOP}\n1234\n20600`).digest();
    const radix32 = (digest.readBigUInt64BE(0) >> 4n).toString(32).padStart(12, "0");
    const crockford = [...radix32].map((digit) => "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[parseInt(digit, 32)]).join("");
    expect(code).toBe(`WB-${crockford.slice(0, 4)}-${crockford.slice(4, 8)}-${crockford.slice(8)}`);
  });

  it("is the same for the same customer and episode, different otherwise", () => {
    const code = (overrides: Partial<Parameters<typeof winBackCode>[0]>) =>
      winBackCode({ secret: SECRET, shop: SHOP, customerId: "1234", episodeStartDay: 20_600, prefix: "WB", ...overrides });
    expect(code({})).toBe(code({ customerId: "gid://shopify/Customer/1234" }));
    const variants = [
      code({}),
      code({ customerId: "1235" }),
      code({ episodeStartDay: 20_601 }),
      code({ shop: "other.myshopify.com" }),
      code({ secret: `${SECRET}x` }),
    ];
    expect(new Set(variants).size).toBe(variants.length);
    const many = new Set(Array.from({ length: 2000 }, (_, k) => code({ customerId: String(5000 + k) })));
    expect(many.size).toBe(2000);
    expect(() => code({ secret: "short" })).toThrow(RangeError);
  });
});

describe("win-back decision", () => {
  const treated = idInArm("treatment");
  const heldOut = idInArm("holdout");

  it("issues a single-use code expiring after the set days to a treated at-risk customer", () => {
    const decision = decideWinBack(base(treated));
    expect(decision.action).toBe("issue");
    if (decision.action !== "issue") return;
    expect(decision.offer).toMatchObject({
      customerId: treated,
      episodeStartDay: TODAY - 3,
      issuedDay: TODAY,
      lastValidDay: TODAY + 29,
      expiresOn: "2026-06-30",
      endsAtDay: TODAY + 30,
      discount: { kind: "percentage", percent: 15 },
      usageLimit: 1,
    });
    expect(decision.offer.code).toBe(
      winBackCode({ secret: SECRET, shop: SHOP, customerId: treated, episodeStartDay: TODAY - 3, prefix: "WB" }),
    );
    expect(decision.exposure).toEqual({ experimentKey: "win-back", customerId: treated, arm: "treatment", atMs: NOW_MS });
    expect(liveWinBackCode(decision.record, TODAY + 29)).toEqual({ code: decision.offer.code, expiresOn: "2026-06-30" });
    expect(liveWinBackCode(decision.record, TODAY + 30)).toBeNull();
  });

  it("holds out the holdout arm, recording its exposure by the same rule", () => {
    const decision = decideWinBack(base(heldOut));
    expect(decision).toMatchObject({ action: "hold_out", exposure: { arm: "holdout", customerId: heldOut } });
    if (decision.action === "hold_out") expect(liveWinBackCode(decision.record, TODAY)).toBeNull();
  });

  it("decides an episode once, and respects the minimum, live codes and the gap between offers", () => {
    const issued = decideWinBack(base(treated));
    if (issued.action !== "issue") throw new Error("expected an offer");
    expect(decideWinBack({ ...base(treated), last: issued.record, today: TODAY + 7 })).toEqual({ action: "keep" });
    expect(decideWinBack({ ...base(treated), valueAtStakeMinor: 4_999 })).toEqual({ action: "none", reason: "below_minimum" });
    expect(decideWinBack({ ...base(treated), atRisk: false })).toEqual({ action: "none", reason: "not_at_risk" });
    expect(decideWinBack({ ...base(treated), settings: { ...settings, enabled: false } })).toEqual({ action: "none", reason: "disabled" });
    // A new episode while the last code still works; then within 180 days of it; then after.
    const newEpisode = { ...base(treated), atRiskSinceDay: TODAY + 20, last: issued.record };
    expect(decideWinBack({ ...newEpisode, today: TODAY + 20 })).toEqual({ action: "none", reason: "live_code" });
    expect(decideWinBack({ ...newEpisode, today: TODAY + 179 })).toEqual({ action: "none", reason: "recent_offer" });
    expect(decideWinBack({ ...newEpisode, today: TODAY + 180 }).action).toBe("issue");
    // Before the experiment starts nobody is exposed.
    expect(decideWinBack({ ...base(treated), nowMs: Date.UTC(2025, 11, 31) })).toEqual({ action: "none", reason: "outside_experiment" });
  });

  it("validates the merchant's settings", () => {
    expect(validateWinBackSettings({ enabled: true, codePrefix: "wb-1", validDays: 0 })).toMatchObject({
      ok: false,
      errors: expect.arrayContaining([expect.objectContaining({ path: "codePrefix" }), expect.objectContaining({ path: "validDays" })]),
    });
    expect(validateWinBackSettings({ discount: { kind: "fixed_amount", amountMinor: 1_000 } })).toMatchObject({ ok: true });
  });
});
