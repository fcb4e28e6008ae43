// The body of POST /proxy/redeem: JSON from the storefront's script, or a plain form from the Rewards page
// (no JavaScript). It names the reward and the attempt (the idempotency key); never the customer.
import type { ProxyCall } from "./proxy-gate.server";
import { redeemBodySchema, type RedeemBody } from "./proxy-answers.server";

/** A redemption request is two short fields: anything bigger is not one. */
export const MAX_REDEEM_BODY_BYTES = 4_096;

export type RedeemRequestBody =
  | { ok: true; body: RedeemBody; /** A form posted by a browser: answer with the page, not JSON. */ fromForm: boolean }
  | { ok: false; status: 400 | 413 | 415; errors: string[] };

const isForm = (type: string) => type.startsWith("application/x-www-form-urlencoded");
const TOO_BIG = `the body is limited to ${MAX_REDEEM_BODY_BYTES} bytes`;

export async function readRedeemBody(call: ProxyCall): Promise<RedeemRequestBody> {
  const declared = Number(call.header("content-length") ?? "0");
  if (!(declared <= MAX_REDEEM_BODY_BYTES)) return { ok: false, status: 413, errors: [TOO_BIG] };
  const type = (call.header("content-type") ?? "").toLowerCase();
  if (!type.startsWith("application/json") && !isForm(type)) return { ok: false, status: 415, errors: ["send JSON or a form"] };
  const text = await call.body();
  if (Buffer.byteLength(text) > MAX_REDEEM_BODY_BYTES) return { ok: false, status: 413, errors: [TOO_BIG] };
  let input: unknown;
  if (isForm(type)) input = Object.fromEntries(new URLSearchParams(text));
  else {
    try {
      input = JSON.parse(text);
    } catch {
      return { ok: false, status: 400, errors: ["the body is not JSON"] };
    }
  }
  const parsed = redeemBodySchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, status: 400, errors: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`) };
  const accept = call.header("accept") ?? "";
  return { ok: true, body: parsed.data, fromForm: isForm(type) && !accept.includes("application/json") };
}
