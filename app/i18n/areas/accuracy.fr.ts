// Messages français des pages accuracy, repris dans le catalogue français (mêmes clés que accuracy.en.ts).
import type { accuracyEn } from "./accuracy.en";

export const accuracyFr: Record<keyof typeof accuracyEn, string | { one: string; other: string }> = {};
