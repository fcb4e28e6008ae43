// node(id:): the Node interface over the objects the double knows (bulk operations are in bulk-operations.ts).
import { bulkOperationObject } from "./bulk-operations";
import { parseGid } from "./common";
import type { ApiSlice } from "./registry";

export const nodeSlice: ApiSlice = {
  fields: [
    {
      root: "QueryRoot",
      name: "node",
      returns: "Node",
      requiredArguments: ["id"],
      cost: 1,
      resolve: (args, ctx) => {
        const { type, id } = parseGid(args.id);
        const gid = String(args.id);
        if (type === "BulkOperation") {
          const op = ctx.bulk.find(ctx.shop.shop, gid);
          return op ? bulkOperationObject(op) : null;
        }
        if (type === "Customer") return { __typename: "Customer", id: gid, tags: [...(ctx.shop.tags.get(gid) ?? [])] };
        if (type === "Order" || type === "Product") return { __typename: type, id: `gid://shopify/${type}/${id}` };
        return null;
      },
    },
  ],
  types: {
    Customer: { id: "ID", tags: "String" },
    Order: { id: "ID" },
    Product: { id: "ID" },
  },
  interfaces: { Node: ["Customer", "Order", "Product"] },
};
