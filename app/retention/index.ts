/**
 * Retention: at-risk valuable customers after each refit (columnar, a million customers in well under a
 * second), the reasons in plain words, the trend over refits, the Shopify sync diff (metafields, tags,
 * segments, the Flow trigger) and the optional win-back code. Pure: no I/O beyond hashing.
 * Definitions: docs/retention.md. Holdout experiments come from app/experiments.
 */
export * from "./settings.ts";
export * from "./amounts.ts";
export * from "./rhythm.ts";
export * from "./at-risk.ts";
export * from "./reasons.ts";
export * from "./trend.ts";
export * from "./flow.ts";
export * from "./sync.ts";
export * from "./customer-state.ts";
export * from "./segments.ts";
export * from "./win-back.ts";
