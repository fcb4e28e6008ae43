// RFM segment names are stored in English (app/clv/rfm.ts); pages show them in the admin's language.
import { SEGMENT_NAMES, type SegmentName } from "~/clv/rfm";
import type { MessageKey, Translate } from "./translate";

const SEGMENT_KEYS: Record<SegmentName, MessageKey> = {
  Champions: "segment.champions",
  Loyal: "segment.loyal",
  "Potential loyalist": "segment.potentialLoyalist",
  New: "segment.new",
  Promising: "segment.promising",
  "Need attention": "segment.needAttention",
  "About to sleep": "segment.aboutToSleep",
  "At risk": "segment.atRisk",
  "Can't lose": "segment.cantLose",
  Hibernating: "segment.hibernating",
  Lost: "segment.lost",
};

export function segmentLabel(segment: string, t: Translate): string {
  return (SEGMENT_NAMES as readonly string[]).includes(segment) ? t(SEGMENT_KEYS[segment as SegmentName]) : segment;
}
