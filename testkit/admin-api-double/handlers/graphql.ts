// POST /admin/api/<version>/graphql.json: injected faults, the access token, the body, the operation
// (prepare.ts), faults naming its root fields, its cost against the shop's leaky bucket (cost.ts), the
// resolvers (execute.ts), then faults that lose the answer after the writes. Every request is logged with
// its outcome: ok | throttled | graphql-error | user-error | unauthorized | bad-request | injected-<status>[-after].
import type { IncomingMessage, ServerResponse } from "node:http";
import { maxCostExceededBody, maximumCost, requestedCost, throttledBody } from "../cost";
import { logRequest, resolveContext, type DoubleState } from "../double-state";
import { executeOperation, hasUserErrors } from "../execute";
import type { Variables } from "../graphql-lite/index";
import { drain, json, readBody } from "../http";
import { prepareOperation } from "../prepare";
import { answerInjectedFault } from "./faults";

const API_VERSION = /^(\d{4}-\d{2}|unstable)$/;

interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** The body as JSON ({ query, variables, operationName }) or, with Content-Type application/graphql, the query itself. */
async function readGraphqlBody(req: IncomingMessage): Promise<GraphqlBody> {
  const text = (await readBody(req)).toString("utf8");
  if (String(req.headers["content-type"] ?? "").includes("application/graphql")) return { query: text };
  try {
    const body: unknown = JSON.parse(text);
    return body && typeof body === "object" ? (body as GraphqlBody) : {};
  } catch {
    return {};
  }
}

export async function handleGraphql(state: DoubleState, req: IncomingMessage, res: ServerResponse, apiVersion: string): Promise<void> {
  res.setHeader("X-Shopify-API-Version", apiVersion);
  if (req.method !== "POST") return json(res, 405, { errors: "Method Not Allowed" });
  const token = req.headers["x-shopify-access-token"];
  const shop = typeof token === "string" ? (state.shopsByToken.get(token) ?? null) : null;
  const base = {
    method: "POST",
    path: req.url ?? "",
    apiVersion,
    shop: shop?.shop ?? null,
    operationName: null,
    rootFields: [],
    requestedQueryCost: null,
    throttleStatus: null,
  };

  if (await answerInjectedFault(state, req, res, base)) return;
  if (!shop) {
    await drain(req);
    logRequest(state, { ...base, httpStatus: 401, outcome: "unauthorized" });
    return json(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
  }
  if (!API_VERSION.test(apiVersion)) {
    await drain(req);
    logRequest(state, { ...base, httpStatus: 404, outcome: "bad-request" });
    return json(res, 404, { errors: "Not Found" });
  }

  const body = await readGraphqlBody(req);
  if (typeof body.query !== "string" || body.query.trim() === "") {
    logRequest(state, { ...base, httpStatus: 400, outcome: "bad-request" });
    return json(res, 400, { errors: { query: "Required parameter missing or invalid" } });
  }
  const given = (body.variables && typeof body.variables === "object" ? body.variables : {}) as Variables;
  const { errors: invalid, prepared } = prepareOperation(body.query, body.operationName, given);
  const entry = prepared
    ? { ...base, operationName: prepared.operation.name, rootFields: prepared.fields.map((f) => f.name), variables: prepared.variables }
    : base;
  if (invalid || !prepared) {
    logRequest(state, { ...entry, httpStatus: 200, outcome: "graphql-error" });
    return json(res, 200, { errors: invalid });
  }
  if (await answerInjectedFault(state, req, res, entry, { route: "graphql", phase: "parsed", rootFields: entry.rootFields })) return;

  const requested = requestedCost(shop, prepared);
  const max = maximumCost(shop);
  if (requested > max) {
    const status = shop.bucket.status();
    logRequest(state, { ...entry, httpStatus: 200, outcome: "graphql-error", requestedQueryCost: requested, throttleStatus: status });
    return json(res, 200, maxCostExceededBody(requested, max, status));
  }
  const taken = shop.bucket.take(requested);
  if (!taken.ok) {
    logRequest(state, { ...entry, httpStatus: 200, outcome: "throttled", requestedQueryCost: requested, throttleStatus: taken.status });
    return json(res, 200, throttledBody(requested, taken.status));
  }

  const { data, errors } = await executeOperation(prepared, resolveContext(state, shop, apiVersion));
  const status = shop.bucket.status();
  const after = { route: "graphql" as const, phase: "after" as const, rootFields: entry.rootFields };
  if (await answerInjectedFault(state, req, res, { ...entry, requestedQueryCost: requested, throttleStatus: status }, after)) return;
  const outcome = errors.length > 0 ? "graphql-error" : hasUserErrors(data) ? "user-error" : "ok";
  logRequest(state, { ...entry, httpStatus: 200, outcome, requestedQueryCost: requested, throttleStatus: status });
  const cost = { requestedQueryCost: requested, actualQueryCost: requested, throttleStatus: status };
  json(res, 200, errors.length > 0 ? { errors, data, extensions: { cost } } : { data, extensions: { cost } });
}
