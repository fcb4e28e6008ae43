// Shopify's cost-based rate limit for one request: the requested cost (a flat cost, a cost named for the
// operation, or the sum of the root fields' costs), the single-query ceiling, and the answers when the
// request is over the ceiling or the bucket lacks the points.
import { argumentsOf } from "./graphql-lite/index";
import { ADMIN_API } from "./operations/index";
import type { PreparedOperation } from "./prepare";
import type { CostTable, ShopState } from "./state";
import type { ThrottleStatus } from "./throttle";

const own = (table: CostTable, key: string): number | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/** The shop's cost table first (tests override it), then the registry's cost, then the table's default. */
export function requestedCost(shop: ShopState, { doc, operation, rootType, fields, variables }: PreparedOperation): number {
  if (shop.flatCost !== null) return shop.flatCost;
  const named = operation.name !== null ? own(shop.costs, operation.name) : undefined;
  if (named !== undefined) return named;
  let sum = 0;
  for (const f of fields) {
    const cost = ADMIN_API.field(rootType, f.name)?.cost;
    sum +=
      own(shop.costs, f.name) ??
      (typeof cost === "function" ? cost(argumentsOf(f, variables), { field: f, doc, variables }) : cost) ??
      shop.costs.default;
  }
  return sum;
}

/** The most one query may cost: Shopify's single-query limit, and never more than the bucket holds. */
export function maximumCost(shop: ShopState): number {
  return Math.min(shop.maxQueryCost, shop.bucket.current.maximumAvailable);
}

export function maxCostExceededBody(requested: number, max: number, status: ThrottleStatus) {
  return {
    errors: [
      {
        message:
          `Query cost is ${requested}, which exceeds the single query max cost limit (${max}).\n\n` +
          "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n" +
          "cost of a query is calculated.\n\n" +
          "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
          "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
        extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: max },
      },
    ],
    extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status } },
  };
}

export function throttledBody(requested: number, status: ThrottleStatus) {
  return {
    errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
    extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status } },
  };
}
