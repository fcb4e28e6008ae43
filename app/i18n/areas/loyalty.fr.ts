// Messages français des pages loyalty, repris dans le catalogue français (mêmes clés que loyalty.en.ts).
import type { loyaltyEn } from "./loyalty.en";

export const loyaltyFr: Record<keyof typeof loyaltyEn, string | { one: string; other: string }> = {};
