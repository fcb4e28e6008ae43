// Log lines never carry credentials. Shopify's library logs, at Debug, the claims of session tokens and
// the bodies of failed API calls; a merchant's error text may quote a header. Anything that looks like a
// token is cut out before a line is written, whatever the level.

/** Session tokens and other JWTs (three base64url parts, a JSON header). */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g;
/** Shopify's access tokens and secrets: shpat_ (offline), shpua_ (online), shpca_, shppa_, shpss_, shprt_… */
const SHOPIFY_TOKEN = /\bshp[a-z]{2}_[A-Za-z0-9]{8,}/g;
/** `Bearer <anything>` in a quoted header. */
const BEARER = /\b(Bearer\s+)[^\s"',;}]+/gi;
/** A value named as a credential: access_token=…, "accessToken": "…", id_token: …, X-Shopify-Access-Token: … */
const NAMED =
  /\b((?:x-shopify-)?(?:access|id|session|refresh|offline|online)[-_]?token|api[-_]?secret(?:[-_]?key)?|client[-_]?secret)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi;

export const REDACTED = "[redacted]";

export function redactSecrets(line: string): string {
  return line.replace(JWT, REDACTED).replace(SHOPIFY_TOKEN, REDACTED).replace(BEARER, `$1${REDACTED}`).replace(NAMED, `$1$2${REDACTED}`);
}
