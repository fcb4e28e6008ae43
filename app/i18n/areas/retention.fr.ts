// Messages français des pages retention, repris dans le catalogue français (mêmes clés que retention.en.ts).
import type { retentionEn } from "./retention.en";

export const retentionFr: Record<keyof typeof retentionEn, string | { one: string; other: string }> = {};
