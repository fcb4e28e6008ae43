// Signs a webhook body as Shopify does: base64 HMAC-SHA256 of the raw bytes with the app's secret.
// The one signer of the tests, benchmarks, demo and Admin API double (the app itself only verifies).
import { createHmac } from "node:crypto";

export function signWebhookBody(body: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}
