// Turns zod's issues into one plain message per field, keyed by a dotted path ("tiers.2.threshold"), which
// is what the admin form needs to put the message under the right input.
import type { ZodError, ZodType, ZodTypeDef } from "zod";

export interface FieldError {
  /** Dotted path of the field ("earning.pointsPerCurrencyUnit", "tiers.1.name"); "" for the whole form. */
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** One message per field: the first zod reported, which is the most basic (type before range). */
export function fieldErrorsOf(error: ZodError): FieldError[] {
  const byPath = new Map<string, string>();
  for (const issue of error.issues) {
    const path = issue.path.join(".");
    if (!byPath.has(path)) byPath.set(path, issue.message);
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
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
