// A validation failure of the cross-sell domain as callers need it: the English sentence for logs, tests and
// callers that do not translate, and the message key with its parameters for the admin to say it in the
// merchant's language. zod's own words ("Expected string, received number") have no key: only the English.
import type { ZodIssue } from "zod";
import type { KeyedMessage } from "../lib/message-templates.ts";
import { keyedOffersMessage, offersMessageOfIssue, type OffersMessageKey } from "./messages.ts";

/** English for logs and callers that do not translate; the key and its parameters when the domain wrote it. */
export type OfferFieldError = KeyedMessage<OffersMessageKey>;

/** A failure the domain states itself (not through zod): the key, its parameters and its English. */
export const keyedError = keyedOffersMessage;

/** One zod issue of `field`; zod's bare "Required" is made to name the field it is about. */
export function fieldErrorOf(field: string, issue: ZodIssue): OfferFieldError {
  const error = offersMessageOfIssue(issue);
  return error.key === undefined && error.message === "Required" ? { message: `${field} is required` } : error;
}
