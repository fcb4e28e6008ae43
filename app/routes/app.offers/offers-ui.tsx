// What the cross-sell pages share: the banner of an action's answer and the field errors in the admin's
// language, and how a product, its state and what keeps it off the storefront are said.
import { Banner, Layout } from "@shopify/polaris";
import { useState } from "react";
import { useI18n } from "~/i18n/context";
import type { MessageKey, Text, Translate } from "~/i18n/translate";
import type { ProductProblem } from "~/offers";
import type { ProductSummary } from "~/data/products.server";
import type { OffersActionResult } from "./actions.server";

/** Sentences in the admin's language, one after the other. */
export const say = (t: Translate, texts: readonly Text[]) => texts.map((text) => t(text.key, text.params)).join(" ");

export function ActionBanner({ result, testId }: { result: OffersActionResult | undefined; testId: string }) {
  const { t } = useI18n();
  if (!result) return null;
  return (
    <Layout.Section>
      <Banner tone={result.ok ? "success" : "critical"}>
        <p data-testid={testId}>{say(t, result.messages)}</p>
      </Banner>
    </Layout.Section>
  );
}

/**
 * The newest of several actions' answers. Each fetcher keeps its last answer; the banner must say what the
 * merchant just did, not what an earlier action answered.
 */
export function useNewestAnswer(answers: readonly (OffersActionResult | undefined)[]): OffersActionResult | undefined {
  const [seen, setSeen] = useState(answers);
  const [newest, setNewest] = useState(() => answers.find((answer) => answer !== undefined));
  const changed = answers.find((answer, i) => answer !== undefined && answer !== seen[i]);
  // Remembered during render (React's pattern for state derived from the previous render), not in an effect:
  // the banner shows the answer in the same render that receives it.
  if (answers.some((answer, i) => answer !== seen[i])) {
    setSeen(answers);
    if (changed) setNewest(changed);
  }
  return changed ?? newest;
}

/** `errorOf(field)`: the messages of one field of a refused save, translated, or undefined. */
export function useFieldErrors(result: OffersActionResult | undefined) {
  const { t } = useI18n();
  const errors = result?.ok === false ? result.errors : undefined;
  return (name: string): string | undefined => {
    const texts = errors && Object.hasOwn(errors, name) ? errors[name] : undefined;
    return texts && texts.length > 0 ? say(t, texts) : undefined;
  };
}

const NOTES: Record<string, MessageKey> = {
  deleted: "offers.product.note.deleted",
  draft: "offers.product.note.draft",
  archived: "offers.product.note.archived",
  unpublished: "offers.product.note.unpublished",
};

/** Why a product would not be shown: deleted, its status (lower case) when not active, or unpublished. */
export function noteOf(product: Pick<ProductSummary, "deleted" | "status" | "published">): string | null {
  if (product.deleted) return "deleted";
  if (product.status !== "ACTIVE") return product.status.toLowerCase();
  return product.published ? null : "unpublished";
}

/** A note in the admin's language; a status Shopify adds later is shown as Shopify names it. */
export const noteText = (t: Translate, note: string) => (Object.hasOwn(NOTES, note) ? t(NOTES[note]) : note);

/** A product's title, or "Product 123" when the app has none stored. */
export const productTitle = (t: Translate, title: string | null | undefined, id: string) => title ?? t("offers.product.fallback", { id });

/** What keeps a product of an offer off the storefront, from app/offers' problem kind. */
export const problemText = (t: Translate, problem: ProductProblem) =>
  t(`offers.problem.${problem.role}.${problem.problem}`, { id: problem.productId });
