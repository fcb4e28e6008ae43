// A validation failure of the cross-sell domain as callers need it: the English sentence for logs, tests and
// callers that do not translate, and the message key with its parameters for the admin to say it in the
// merchant's language. zod's own words ("Expected string, received number") have no key: only the English.
import type { ZodIssue } from "zod";
import { englishMessage, isOffersMessageKey, messageUses, type MessageParams, type OffersMessageKey } from "./messages.ts";

export interface OfferFieldError {
  /** English, for logs and callers that do not translate. */
  message: string;
  /** The translation key and its parameters, when the domain wrote the message (not zod's defaults). */
  key?: OffersMessageKey;
  params?: MessageParams;
}

/** A failure the domain states itself (not through zod): the key, its parameters and its English. */
export function keyedError(key: OffersMessageKey, params?: MessageParams): OfferFieldError {
  return { message: englishMessage(key, params), key, ...(params ? { params } : {}) };
}

/** One zod issue of `field`; zod's bare "Required" is made to name the field it is about. */
export function fieldErrorOf(field: string, issue: ZodIssue): OfferFieldError {
  if (!isOffersMessageKey(issue.message)) {
    return { message: issue.message === "Required" ? `${field} is required` : issue.message };
  }
  return keyedError(issue.message, paramsOf(issue.message, issue));
}

// Custom issues carry their parameters; a size limit's bound is one too where the message says it.
function paramsOf(key: OffersMessageKey, issue: ZodIssue): MessageParams | undefined {
  if (issue.code === "custom") return issue.params as MessageParams | undefined;
  if (issue.code === "too_big" && messageUses(key, "max")) return { max: Number(issue.maximum) };
  if (issue.code === "too_small" && messageUses(key, "min")) return { min: Number(issue.minimum) };
  return undefined;
}
