// Points expiry: the balance expires after N months without an order.
//
// The clock starts at each order. A credit that arrives while no clock runs (a bonus or a referral reward for
// someone who has not ordered since their points last expired, or ever) starts it too, so such points do not
// expire on arrival nor live forever. When the clock reaches N months, a positive balance expires in full; a
// negative one (points reversed after they were spent) is left for the merchant to settle, never deepened.
//
// N is the setting of the rule version in force when the clock started: a merchant who shortens expiry
// changes it for the next order onwards, never for points a customer already holds under the old promise.
//
// Expiries are computed from effective dates, not from when jobs run, and written as streams (ledger.ts):
// a late entry dated before an expiry (a refund processed late) changes the computed amount and the next run
// appends the correction; an order that arrives late and turns out to fall inside the period withdraws it.
import { addMonths, shopDayOf, startOfShopDay } from "./days.ts";
import { expiryStream, streamKey, streamOf, type LedgerEntry } from "./ledger.ts";
import { ruleVersionAt, type RuleVersion } from "./settings.ts";

export interface ExpiryScratch {
  days: Int32Array;
  points: Float64Array;
}

export function expiryScratch(capacity: number): ExpiryScratch {
  return { days: new Int32Array(capacity), points: new Float64Array(capacity) };
}

/**
 * The expiry events due up to `asOfDay`, written into `out` (capacity ≥ number of orders + credits); returns
 * how many. `orderDays` rows [orderFrom, orderTo) and the entries' rows [entryFrom, entryTo) are sorted by day;
 * entries exclude expiries (they are what this computes). `monthsAt(day)` is the expiry setting for a clock
 * started that day (null: no expiry). Columnar so the nightly run over every customer allocates nothing.
 */
export function expiryEvents(
  orderDays: Int32Array,
  orderFrom: number,
  orderTo: number,
  entryDays: Int32Array,
  entryPoints: Float64Array,
  entryFrom: number,
  entryTo: number,
  asOfDay: number,
  monthsAt: (day: number) => number | null,
  out: ExpiryScratch,
): number {
  let count = 0;
  let balance = 0;
  let clockRunning = false;
  let dueDay = Infinity;
  let i = orderFrom;
  let j = entryFrom;
  for (;;) {
    const orderDay = i < orderTo ? orderDays[i] : Infinity;
    const entryDay = j < entryTo ? entryDays[j] : Infinity;
    const next = orderDay < entryDay ? orderDay : entryDay;
    // The expiry fires before anything dated on its day: an order on the due day is one day too late.
    if (dueDay <= next && dueDay <= asOfDay) {
      if (balance > 0) {
        out.days[count] = dueDay;
        out.points[count] = -balance;
        count += 1;
        balance = 0;
      }
      clockRunning = false;
      dueDay = Infinity;
      continue;
    }
    if (next > asOfDay) break;
    let clockStarts = false;
    while (i < orderTo && orderDays[i] === next) {
      clockStarts = true;
      i += 1;
    }
    while (j < entryTo && entryDays[j] === next) {
      const points = entryPoints[j];
      balance += points;
      if (points > 0 && !clockRunning) clockStarts = true;
      j += 1;
    }
    if (clockStarts) {
      // Same-day orders and credits start one clock; its length is the setting in force that day.
      clockRunning = true;
      const months = monthsAt(next);
      dueDay = months === null ? Infinity : addMonths(next, months);
    }
  }
  return count;
}

export interface ExpiryInput {
  customerId: string;
  /** Every ledger entry of the customer, expiries included. */
  entries: readonly LedgerEntry[];
  /** processed_at of the customer's counted orders. */
  orderTimesMs: readonly number[];
  ruleVersions: readonly RuleVersion[];
  asOfMs: number;
  timeZone: string;
}

/** The expire entries (and corrections) to append so that the customer's expiries match the rules. */
export function expiryEntriesToAppend(input: ExpiryInput): LedgerEntry[] {
  const { timeZone } = input;
  const credits = input.entries
    .filter((entry) => entry.kind !== "expire")
    .map((entry) => ({ day: shopDayOf(entry.effectiveAtMs, timeZone), points: entry.points }))
    .sort((a, b) => a.day - b.day);
  const orderDays = Int32Array.from(input.orderTimesMs.map((ms) => shopDayOf(ms, timeZone))).sort();
  const scratch = expiryScratch(orderDays.length + credits.length);
  const monthsAt = (day: number) => {
    const version = ruleVersionAt(input.ruleVersions, startOfShopDay(day + 1, timeZone) - 1);
    return version && version.settings.enabled && version.settings.expiry ? version.settings.expiry.monthsWithoutOrder : null;
  };
  const count = expiryEvents(
    orderDays,
    0,
    orderDays.length,
    Int32Array.from(credits, (credit) => credit.day),
    Float64Array.from(credits, (credit) => credit.points),
    0,
    credits.length,
    shopDayOf(input.asOfMs, timeZone),
    monthsAt,
    scratch,
  );

  const targets = new Map<string, { day: number; points: number }>();
  for (let n = 0; n < count; n++)
    targets.set(expiryStream(input.customerId, scratch.days[n]), { day: scratch.days[n], points: scratch.points[n] });
  const written = new Map<string, { day: number; sum: number; length: number }>();
  for (const entry of input.entries) {
    if (entry.kind !== "expire" || entry.source.type !== "expiry") continue;
    const stream = streamOf(entry) ?? expiryStream(input.customerId, entry.source.expiresOnDay);
    const current = written.get(stream) ?? { day: entry.source.expiresOnDay, sum: 0, length: 0 };
    current.sum += entry.points;
    current.length += 1;
    written.set(stream, current);
  }

  const appended: LedgerEntry[] = [];
  const streams = new Set([...targets.keys(), ...written.keys()]);
  for (const stream of [...streams].sort()) {
    const target = targets.get(stream);
    const current = written.get(stream);
    const day = target?.day ?? (current as { day: number }).day;
    const difference = (target?.points ?? 0) - (current?.sum ?? 0);
    if (difference === 0) continue;
    appended.push({
      key: streamKey(stream, current?.length ?? 0),
      customerId: input.customerId,
      kind: "expire",
      points: difference,
      source: { type: "expiry", expiresOnDay: day },
      ruleVersionId: null,
      effectiveAtMs: startOfShopDay(day, timeZone),
    });
  }
  return appended;
}
