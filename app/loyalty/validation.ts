// Turns zod's issues into one message per field, keyed by a dotted path ("tiers.2.threshold"), which is what
// the admin form needs to put the message under the right input. The engine's schemas report translation
// keys (messages.ts): the error then carries the key and its parameters beside the English text.
import type { ZodError, ZodIssue, ZodType, ZodTypeDef } from "zod";
import { loyaltyMessageOfIssue, type LoyaltyMessageKey, type MessageParams } from "./messages.ts";

export interface FieldError {
  /** Dotted path of the field ("earning.pointsPerCurrencyUnit", "tiers.1.name"); "" for the whole form. */
  path: string;
  /** English, for logs, the storefront and callers that do not translate. */
  message: string;
  /** The translation key of the message and its parameters, when the engine wrote it (not zod's defaults). */
  key?: LoyaltyMessageKey;
  params?: MessageParams;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** One message per field: the first zod reported, which is the most basic (type before range). */
export function fieldErrorsOf(error: ZodError): FieldError[] {
  const byPath = new Map<string, FieldError>();
  for (const issue of error.issues) {
    const path = issue.path.join(".");
    if (!byPath.has(path)) byPath.set(path, fieldErrorOf(path, issue));
  }
  return [...byPath.values()];
}

function fieldErrorOf(path: string, issue: ZodIssue): FieldError {
  return { path, ...loyaltyMessageOfIssue(issue) };
}

export function validateWith<Output, Input>(schema: ZodType<Output, ZodTypeDef, Input>, input: unknown): Validated<Output> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: fieldErrorsOf(result.error) };
}

/** True when a positive decimal has at most `decimals` digits after the point (0.1 + 0.2 style noise tolerated). */
export function hasAtMostDecimals(value: number, decimals: number): boolean {
  const scaled = value * 10 ** decimals;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

/** A decimal with at most two decimals as an exact integer count of hundredths (1.5 → 150). */
export function toHundredths(value: number): number {
  return Math.round(value * 100);
}
