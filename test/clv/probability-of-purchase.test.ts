// The chance of at least one order over the horizon: the headline that replaces P(alive) for one-time buyers.
import { describe, expect, it } from "vitest";
import { analyzeShop, dayNumberOfDate, endOfDayInZone } from "../../app/clv/index.ts";
import { loadCdnowTransactions } from "./helpers.ts";

const AS_OF = new Date(endOfDayInZone(dayNumberOfDate(1997, 9, 30), "UTC"));

describe("probability of at least one purchase over the horizon", () => {
  for (const model of ["bgnbd", "paretonbd"] as const) {
    it(`${model}: is a probability no larger than P(alive) nor the expected purchases, and below 1 for one-time buyers`, () => {
      const result = analyzeShop(loadCdnowTransactions(), { asOf: AS_OF, period: "week", model });
      expect(result.status).toBe("fitted");
      let oneTimeBuyers = 0;
      let oneTimeSum = 0;
      for (const c of result.customers) {
        const any = c.probabilityOfPurchase!;
        expect(any).toBeGreaterThanOrEqual(0);
        expect(any).toBeLessThanOrEqual(c.probabilityAlive! + 1e-9); // a dead customer never buys
        expect(any).toBeLessThanOrEqual(c.expectedPurchases! + 1e-9); // Markov: P(Y ≥ 1) ≤ E[Y]
        if (c.frequency === 0) {
          oneTimeBuyers++;
          oneTimeSum += any;
          expect(any).toBeLessThan(1);
        }
      }
      expect(oneTimeBuyers).toBeGreaterThan(1000);
      // CDNOW's one-time buyers are mostly gone: on average well under half buy again within a year.
      expect(oneTimeSum / oneTimeBuyers).toBeLessThan(0.5);
      expect(oneTimeSum / oneTimeBuyers).toBeGreaterThan(0.05);
    });
  }
});
