// What the storefront shows of the loyalty program and of one member, as plain data: the JSON of
// GET /proxy/status and the content of the Rewards page. Pure: the route reads the program and the member's
// snapshot (app/data), this decides what a shopper sees. Snake case, like the `program` app-data metafield.
import { canRedeem, type Reward, type TierBasis, type TierDefinition, type TierWindow } from "~/loyalty";
import { currencyDigits } from "~/lib/money";
import type { LoyaltyProgramState } from "~/data/loyalty-program.server";
import type { MemberSnapshot } from "~/data/storefront.server";
import { moneyText, numberText } from "./storefront-format";

export interface TierView {
  id: string;
  name: string;
  /** What it takes, in words ("Spend $500.00 in 12 months"); null for a ladder on predicted value. */
  requirement: string | null;
  perks: { percent_off: number; points_multiplier: number; free_shipping: boolean; description: string };
  /** The perks in words, for pages that print them. */
  perk_lines: string[];
}

export interface RewardView {
  id: string;
  name: string;
  kind: Reward["kind"];
  /** "$5.00 off", "10% off", "Free shipping". */
  value: string;
  points_cost: number;
  minimum_tier_id: string | null;
  minimum_tier_name: string | null;
}

export interface ProgramView {
  enabled: true;
  pitch: string;
  currency_code: string;
  earning: { points_per_unit: number; rounding: string; minimum_order_minor: number | null };
  how_to_earn: string[];
  tiers: TierView[];
  rewards: RewardView[];
  referral: { enabled: boolean; member_points: number; friend_reward: string };
}

export interface MemberView {
  tier: { id: string; name: string } | null;
  points: { balance: number; reserved: number; available: number };
  next_tier: { id: string; name: string; basis: TierBasis; amount_to_reach: number; label: string } | null;
  rewards_available: RewardView[];
  /** The cheapest reward the member's tier allows but their points do not cover yet. */
  next_reward: (RewardView & { points_needed: number }) | null;
  referral_code: string | null;
  /** `{shop}/discount/<code>` applies the friend's discount and opens the shop. */
  referral_path: string | null;
}

export type StatusAnswer =
  | { logged_in: boolean; program: { enabled: false } }
  | { logged_in: false; program: ProgramView }
  | { logged_in: true; program: ProgramView; member: MemberView };

const WINDOW_WORDS: Record<TierWindow, string> = { lifetime: "", calendar_year: " in a calendar year", rolling_12_months: " in 12 months" };

const plural = (n: number, one: string, many: string) => `${numberText(n)} ${n === 1 ? one : many}`;

function requirementOf(basis: TierBasis, window: TierWindow | null, threshold: number, currency: string): string | null {
  const within = window ? WINDOW_WORDS[window] : "";
  if (basis === "net_spend") return threshold === 0 ? "Every member" : `Spend ${moneyText(threshold, currency)}${within}`;
  if (basis === "order_count") return threshold === 0 ? "Every member" : `${plural(threshold, "order", "orders")}${within}`;
  if (basis === "points_earned") return threshold === 0 ? "Every member" : `Earn ${plural(threshold, "point", "points")}${within}`;
  // A ladder on the model's predicted value: what a shopper would have to do cannot be said in money.
  return null;
}

function stillNeeded(basis: TierBasis, amount: number, currency: string): string | null {
  const needed = Math.max(1, Math.ceil(amount));
  if (basis === "net_spend") return `Spend ${moneyText(needed, currency)} more`;
  if (basis === "order_count") return `${plural(needed, "more order", "more orders")}`;
  if (basis === "points_earned") return `Earn ${plural(needed, "more point", "more points")}`;
  return null;
}

function perkLines(tier: TierDefinition): string[] {
  const lines: string[] = [];
  if (tier.perks.percentOff > 0) lines.push(`${numberText(tier.perks.percentOff, 2)}% off every order`);
  if (tier.perks.pointsMultiplier > 1) lines.push(`${numberText(tier.perks.pointsMultiplier, 2)}× points`);
  if (tier.perks.freeShipping) lines.push("Free shipping");
  if (tier.perks.description) lines.push(tier.perks.description);
  return lines;
}

function rewardValue(reward: Reward, currency: string): string {
  if (reward.kind === "amount_off") return `${moneyText(reward.amountMinor, currency)} off`;
  if (reward.kind === "percentage_off") return `${numberText(reward.percent, 2)}% off`;
  return "Free shipping";
}

function settingsInForce(program: LoyaltyProgramState, nowMs: number) {
  let inForce = program.settings;
  for (const version of program.ruleVersions) if (version.effectiveFromMs <= nowMs) inForce = version.settings;
  return inForce;
}

export function programView(program: LoyaltyProgramState | null, nowMs: number): ProgramView | null {
  if (!program || !program.enabled) return null;
  const currency = program.currencyCode;
  const settings = settingsInForce(program, nowMs);
  const tiers = program.tiers;
  const tierNames = new Map((tiers?.tiers ?? []).map((t) => [t.id, t.name]));
  const unit = moneyText(10 ** currencyDigits(currency), currency);
  const rate = settings.earning.pointsPerCurrencyUnit;
  const minimum = settings.earning.minimumOrderMinor;
  const howToEarn = [
    `Earn ${numberText(rate, 2)} ${rate === 1 ? "point" : "points"} for every ${unit} you spend` +
      (minimum ? ` on orders from ${moneyText(minimum, currency)}` : ""),
  ];
  if (settings.bonuses.accountCreationPoints)
    howToEarn.push(`Get ${plural(settings.bonuses.accountCreationPoints, "point", "points")} when you create an account`);
  if (settings.bonuses.birthdayPoints) howToEarn.push(`Get ${plural(settings.bonuses.birthdayPoints, "point", "points")} on your birthday`);
  if (program.referral.enabled) {
    const friend = program.referral.friendRewardText ? ` (your friend gets ${program.referral.friendRewardText})` : "";
    howToEarn.push(
      `Get ${plural(program.referral.referrerRewardPoints, "point", "points")} when a friend orders with your referral code${friend}`,
    );
  }
  return {
    enabled: true,
    pitch: program.pitch,
    currency_code: currency,
    earning: { points_per_unit: rate, rounding: settings.earning.rounding, minimum_order_minor: minimum },
    how_to_earn: howToEarn,
    tiers: (tiers?.tiers ?? []).map((tier) => ({
      id: tier.id,
      name: tier.name,
      requirement: tiers ? requirementOf(tiers.basis, tiers.window, tier.threshold, currency) : null,
      perks: {
        percent_off: tier.perks.percentOff,
        points_multiplier: tier.perks.pointsMultiplier,
        free_shipping: tier.perks.freeShipping,
        description: tier.perks.description,
      },
      perk_lines: perkLines(tier),
    })),
    rewards: program.rewards
      .filter((reward) => reward.active)
      .sort((a, b) => a.pointsCost - b.pointsCost || a.id.localeCompare(b.id))
      .map((reward) => ({
        id: reward.id,
        name: reward.name,
        kind: reward.kind,
        value: rewardValue(reward, currency),
        points_cost: reward.pointsCost,
        minimum_tier_id: reward.minimumTierId,
        minimum_tier_name: reward.minimumTierId === null ? null : (tierNames.get(reward.minimumTierId) ?? null),
      })),
    referral: {
      enabled: program.referral.enabled,
      member_points: program.referral.referrerRewardPoints,
      friend_reward: program.referral.friendRewardText,
    },
  };
}

/**
 * The member's side. The rewards "available now" pass the same check a redemption does (canRedeem: program
 * on, tier high enough, points not already reserved by redemptions in flight).
 */
export function memberView(program: LoyaltyProgramState, view: ProgramView, snapshot: MemberSnapshot): MemberView {
  const ladder = program.tiers;
  const tierIds = ladder?.tiers.map((t) => t.id) ?? [];
  const tierIndex = snapshot.tierId === null ? -1 : tierIds.indexOf(snapshot.tierId);
  const tier = tierIndex >= 0 && ladder ? ladder.tiers[tierIndex] : null;
  const nextIndex = snapshot.nextTierId === null ? -1 : tierIds.indexOf(snapshot.nextTierId);
  const next = nextIndex > tierIndex && ladder ? ladder.tiers[nextIndex] : null;
  const label =
    next && ladder && snapshot.amountToNext !== null ? stillNeeded(ladder.basis, snapshot.amountToNext, program.currencyCode) : null;
  const available = snapshot.balance - snapshot.reserved;

  const rewardsAvailable: RewardView[] = [];
  let nextReward: MemberView["next_reward"] = null;
  const rewards = new Map(program.rewards.map((r) => [r.id, r]));
  for (const shown of view.rewards) {
    const reward = rewards.get(shown.id);
    if (!reward) continue;
    const check = canRedeem({ programEnabled: program.enabled, reward, balance: available, redemptions: [], tierIndex, tierIds });
    if (check.ok) rewardsAvailable.push(shown);
    else if (check.reason === "not_enough_points" && nextReward === null)
      nextReward = { ...shown, points_needed: reward.pointsCost - Math.max(0, available) };
  }
  return {
    tier: tier ? { id: tier.id, name: tier.name } : null,
    points: { balance: snapshot.balance, reserved: snapshot.reserved, available: Math.max(0, available) },
    next_tier:
      next && ladder && label !== null && snapshot.amountToNext !== null
        ? { id: next.id, name: next.name, basis: ladder.basis, amount_to_reach: Math.max(1, Math.ceil(snapshot.amountToNext)), label }
        : null,
    rewards_available: rewardsAvailable,
    next_reward: nextReward,
    referral_code: view.referral.enabled ? snapshot.referralCode : null,
    referral_path: view.referral.enabled && snapshot.referralCode ? `/discount/${encodeURIComponent(snapshot.referralCode)}` : null,
  };
}
