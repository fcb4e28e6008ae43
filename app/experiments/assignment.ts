/**
 * Stable assignment of customers to the treatment or the holdout arm of an experiment, computable both
 * here and in Shopify Liquid from the customer id alone (docs/offers.md, "Holdout experiments").
 *
 *   hex    = sha256(salt + ":" + customerId + ":" + experimentKey)        lowercase hex
 *   bucket = first 4 hex characters                                      "0000" … "ffff"
 *   holdout ⇔ bucket < threshold, threshold = floor(share · 65536) as 4 lowercase hex digits
 *
 * Liquid compares strings lexicographically; for two lowercase hex strings of the same length that is
 * the numeric order, so `bucket < threshold` means the same in both places.
 */

import { createHash } from "node:crypto";

export const DEFAULT_HOLDOUT_SHARE = 0.1;
export const BUCKET_HEX_DIGITS = 4;
export const BUCKETS = 16 ** BUCKET_HEX_DIGITS;

export type Arm = "treatment" | "holdout";

const SALT = /^[A-Za-z0-9_-]{8,128}$/;
const EXPERIMENT_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const NUMERIC_ID = /^[1-9]\d*$/;

/**
 * The id Liquid prints for `customer.id`: the numeric id. Accepts "123", 123 or
 * "gid://shopify/Customer/123"; anything else throws, since a different spelling would hash differently.
 */
export function liquidCustomerId(customerId: string | number | bigint): string {
  const text = String(customerId).trim();
  const id = text.startsWith("gid://shopify/Customer/") ? text.slice("gid://shopify/Customer/".length) : text;
  if (!NUMERIC_ID.test(id)) throw new RangeError(`not a Shopify customer id: ${text}`);
  return id;
}

export function assertValidSalt(salt: string): void {
  if (!SALT.test(salt)) throw new RangeError("the salt must be 8–128 characters of A–Z, a–z, 0–9, _ or -");
}

export function assertValidExperimentKey(key: string): void {
  if (!EXPERIMENT_KEY.test(key))
    throw new RangeError("an experiment key is 1–64 characters of a–z, 0–9, _ or -, starting with a letter or digit");
}

export function assertValidHoldoutShare(share: number): void {
  if (!(share >= 0 && share < 1)) throw new RangeError("the holdout share must be at least 0 and below 1");
}

/** The string hashed; its parts cannot contain ":", so two different triples never give the same string. */
export function assignmentHashInput(salt: string, customerId: string | number | bigint, experimentKey: string): string {
  assertValidSalt(salt);
  assertValidExperimentKey(experimentKey);
  return `${salt}:${liquidCustomerId(customerId)}:${experimentKey}`;
}

/** The customer's bucket: the first 4 hex characters of the SHA-256. */
export function assignmentBucket(salt: string, customerId: string | number | bigint, experimentKey: string): string {
  const hex = createHash("sha256")
    .update(assignmentHashInput(salt, customerId, experimentKey), "utf8")
    .digest("hex");
  return hex.slice(0, BUCKET_HEX_DIGITS);
}

/** The threshold the storefront compares the bucket with: floor(share · 65536) as 4 lowercase hex digits. */
export function holdoutThreshold(share: number): string {
  assertValidHoldoutShare(share);
  return Math.floor(share * BUCKETS)
    .toString(16)
    .padStart(BUCKET_HEX_DIGITS, "0");
}

/** The share actually held out (the threshold rounds down to a 65,536th). */
export function effectiveHoldoutShare(share: number): number {
  return Number.parseInt(holdoutThreshold(share), 16) / BUCKETS;
}

export interface AssignmentInput {
  salt: string;
  customerId: string | number | bigint;
  experimentKey: string;
  /** Default 0.1. */
  holdoutShare?: number;
}

export function assignArm(input: AssignmentInput): Arm {
  const threshold = holdoutThreshold(input.holdoutShare ?? DEFAULT_HOLDOUT_SHARE);
  return assignmentBucket(input.salt, input.customerId, input.experimentKey) < threshold ? "holdout" : "treatment";
}

/**
 * The Liquid that computes the arm in a theme block, as documented in docs/offers.md. It expects three
 * variables assigned before it (from the app-data metafields the app writes): `clv_salt`,
 * `clv_experiment` and `clv_threshold` (see holdoutThreshold); it assigns `clv_arm` for a logged-in
 * customer and leaves it "treatment" for a guest (guests are not in experiments).
 */
export const HOLDOUT_LIQUID = `{%- assign clv_arm = "treatment" -%}
{%- if customer and clv_salt != blank and clv_threshold != blank -%}
  {%- assign clv_bucket = clv_salt | append: ":" | append: customer.id | append: ":" | append: clv_experiment | sha256 | slice: 0, 4 -%}
  {%- if clv_bucket < clv_threshold -%}{%- assign clv_arm = "holdout" -%}{%- endif -%}
{%- endif -%}`;
