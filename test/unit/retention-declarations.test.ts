// The retention sync's declarations agree with the code that writes to Shopify: the Flow trigger extension's
// TOML is the one app/retention/flow.ts builds its payload for, and shopify.app.toml declares every customer
// metafield the sync writes, with the type it writes and admin merchant_read access.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  FLOW_FIELD_REASON,
  FLOW_FIELD_VALUE_AT_STAKE,
  FLOW_TRIGGER_EXTENSION_TOML,
  FLOW_TRIGGER_HANDLE,
  flowTriggerCall,
  RETENTION_METAFIELD_DEFINITIONS,
} from "../../app/retention/index.ts";

const root = path.resolve(import.meta.dirname, "../..");
const extensionToml = readFileSync(path.join(root, "extensions/clv-flow-at-risk/shopify.extension.toml"), "utf8");
const appToml = readFileSync(path.join(root, "shopify.app.toml"), "utf8");

/** The `key = value` lines of each `[table]` / `[[array]]` header, in order (enough TOML for these files). */
function tables(text: string): { header: string; values: Map<string, string> }[] {
  const out: { header: string; values: Map<string, string> }[] = [];
  let current: { header: string; values: Map<string, string> } = { header: "", values: new Map() };
  out.push(current);
  for (const rawLine of text.split("\n")) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[\[?([^\]]+)\]\]?$/.exec(line);
    if (header) {
      current = { header: header[1].trim(), values: new Map() };
      out.push(current);
      continue;
    }
    const pair = /^([A-Za-z0-9_.]+)\s*=\s*"((?:[^"\\]|\\.)*)"$/.exec(line);
    if (pair) current.values.set(pair[1], pair[2]);
  }
  return out;
}

describe("Flow trigger extension", () => {
  it("is the TOML flow.ts declares, byte for byte", () => {
    expect(extensionToml).toBe(FLOW_TRIGGER_EXTENSION_TOML);
  });

  it("declares the handle, type and fields that the payload carries", () => {
    const parsed = tables(extensionToml);
    const extension = parsed.find((t) => t.header === "extensions");
    expect(extension?.values.get("type")).toBe("flow_trigger");
    expect(extension?.values.get("handle")).toBe(FLOW_TRIGGER_HANDLE);
    expect(FLOW_TRIGGER_HANDLE.length).toBeLessThanOrEqual(30);
    expect(FLOW_TRIGGER_HANDLE).toMatch(/^[a-z0-9-]+$/);
    const fields = parsed
      .filter((t) => t.header === "settings.fields")
      .map((t) => ({ type: t.values.get("type"), key: t.values.get("key") }));
    expect(fields).toEqual([
      { type: "customer_reference", key: undefined },
      { type: "number_decimal", key: FLOW_FIELD_VALUE_AT_STAKE },
      { type: "single_line_text_field", key: FLOW_FIELD_REASON },
    ]);
    // Every declared field is in the payload, under its key (a customer reference as customer_id), and nothing else.
    const { payload } = flowTriggerCall({
      customerId: "gid://shopify/Customer/7001",
      valueAtStakeMinor: 32_150,
      currencyCode: "USD",
      reason: "r",
    });
    expect(Object.keys(payload).sort()).toEqual(["customer_id", FLOW_FIELD_REASON, FLOW_FIELD_VALUE_AT_STAKE].sort());
    expect(payload.customer_id).toBe(7001);
    expect(typeof payload[FLOW_FIELD_VALUE_AT_STAKE]).toBe("number");
  });
});

describe("shopify.app.toml", () => {
  const parsed = tables(appToml);

  it.each(RETENTION_METAFIELD_DEFINITIONS.map((d) => [d.key, d]))(
    "declares customer metafield %s as written, for merchant_read",
    (key, definition) => {
      const table = parsed.find((t) => t.header === `customer.metafields.app.${key}`);
      expect(table, `[customer.metafields.app.${key}] is missing`).toBeDefined();
      expect(table?.values.get("type")).toBe(definition.type);
      expect(table?.values.get("name")).toBe(definition.name);
      expect(table?.values.get("description")).toBe(definition.description);
      expect(table?.values.get("access.admin")).toBe("merchant_read");
    },
  );

  it("asks for the scopes segments and the Flow trigger's customer reference need", () => {
    const scopes =
      parsed
        .find((t) => t.header === "access_scopes")
        ?.values.get("scopes")
        ?.split(",") ?? [];
    expect(scopes).toEqual(expect.arrayContaining(["read_customers", "write_customers"]));
  });
});
