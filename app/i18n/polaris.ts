// Polaris' own strings (pagination labels, "Loading", table sort hints…) in the admin's language.
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisFr from "@shopify/polaris/locales/fr.json";
import { languageOf } from "./translate";

export function polarisTranslations(locale: string) {
  return languageOf(locale) === "fr" ? polarisFr : polarisEn;
}
