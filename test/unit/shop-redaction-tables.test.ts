// shop/redact must leave nothing of the shop: every model keyed by shop is on the redaction list, so a
// table added later cannot be forgotten.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SHOP_REDACTION_TABLES } from "~/data/lifecycle.server";

function modelsWithShopField(schema: string): string[] {
  return [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)]
    .filter(([, , body]) => /^\s+shop\s+String/m.test(body))
    .map(([, name]) => name);
}

describe("shop redaction", () => {
  it("covers every model that has a shop column", () => {
    const schema = readFileSync(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
    const keyed = modelsWithShopField(schema);
    expect(keyed.length).toBeGreaterThan(20);
    expect([...keyed].sort()).toEqual([...SHOP_REDACTION_TABLES].sort());
  });
});
