// Points arithmetic, exact. Rates are decimals with at most two places (1.5 points per unit, a 1.25× tier
// multiplier), so they are carried as integer hundredths and every product is formed in bigint before the one
// rounding: a million small orders then earn exactly what the rule says, not what floats happen to give.
import { currencyDigits } from "../lib/money.ts";
import type { EarningRule, RoundingMode } from "./settings.ts";
import { toHundredths } from "./validation.ts";

/** Rounds n / d (n ≥ 0, d > 0) by the program's rounding mode; "nearest" rounds halves up. */
export function divideRounding(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (n < 0n || d <= 0n) throw new RangeError("divideRounding expects n ≥ 0 and d > 0");
  const quotient = n / d;
  const remainder = n % d;
  if (remainder === 0n) return quotient;
  if (mode === "up") return quotient + 1n;
  if (mode === "nearest") return remainder * 2n >= d ? quotient + 1n : quotient;
  return quotient;
}

/**
 * Points an amount earns: amount (minor units) × points per unit × multiplier, rounded once.
 * `multiplierHundredths` is the tier perk (100 = 1×, 150 = 1.5×).
 */
export function pointsForAmount(amountMinor: number, rule: EarningRule, currencyCode: string, multiplierHundredths = 100): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) return 0;
  const numerator = BigInt(amountMinor) * BigInt(toHundredths(rule.pointsPerCurrencyUnit)) * BigInt(multiplierHundredths);
  const denominator = 10n ** BigInt(currencyDigits(currencyCode)) * 10_000n;
  return Number(divideRounding(numerator, denominator, rule.rounding));
}

/**
 * Points an order keeps after refunds: the points it earned, in proportion to the merchandise value that was
 * not refunded, rounded with the rounding of the rule that awarded them. Proportional to what was earned
 * (not recomputed from today's rate) so that a rule edit between an order and its refund changes nothing.
 */
export function pointsKept(earnedPoints: number, basisMinor: number, remainingMinor: number, rounding: RoundingMode): number {
  if (earnedPoints <= 0 || basisMinor <= 0 || remainingMinor <= 0) return 0;
  if (remainingMinor >= basisMinor) return earnedPoints;
  return Number(divideRounding(BigInt(earnedPoints) * BigInt(remainingMinor), BigInt(basisMinor), rounding));
}
