// Bonus actions: points for creating an account and, optionally, on the customer's birthday.
// Each is keyed by what it rewards (one account, one birthday per year), so re-running never pays twice.
import { civilDateOf, daysInMonth, dayNumberOf, shopDayOf, startOfShopDay } from "./days.ts";
import type { LedgerEntry } from "./ledger.ts";
import { ruleVersionAt, type RuleVersion } from "./settings.ts";

export interface BonusCustomer {
  customerId: string;
  createdAtMs: number;
  birthday: { month: number; day: number } | null;
}

export interface BonusInput {
  customer: BonusCustomer;
  ruleVersions: readonly RuleVersion[];
  asOfMs: number;
  timeZone: string;
}

/**
 * Bonus entries due on `asOfMs`: the account bonus under the version in force when the account was created
 * (an account created before the program existed earns none), and the latest birthday on or before today
 * if it fell after the account was created and a version in force that day pays one. Older birthdays are not
 * back-paid: a birthday bonus is a greeting, not a debt.
 */
export function bonusEntriesDue(input: BonusInput): LedgerEntry[] {
  const { customer, ruleVersions, timeZone } = input;
  const entries: LedgerEntry[] = [];
  const atCreation = ruleVersionAt(ruleVersions, customer.createdAtMs);
  const accountPoints = atCreation?.settings.enabled ? atCreation.settings.bonuses.accountCreationPoints : null;
  if (atCreation && accountPoints) {
    entries.push({
      key: `bonus:account_creation:${customer.customerId}`,
      customerId: customer.customerId,
      kind: "earn",
      points: accountPoints,
      source: { type: "bonus", action: "account_creation" },
      ruleVersionId: atCreation.id,
      effectiveAtMs: customer.createdAtMs,
    });
  }
  if (customer.birthday) {
    const today = shopDayOf(input.asOfMs, timeZone);
    const year = civilDateOf(today).year;
    let birthday = birthdayIn(year, customer.birthday);
    if (birthday > today) birthday = birthdayIn(year - 1, customer.birthday);
    const startMs = startOfShopDay(birthday, timeZone);
    const version = ruleVersionAt(ruleVersions, startMs);
    const points = version?.settings.enabled ? version.settings.bonuses.birthdayPoints : null;
    if (version && points && birthday >= shopDayOf(customer.createdAtMs, timeZone)) {
      entries.push({
        key: `bonus:birthday:${customer.customerId}:${civilDateOf(birthday).year}`,
        customerId: customer.customerId,
        kind: "earn",
        points,
        source: { type: "bonus", action: "birthday" },
        ruleVersionId: version.id,
        effectiveAtMs: startMs,
      });
    }
  }
  return entries;
}

/** The birthday's day in a year; 29 February falls on 28 February in common years. */
function birthdayIn(year: number, birthday: { month: number; day: number }): number {
  return dayNumberOf(year, birthday.month, Math.min(birthday.day, daysInMonth(year, birthday.month)));
}
