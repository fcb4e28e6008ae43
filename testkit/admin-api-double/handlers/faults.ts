// Injected faults of the GraphQL endpoint: they stand for trouble in front of the API (a load balancer's
// 5xx, Shopify's REST-style 429, a dropped or hung connection) and so come before authentication.
import type { IncomingMessage, ServerResponse } from "node:http";
import { logRequest, type DoubleState, type PendingFault } from "../double-state";
import { drain, json } from "../http";
import type { RequestLogEntry } from "../state";

/** The next pending fault for a request of `shop` (null: unknown token), taken off the queue. */
function takeFault(state: DoubleState, shop: string | null): PendingFault | null {
  const fault = state.faults.find((f) => f.remaining > 0 && (!f.shop || f.shop === shop));
  if (!fault) return null;
  fault.remaining--;
  if (fault.remaining <= 0) state.faults.splice(state.faults.indexOf(fault), 1);
  return fault;
}

function faultBody(status: number, requestId: string): unknown {
  switch (status) {
    case 429:
      return { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." };
    case 500:
      return { errors: `Internal error. Looks like something went wrong on our end.\nRequest ID: ${requestId}` };
    case 502:
      return { errors: "Bad Gateway" };
    case 503:
      return { errors: "Service Unavailable" };
    default:
      return { errors: "Gateway Timeout" };
  }
}

/** Answers the request with a pending fault, if there is one; returns whether it did. */
export async function answerInjectedFault(
  state: DoubleState,
  req: IncomingMessage,
  res: ServerResponse,
  logEntry: Omit<RequestLogEntry, "seq" | "at" | "httpStatus" | "outcome">,
): Promise<boolean> {
  const fault = takeFault(state, logEntry.shop);
  if (!fault) return false;
  await drain(req);
  if (fault.status === "reset" || fault.status === "timeout") {
    logRequest(state, { ...logEntry, httpStatus: 0, outcome: `injected-${fault.status}` });
    if (fault.status === "timeout") await new Promise((r) => setTimeout(r, fault.delayMs ?? 10_000));
    req.socket.destroy();
    return true;
  }
  logRequest(state, { ...logEntry, httpStatus: fault.status, outcome: `injected-${fault.status}` });
  const headers: Record<string, string> = {};
  if (fault.status === 429 || fault.retryAfter !== undefined) headers["Retry-After"] = (fault.retryAfter ?? 2).toFixed(1);
  json(res, fault.status, faultBody(fault.status, String(res.getHeader("X-Request-Id"))), headers);
  return true;
}
