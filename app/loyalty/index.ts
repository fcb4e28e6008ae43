/**
 * Loyalty program engine: public API. Pure TypeScript, no I/O (node:crypto for hashing only).
 * What earns, what reverses and how tiers evaluate: docs/loyalty.md.
 */

export * from "./days.ts";
export * from "./validation.ts";
export * from "./messages.ts";
export * from "./settings.ts";
export * from "./points-math.ts";
export * from "./ledger.ts";
export * from "./order-points.ts";
export * from "./expiry.ts";
export * from "./bonuses.ts";
export * from "./tiers.ts";
export * from "./population.ts";
export * from "./tier-evaluation.ts";
export * from "./customer-tier.ts";
export * from "./preview.ts";
export * from "./rewards.ts";
export * from "./referrals.ts";
export * from "./write-back.ts";
export * from "./cost-value.ts";
export * from "./tier-discounts.ts";
