// Injected faults. Most stand for trouble in front of the API (a load balancer's 5xx, Shopify's REST-style
// 429, a dropped or hung connection) and so come before authentication ("early"). A fault naming a root
// field waits until the request is parsed ("parsed"); one marked afterExecute lets the request run, keeps
// its writes, and then loses the answer ("after"): the case of a mutation whose response never arrives.
// The staged-upload endpoint has its own faults (route "upload").
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { logRequest, type DoubleState, type PendingFault } from "../double-state";
import { drain, json } from "../http";
import type { RequestLogEntry } from "../state";

export type FaultPhase = "early" | "parsed" | "after";

export interface FaultSite {
  route: "graphql" | "upload";
  phase: FaultPhase;
  /** The request's root fields, known once it is parsed. */
  rootFields?: string[];
}

function applies(fault: PendingFault, shop: string | null, site: FaultSite): boolean {
  if (fault.remaining <= 0 || (fault.route ?? "graphql") !== site.route) return false;
  if (fault.shop && fault.shop !== shop) return false;
  const named = fault.rootField !== undefined;
  const fieldMatches = named && (site.rootFields ?? []).includes(fault.rootField!);
  switch (site.phase) {
    case "early":
      return !named && !fault.afterExecute;
    case "parsed":
      return fieldMatches && !fault.afterExecute;
    case "after":
      return Boolean(fault.afterExecute) && (!named || fieldMatches);
  }
}

/** The next pending fault for a request of `shop` (null: unknown token) at this site, taken off the queue. */
function takeFault(state: DoubleState, shop: string | null, site: FaultSite): PendingFault | null {
  const fault = state.faults.find((f) => applies(f, shop, site));
  if (!fault) return null;
  fault.remaining--;
  if (fault.remaining <= 0) state.faults.splice(state.faults.indexOf(fault), 1);
  return fault;
}

const HTTP_ERRORS: Record<number, string> = {
  429: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

const internalError = (requestId: string) => `Internal error. Looks like something went wrong on our end.\nRequest ID: ${requestId}`;

function answer(res: ServerResponse, fault: PendingFault, route: FaultSite["route"]): void {
  const requestId = String(res.getHeader("X-Request-Id") ?? randomUUID());
  const headers: Record<string, string> = {};
  if (fault.status === 429 || fault.retryAfter !== undefined) headers["Retry-After"] = (fault.retryAfter ?? 2).toFixed(1);
  if (fault.status === "internal-error") {
    // HTTP 200 with a top-level GraphQL error, as Shopify answers an internal failure.
    const message = `${internalError(requestId)} (include this in support requests).`;
    json(res, 200, { errors: [{ message, extensions: { code: "INTERNAL_SERVER_ERROR", requestId } }] });
    return;
  }
  const status = fault.status as number;
  if (route === "upload") {
    const code = status === 429 ? "SlowDown" : status === 503 ? "ServiceUnavailable" : "InternalError";
    const body = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${HTTP_ERRORS[status] ?? "We encountered an internal error. Please try again."}</Message></Error>`;
    res.writeHead(status, { "Content-Type": "application/xml; charset=UTF-8", "Content-Length": Buffer.byteLength(body), ...headers });
    res.end(body);
    return;
  }
  json(res, status, { errors: status === 500 ? internalError(requestId) : (HTTP_ERRORS[status] ?? "Gateway Timeout") }, headers);
}

/** Answers the request with a pending fault for this site, if there is one; returns whether it did. */
export async function answerInjectedFault(
  state: DoubleState,
  req: IncomingMessage,
  res: ServerResponse,
  logEntry: Omit<RequestLogEntry, "seq" | "at" | "httpStatus" | "outcome">,
  site: FaultSite = { route: "graphql", phase: "early" },
): Promise<boolean> {
  const fault = takeFault(state, logEntry.shop, site);
  if (!fault) return false;
  await drain(req);
  const outcome = `injected-${fault.status}${site.phase === "after" ? "-after" : ""}`;
  if (fault.status === "reset" || fault.status === "timeout") {
    logRequest(state, { ...logEntry, httpStatus: 0, outcome });
    if (fault.status === "timeout") await new Promise((r) => setTimeout(r, fault.delayMs ?? 10_000));
    req.socket.destroy();
    return true;
  }
  logRequest(state, { ...logEntry, httpStatus: fault.status === "internal-error" ? 200 : fault.status, outcome });
  answer(res, fault, site.route);
  return true;
}
