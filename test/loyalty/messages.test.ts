// The engine's validation messages as keys with parameters: English where nobody translates, French (or any
// catalog) where the admin shows them, with the same placeholders in every language.
import { describe, expect, it } from "vitest";
import { LOYALTY_MESSAGES_EN, validateReward, validateTierProgram } from "../../app/loyalty/index.ts";
import { loyaltyEn } from "../../app/i18n/areas/loyalty.en.ts";
import { loyaltyFr } from "../../app/i18n/areas/loyalty.fr.ts";
import { translator } from "../../app/i18n/translate.ts";

const tier = (id: string, name: string, threshold: number) => ({ id, name, threshold });

describe("validation messages", () => {
  it("carry their key and parameters beside the English text", () => {
    const result = validateTierProgram(
      { basis: "net_spend", window: "lifetime", tiers: [tier("s", "Silver", 50_000), tier("g", "Gold", 50_000)] },
      "USD",
    );
    expect(result.ok ? [] : result.errors).toEqual([
      {
        path: "tiers.1.threshold",
        message: "Gold must need more than Silver (500.00 USD)",
        key: "loyalty.error.tiers.notAboveAmount",
        params: { tier: "Gold", below: "Silver", amount: "500.00 USD" },
      },
    ]);
  });

  it("are translated where they are shown, plural forms and parameters included", () => {
    const fr = translator("fr-FR");
    const orders = validateTierProgram({ basis: "order_count", window: "lifetime", tiers: [tier("a", "A", 3), tier("b", "B", 2)] }, "USD");
    const error = orders.ok ? null : orders.errors[0];
    expect(error?.key).toBe("loyalty.error.tiers.notAboveOrders");
    expect(fr(error!.key!, error!.params)).toBe("B doit demander plus que A (3 commandes)");
    const eleven = Array.from({ length: 11 }, (_, i) => tier(`t${i}`, `T${i}`, i));
    const tooMany = validateTierProgram({ basis: "order_count", window: "lifetime", tiers: eleven }, "USD");
    const limit = tooMany.ok ? null : tooMany.errors[0];
    expect(limit).toMatchObject({ key: "loyalty.error.tiers.tooMany", params: { max: 10 }, message: "A program has at most 10 tiers" });
    expect(fr(limit!.key!, limit!.params)).toBe("Un programme compte au plus 10 paliers");
    const reward = validateReward({ kind: "amount_off", id: "r", name: "", pointsCost: 1, amountMinor: 100 });
    const nameless = reward.ok ? null : reward.errors[0];
    expect(fr(nameless!.key!)).toBe("Donnez un nom à la récompense");
  });

  it("leave zod's own messages as they are (no key to translate)", () => {
    const result = validateReward({ kind: "amount_off", id: "r", name: "x", pointsCost: 1, amountMinor: 100, active: "yes" });
    expect(result.ok ? [] : result.errors).toEqual([{ path: "active", message: "Expected boolean, received string" }]);
  });

  it("use the same placeholders in English and French for every key", () => {
    const placeholders = (message: string | { one: string; other: string }) =>
      [...new Set((typeof message === "string" ? message : `${message.one} ${message.other}`).match(/\{\w+\}/g) ?? [])].sort();
    for (const key of Object.keys(loyaltyEn) as (keyof typeof loyaltyEn)[]) {
      expect(placeholders(loyaltyFr[key]), key).toEqual(placeholders(loyaltyEn[key]));
    }
    // The engine's catalog is part of the pages' catalog.
    for (const key of Object.keys(LOYALTY_MESSAGES_EN)) expect(Object.hasOwn(loyaltyEn, key), key).toBe(true);
  });
});
