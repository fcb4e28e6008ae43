import { describe, expect, it } from "vitest";
import { parseBulkLine } from "~/backfill/bulk-lines";
import { lineItemLines, orderLine } from "../support/bulk-file";

const spec = {
  id: 77,
  customerId: 5,
  total: "120.50",
  createdAt: "2025-03-01T10:00:00Z",
  updatedAt: "2025-03-02T11:00:00Z",
  refunds: [{ id: 9, amount: "20.25" }],
  lineItems: [{ id: 770, productId: 3, quantity: 2, price: "60.25" }],
};

describe("bulk JSONL lines", () => {
  it("turns an order line into the webhook-shaped order, line items left to their own lines", () => {
    const parsed = parseBulkLine(orderLine(spec));
    expect(parsed).toEqual({
      kind: "order",
      order: expect.objectContaining({
        id: "77",
        totalMinor: 12050,
        currencyCode: "USD",
        financialStatus: "paid",
        createdAt: "2025-03-01T10:00:00.000Z",
        updatedAt: "2025-03-02T11:00:00.000Z",
        lineItems: null,
        refunds: [{ id: "9", orderId: "77", amountMinor: 2025, currencyCode: "USD", createdAt: "2025-03-01T10:00:00.000Z" }],
        customer: expect.objectContaining({ id: "5", email: "c5@example.com" }),
      }),
    });
  });

  it("turns a line item line into a line item of its parent order", () => {
    expect(parseBulkLine(lineItemLines(spec)[0]!)).toEqual({
      kind: "line_item",
      lineItem: { id: "770", orderId: "77", productId: "3", variantId: "31", title: "Product 3", quantity: 2, priceMinor: 6025 },
    });
  });

  it("accepts a guest order and a deleted product", () => {
    const guest = parseBulkLine(orderLine({ ...spec, customerId: null }));
    expect(guest.kind === "order" && guest.order.customer).toBeNull();
    const item = JSON.parse(lineItemLines(spec)[0]!);
    const parsed = parseBulkLine(JSON.stringify({ ...item, product: null, variant: null }));
    expect(parsed).toMatchObject({ kind: "line_item", lineItem: { productId: null, variantId: null } });
  });

  it("names what is wrong with a bad line", () => {
    const order = JSON.parse(orderLine(spec));
    expect(() => parseBulkLine(JSON.stringify({ ...order, totalPriceSet: undefined }))).toThrow(/totalPriceSet/);
    expect(() => parseBulkLine(JSON.stringify({ ...order, updatedAt: "yesterday" }))).toThrow(/updatedAt/);
    expect(() => parseBulkLine(JSON.stringify({ ...order, customer: { id: "gid://shopify/Order/1" } }))).toThrow(/customer\.id/);
    const item = JSON.parse(lineItemLines(spec)[0]!);
    expect(() => parseBulkLine(JSON.stringify({ ...item, quantity: "2" }))).toThrow(/quantity/);
    expect(() => parseBulkLine(JSON.stringify({ ...item, __parentId: "gid://shopify/Customer/1" }))).toThrow(/__parentId/);
    expect(() => parseBulkLine("{not json")).toThrow();
    expect(parseBulkLine('{"id":"gid://shopify/Fulfillment/1"}')).toEqual({ kind: "other" });
  });
});
