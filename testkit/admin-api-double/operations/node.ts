// node(id:): the Node interface over the objects the double knows: bulk operations, customers (their tags),
// orders, the catalogue's products and variants, segments, discounts and the app installation.
import { bulkOperationObject } from "./bulk-operations";
import { parseGid } from "./common";
import { discountNode } from "./discounts";
import { productObject, shopProducts, variantObject } from "./products";
import type { ApiSlice, ResolveContext } from "./registry";
import { segmentObject } from "./segments";
import { appInstallationObject } from "./shop";

function resolveNode(gid: string, type: string, ctx: ResolveContext): unknown {
  switch (type) {
    case "BulkOperation": {
      const op = ctx.bulk.find(ctx.shop.shop, gid);
      return op ? bulkOperationObject(op) : null;
    }
    case "Customer":
      return { __typename: "Customer", id: gid, tags: [...(ctx.shop.tags.get(gid) ?? [])] };
    case "Order":
      return { __typename: "Order", id: gid };
    case "Product": {
      // A shop without a catalogue answers any product id (it cannot tell).
      const products = shopProducts(ctx.shop);
      if (!products) return { __typename: "Product", id: gid };
      const p = products.get(gid);
      return p ? productObject(p, ctx.shop) : null;
    }
    case "ProductVariant": {
      for (const p of shopProducts(ctx.shop)?.values() ?? []) {
        const variant = p.variants.find((v) => v.id === gid);
        if (variant) return variantObject(p, variant, ctx.shop);
      }
      return null;
    }
    case "Segment": {
      const segment = ctx.shop.segments.get(gid);
      return segment ? segmentObject(segment) : null;
    }
    case "DiscountCodeNode":
    case "DiscountAutomaticNode": {
      const d = ctx.shop.discounts.get(gid);
      return d ? discountNode(d, ctx) : null;
    }
    case "AppInstallation":
      return gid === `gid://shopify/AppInstallation/${ctx.appId}` ? appInstallationObject(ctx) : null;
    default:
      return null;
  }
}

export const nodeSlice: ApiSlice = {
  fields: [
    {
      root: "QueryRoot",
      name: "node",
      returns: "Node",
      requiredArguments: ["id"],
      cost: 1,
      resolve: (args, ctx) => {
        const { type } = parseGid(args.id);
        return resolveNode(String(args.id), type, ctx);
      },
    },
  ],
  types: {
    Customer: { id: "ID", tags: "String" },
    Order: { id: "ID" },
  },
  interfaces: { Node: ["Customer", "Order", "AppInstallation"] },
};
