// The cross-sell domain's messages as translation keys, with their English text: the validation of a manual
// offer (offer-schema.ts) and of the settings and suggestion offers (app/data/offers.server.ts), and the
// sentences of an experiment's summary (app/experiments/report.ts). Those modules report the key and its
// parameters beside this English rendering, so the admin translates by key while logs and tests keep reading
// English. app/i18n/areas/offers.en.ts spreads this catalog; offers.fr.ts translates every key (its type
// demands them all). The key names are the admin's, which is why they start with the page they show on.

import { messageCatalog, type MessageParams, type MessageTemplate } from "../lib/message-templates.ts";

export type { MessageParams };

export const OFFERS_MESSAGES_EN = {
  // A manual offer (offer-schema.ts) and a suggestion's offer (app/data)
  "offers.editor.error.productId": "must be a Shopify product id",
  "offers.editor.error.triggerTwice": "The trigger products lists product {id} twice",
  "offers.editor.error.offeredTwice": "The offered products lists product {id} twice",
  "offers.editor.error.date": "must be a valid date",
  "offers.editor.error.titleMissing": "Give the offer a title",
  "offers.editor.error.titleTooLong": "The title can have at most {max} characters",
  "offers.editor.error.triggersMissing": "Choose at least one trigger product",
  "offers.editor.error.triggersTooMany": "Choose at most {max} trigger products",
  "offers.editor.error.offeredMissing": "Choose at least one product to offer",
  "offers.editor.error.offeredTooMany": "Choose at most {max} products to offer",
  "offers.editor.error.offerFull": "The offer for this product already has {max} products",
  "offers.editor.error.discountNotNumber": "The discount must be a number",
  "offers.editor.error.discountRange": "The discount must be a whole percentage from 1 to 100",
  "offers.editor.error.tierUnknown": 'There is no tier "{name}": choose one of {names}',
  "offers.editor.error.noTiers": 'There is no tier "{name}": the program has no tiers',
  "offers.editor.error.priorityNotNumber": "The priority must be a number",
  "offers.editor.error.priorityRange": "The priority must be a whole number from 0 to {max}",
  "offers.editor.error.endBeforeStart": "The end must be after the start",
  "offers.editor.error.offeredIsTrigger": "Product {id} is also a trigger: an offer cannot offer the product it is shown with",

  // The settings (app/data/offers.server.ts); shares are said in percent.
  "offers.settings.windowMonths.error.notNumber": "The window must be a number",
  "offers.settings.windowMonths.error.range": "The window must be a whole number from {min} to {max}",
  "offers.settings.recencyHalfLifeDays.error.notNumber": "The recency half-life must be a number",
  "offers.settings.recencyHalfLifeDays.error.range": "The recency half-life must be a whole number from {min} to {max}",
  "offers.settings.minSupport.error.notNumber": "The minimum support must be a number",
  "offers.settings.minSupport.error.negative": "The minimum support cannot be negative",
  "offers.settings.minSupport.error.atMost": "The minimum support can be at most {max} %",
  "offers.settings.minConfidence.error.notNumber": "The minimum confidence must be a number",
  "offers.settings.minConfidence.error.negative": "The minimum confidence cannot be negative",
  "offers.settings.minConfidence.error.atMost": "The minimum confidence can be at most {max} %",
  "offers.settings.maxOffered.error.notNumber": "The products per list must be a number",
  "offers.settings.maxOffered.error.range": "The products per list must be a whole number from {min} to {max}",
  "offers.settings.holdoutShare.error.notNumber": "The holdout share must be a number",
  "offers.settings.holdoutShare.error.negative": "The holdout share cannot be negative",
  "offers.settings.holdoutShare.error.atMost": "The holdout share can be at most {max} %",

  // An experiment's summary (app/experiments/report.ts): amounts are money, {reasons} and {arm} other messages.
  "offers.report.tooEarly": "Too early to tell: {reasons}.",
  "offers.report.fewCustomers": {
    one: "only {count} customer in the {arm} arm (at least {min} needed)",
    other: "only {count} customers in the {arm} arm (at least {min} needed)",
  },
  "offers.report.fewBuyers": {
    one: "only {count} customer bought in the {arm} arm (at least {min} needed)",
    other: "only {count} customers bought in the {arm} arm (at least {min} needed)",
  },
  "offers.report.arm.treatment": "treatment",
  "offers.report.arm.holdout": "holdout",
  "offers.report.higher": "Revenue per exposed customer is {amount} higher than in the holdout (95 % interval {low} to {high}).",
  "offers.report.lower": "Revenue per exposed customer is {amount} lower than in the holdout (95 % interval {low} to {high}).",
  "offers.report.inconclusive":
    "No difference in revenue per customer can be told apart from chance yet: {estimate} (95 % interval {low} to {high}); with this sample only a difference of about {detectable} per customer would show.",
  "offers.report.cost.positive":
    "After a cost of {cost} per customer, it has paid for its cost so far (95 % interval {low} to {high} per customer).",
  "offers.report.cost.negative":
    "After a cost of {cost} per customer, it has cost more than it brought in so far (95 % interval {low} to {high} per customer).",
  "offers.report.cost.inconclusive":
    "After a cost of {cost} per customer, whether it has paid for its cost is not clear yet (95 % interval {low} to {high} per customer).",
  "offers.report.twelveMonth.positive":
    "Over 12 months it is predicted to pay for itself: {estimate} per customer after cost (95 % interval {low} to {high}).",
  "offers.report.twelveMonth.negative":
    "Over 12 months it is predicted to cost more than it adds: {estimate} per customer after cost (95 % interval {low} to {high}).",
  "offers.report.twelveMonth.inconclusive":
    "The 12-month return cannot be told apart from zero yet: {estimate} per customer after cost (95 % interval {low} to {high}).",
  "offers.report.twelveMonth.tooFew": "Too few customers with a predicted value to judge the 12-month return.",
} as const satisfies Record<string, MessageTemplate>;

export type OffersMessageKey = keyof typeof OFFERS_MESSAGES_EN;

/** A key where a schema wants its message (checked against the catalog): field-errors.ts adds the English. */
export const messageKey = <K extends OffersMessageKey>(key: K): K => key;

const catalog = messageCatalog(OFFERS_MESSAGES_EN);

export const isOffersMessageKey = catalog.isKey;
/** The English text of a key: {name} placeholders filled, the plural form chosen by {count} (1 is singular). */
export const englishMessage = catalog.english;
/** A key with its parameters as a keyed message (field-errors.ts). */
export const keyedOffersMessage = catalog.keyed;
/** A zod issue as its keyed message (field-errors.ts). */
export const offersMessageOfIssue = catalog.fromIssue;
