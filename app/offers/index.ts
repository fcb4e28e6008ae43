/**
 * Cross-sell and personal recommendations: public API. Pure TypeScript, no I/O.
 * Definitions and formulas: docs/offers.md.
 */

export { basketSetFromOrders, BasketSetBuilder, FLAG_CANCELLED, FLAG_TEST } from "./baskets.ts";
export type { BasketSet, OrderBasket } from "./baskets.ts";

export { comparePairs, DAY_MS, minePairs, MONTH_MS } from "./mining.ts";
export type { MiningOptions, MiningResult, PairStat, ProductStat } from "./mining.ts";

export { DEFAULT_LIFT_PRIOR, DEFAULT_VALUE_PRIOR_BUYERS, expectedCoOrders, shrunkLift, valueIndex, valueScore } from "./scores.ts";

export { productOffers } from "./product-offers.ts";
export type { ProductOfferOptions, SuggestedProduct } from "./product-offers.ts";

export { repurchaseStats } from "./repurchase.ts";
export type { ProductRepurchase, RepurchaseOptions, RepurchaseStats } from "./repurchase.ts";

export { buildRecommendationModel, recommendationsForShopper, recommendForCustomers, Recommender } from "./recommend.ts";
export type { ModelInput, PurchaseEvent, Recommendation, RecommendationModel, RecommendOptions, ShopperContext } from "./recommend.ts";

export {
  DEFAULT_MAX_OFFERED_PRODUCTS,
  isOfferActive,
  manualOfferSchema,
  MAX_OFFER_PRIORITY,
  MAX_TRIGGER_PRODUCTS,
  offerProductProblems,
  showableOfferedProducts,
  validateManualOffer,
} from "./offer-schema.ts";
export type {
  ManualOffer,
  ManualOfferInput,
  OfferErrors,
  OfferField,
  OfferSchemaOptions,
  OfferValidation,
  ProductProblem,
  ProductProblemKind,
  ProductState,
} from "./offer-schema.ts";

export { fieldErrorOf, keyedError } from "./field-errors.ts";
export type { OfferFieldError } from "./field-errors.ts";
export { englishMessage, isOffersMessageKey, messageKey, OFFERS_MESSAGES_EN } from "./messages.ts";
export type { MessageParams, OffersMessageKey } from "./messages.ts";

export { attributeOrders, OFFER_PROPERTY, offerIdOfLineItem } from "./attribution.ts";
export type { AttributionLineItem, AttributionOptions, AttributionOrder, LineItemProperty, OfferAttribution } from "./attribution.ts";
