// The engine's validation messages as translation keys, with their English text. The schemas report the
// key (and its parameters); fieldErrorsOf turns it into a FieldError that carries the key, the parameters
// and this English rendering, so the admin can translate it where it is shown while logs, the storefront
// and the tests keep reading English. app/i18n/areas/loyalty.en.ts spreads this catalog; loyalty.fr.ts
// translates every key (its type demands them all).

import { messageCatalog, type MessageParams, type MessageTemplate } from "../lib/message-templates.ts";

export type { MessageParams };

export const LOYALTY_MESSAGES_EN = {
  // Tiers: the ladder
  "loyalty.error.tiers.basis": "Choose what tiers count: net spend, number of orders, points earned or predicted 12-month value",
  "loyalty.error.tiers.window": "Choose the window: lifetime, calendar year or rolling 12 months",
  "loyalty.error.tiers.windowNone": "Predicted 12-month value already looks one year ahead: it takes no window",
  "loyalty.error.tiers.windowNetSpend": "Choose the window over which net spend is counted",
  "loyalty.error.tiers.windowOrderCount": "Choose the window over which number of orders is counted",
  "loyalty.error.tiers.windowPointsEarned": "Choose the window over which points earned is counted",
  "loyalty.error.tiers.none": "Add at least one tier",
  "loyalty.error.tiers.tooMany": "A program has at most {max} tiers",
  "loyalty.error.tiers.nameTaken": 'Tier {index} is already called "{name}"',
  "loyalty.error.tiers.idTaken": 'Two tiers share the id "{id}"',
  "loyalty.error.tiers.notAboveAmount": "{tier} must need more than {below} ({amount})",
  "loyalty.error.tiers.notAboveOrders": {
    one: "{tier} must need more than {below} ({count} order)",
    other: "{tier} must need more than {below} ({count} orders)",
  },
  "loyalty.error.tiers.notAbovePoints": {
    one: "{tier} must need more than {below} ({count} point)",
    other: "{tier} must need more than {below} ({count} points)",
  },
  // Tiers: one tier
  "loyalty.error.tier.idMissing": "The tier has no id",
  "loyalty.error.tier.idTooLong": "The tier id is too long",
  "loyalty.error.tier.nameMissing": "Name the tier",
  "loyalty.error.tier.nameTooLong": "Keep the name under 40 characters",
  "loyalty.error.tier.nameComma": "A tier name cannot contain a comma (it becomes a customer tag)",
  "loyalty.error.tier.thresholdMissing": "Enter the threshold",
  "loyalty.error.tier.thresholdNotNumber": "The threshold must be a number",
  "loyalty.error.tier.thresholdNotWhole": "The threshold must be a whole number (amounts in the currency's smallest unit)",
  "loyalty.error.tier.thresholdNegative": "The threshold cannot be negative",
  "loyalty.error.tier.thresholdTooLarge": "The threshold is too large",
  "loyalty.error.tier.retentionKind": "Choose how members keep the tier: demote at once, a grace period, or a review date",
  "loyalty.error.tier.graceMissing": "Enter the grace period in days",
  "loyalty.error.tier.graceNotNumber": "The grace period must be a number of days",
  "loyalty.error.tier.graceNotWhole": "The grace period must be a whole number of days",
  "loyalty.error.tier.graceTooShort": "The grace period must be at least 1 day",
  "loyalty.error.tier.graceTooLong": "The grace period can be at most 730 days",
  "loyalty.error.tier.reviewMonth": "Choose the review month",
  "loyalty.error.tier.reviewMonthRange": "Choose a month from 1 to 12",
  "loyalty.error.tier.reviewDay": "Choose the review day",
  "loyalty.error.tier.reviewDayRange": "Choose a day of the month",
  "loyalty.error.tier.leapDay": "29 February is not in every year: choose 28 February or 1 March",
  "loyalty.error.tier.monthDays": "That month has only {days} days",
  "loyalty.error.tier.percentNotNumber": "The discount must be a percentage",
  "loyalty.error.tier.percentNegative": "The discount cannot be negative",
  "loyalty.error.tier.percentTooHigh": "The discount can be at most 100%",
  "loyalty.error.tier.percentDecimals": "The discount can have at most 2 decimals",
  "loyalty.error.tier.automaticDiscount": "The automatic discount must be on or off",
  "loyalty.error.tier.multiplierNotNumber": "The points multiplier must be a number",
  "loyalty.error.tier.multiplierTooLow": "The points multiplier must be at least 1×",
  "loyalty.error.tier.multiplierTooHigh": "The points multiplier can be at most 10×",
  "loyalty.error.tier.multiplierDecimals": "The points multiplier can have at most 2 decimals",
  "loyalty.error.tier.freeShipping": "Free shipping must be on or off",
  "loyalty.error.tier.descriptionNotText": "The description must be text",
  "loyalty.error.tier.descriptionTooLong": "Keep the description under 200 characters",
  // Program settings
  "loyalty.error.settings.enabled": "Choose whether the program is on",
  "loyalty.error.settings.currencyMissing": "The shop currency is missing",
  "loyalty.error.settings.currencyUnknown": '"{code}" is not an ISO 4217 currency code',
  "loyalty.error.settings.pointsMissing": "Enter how many points one unit of the shop currency earns",
  "loyalty.error.settings.pointsNotNumber": "Points per unit must be a number",
  "loyalty.error.settings.pointsNotPositive": "Points per unit must be more than 0",
  "loyalty.error.settings.pointsTooMany": "Points per unit can be at most 1,000",
  "loyalty.error.settings.pointsDecimals": "Points per unit can have at most 2 decimals",
  "loyalty.error.settings.rounding": "Rounding must be down, nearest or up",
  "loyalty.error.settings.requirePaid": "Choose whether only paid orders earn",
  "loyalty.error.settings.includeTestOrders": "Choose whether test orders earn",
  "loyalty.error.settings.minimumNotAmount": "Minimum order must be an amount",
  "loyalty.error.settings.amountIn": "Enter an amount in {currency}",
  "loyalty.error.settings.minimumNotWhole": "Minimum order must be a whole amount in the currency's smallest unit",
  "loyalty.error.settings.minimumNegative": "Minimum order cannot be negative",
  "loyalty.error.settings.minimumTooLarge": "Minimum order is too large",
  "loyalty.error.settings.accountCreationMissing": "Enter the account creation bonus",
  "loyalty.error.settings.accountCreationNotNumber": "Account creation bonus must be a number",
  "loyalty.error.settings.accountCreationNotWhole": "Account creation bonus must be a whole number of points",
  "loyalty.error.settings.accountCreationTooLow": "Account creation bonus must be at least 1 point (or switch the bonus off)",
  "loyalty.error.settings.accountCreationTooHigh": "Account creation bonus can be at most 1,000,000 points",
  "loyalty.error.settings.birthdayMissing": "Enter the birthday bonus",
  "loyalty.error.settings.birthdayNotNumber": "Birthday bonus must be a number",
  "loyalty.error.settings.birthdayNotWhole": "Birthday bonus must be a whole number of points",
  "loyalty.error.settings.birthdayTooLow": "Birthday bonus must be at least 1 point (or switch the bonus off)",
  "loyalty.error.settings.birthdayTooHigh": "Birthday bonus can be at most 1,000,000 points",
  "loyalty.error.settings.expiryMissing": "Enter after how many months without an order points expire",
  "loyalty.error.settings.expiryNotNumber": "Months must be a number",
  "loyalty.error.settings.expiryNotWhole": "Months must be a whole number",
  "loyalty.error.settings.expiryTooSoon": "Points can expire after 1 month at the earliest",
  "loyalty.error.settings.expiryTooLate": "Points can expire after 120 months at the latest",
  "loyalty.error.settings.versionExists": 'A rule version "{id}" already exists',
  "loyalty.error.settings.versionInPast": "A change takes effect now or later, never in the past",
  "loyalty.error.settings.versionBeforePrevious": "A change must take effect after the previous version",
  // Rewards
  "loyalty.error.reward.kind": "Choose the reward: an amount off, a percentage off or free shipping",
  "loyalty.error.reward.idMissing": "The reward has no id",
  "loyalty.error.reward.idTooLong": "The reward id is too long",
  "loyalty.error.reward.nameMissing": "Name the reward",
  "loyalty.error.reward.nameTooLong": "Keep the name under 60 characters",
  "loyalty.error.reward.costMissing": "Enter the points the reward costs",
  "loyalty.error.reward.costNotNumber": "The cost must be a number of points",
  "loyalty.error.reward.costNotWhole": "The cost must be a whole number of points",
  "loyalty.error.reward.costTooLow": "A reward costs at least 1 point",
  "loyalty.error.reward.costTooHigh": "A reward can cost at most 10,000,000 points",
  "loyalty.error.reward.minimumNotWhole": "The minimum order must be a whole amount",
  "loyalty.error.reward.minimumNegative": "The minimum order cannot be negative",
  "loyalty.error.reward.amountMissing": "Enter the amount off",
  "loyalty.error.reward.amountNotNumber": "The amount off must be a number",
  "loyalty.error.reward.amountNotWhole": "The amount off must be a whole amount in the currency's smallest unit",
  "loyalty.error.reward.amountTooLow": "The amount off must be more than 0",
  "loyalty.error.reward.percentMissing": "Enter the percentage off",
  "loyalty.error.reward.percentNotNumber": "The percentage must be a number",
  "loyalty.error.reward.percentTooLow": "The percentage must be more than 0",
  "loyalty.error.reward.percentTooHigh": "The percentage can be at most 100",
  // Redemption
  "loyalty.error.redeem.programOff": "The loyalty program is off",
  "loyalty.error.redeem.inactive": "This reward is not offered any more",
  "loyalty.error.redeem.tierTooLow": "This reward is for a higher tier",
  "loyalty.error.redeem.notEnoughPoints": "This reward needs {cost} points; {available} are available",
  // Referrals
  "loyalty.error.referral.enabled": "Choose whether referrals are on",
  "loyalty.error.referral.pointsMissing": "Enter the referrer's reward in points",
  "loyalty.error.referral.pointsNotNumber": "The reward must be a number of points",
  "loyalty.error.referral.pointsNotWhole": "The reward must be a whole number of points",
  "loyalty.error.referral.pointsTooLow": "The reward must be at least 1 point",
  "loyalty.error.referral.pointsTooHigh": "The reward can be at most 1,000,000 points",
  "loyalty.error.referral.windowNotNumber": "The refund window must be a number of days",
  "loyalty.error.referral.windowNotWhole": "The refund window must be a whole number of days",
  "loyalty.error.referral.windowNegative": "The refund window cannot be negative",
  "loyalty.error.referral.windowTooLong": "The refund window can be at most 365 days",
  "loyalty.error.referral.capNotNumber": "The monthly cap must be a number",
  "loyalty.error.referral.capNotWhole": "The monthly cap must be a whole number",
  "loyalty.error.referral.capTooLow": "The monthly cap must be at least 1 (or switch the cap off)",
  "loyalty.error.referral.capTooHigh": "The monthly cap can be at most 1,000",
  // Manual adjustments
  "loyalty.error.adjust.points": "Enter a whole, non-zero number of points",
  "loyalty.error.adjust.reasonMissing": "Say why the points are adjusted",
  "loyalty.error.adjust.reasonTooLong": "Keep the reason under 500 characters",
} as const satisfies Record<string, MessageTemplate>;

export type LoyaltyMessageKey = keyof typeof LOYALTY_MESSAGES_EN;

/** A key where a schema wants its message (checked against the catalog): validation.ts adds the English. */
export const messageKey = <K extends LoyaltyMessageKey>(key: K): K => key;

const catalog = messageCatalog(LOYALTY_MESSAGES_EN);

export const isLoyaltyMessageKey = catalog.isKey;
/** A zod issue as its keyed message (validation.ts adds the field's path). */
export const loyaltyMessageOfIssue = catalog.fromIssue;
/** The English text of a key: {name} placeholders filled, the plural form chosen by {count} (1 is singular). */
export const englishMessage = catalog.english;
