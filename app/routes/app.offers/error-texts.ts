// Validation errors of app/offers and app/data as the pages' messages: the key and parameters the domain
// gave, or zod's own words (which have no key) shown as they are.
import type { OfferFieldError } from "~/offers";
import type { Text } from "~/i18n/translate";

export function errorText(error: OfferFieldError): Text {
  if (error.key === undefined) return { key: "offers.common.literal", params: { text: error.message } };
  return error.params ? { key: error.key, params: error.params } : { key: error.key };
}

/** A refused offer's errors, field by field. */
export function offerErrorTexts(errors: Partial<Record<string, readonly OfferFieldError[]>>): Record<string, Text[]> {
  const texts: Record<string, Text[]> = {};
  for (const [field, fieldErrors = []] of Object.entries(errors)) texts[field] = fieldErrors.map(errorText);
  return texts;
}

/** Refused settings: one error per field. */
export function settingsErrorTexts(errors: Partial<Record<string, OfferFieldError>>): Record<string, Text[]> {
  const texts: Record<string, Text[]> = {};
  for (const [field, error] of Object.entries(errors)) if (error) texts[field] = [errorText(error)];
  return texts;
}
