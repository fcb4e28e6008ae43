// Choosing products for an offer. Inside the Shopify admin, App Bridge's resource picker (the admin's own
// product browser). Without App Bridge (the offline demo, or its script failed to load), a searchable list
// of the shop's stored products from /app/offers/products, which needs nothing but the app.
import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, InlineStack, Listbox, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { useAppBridge, useAppHref } from "~/components/app-links";
import { useI18n } from "~/i18n/context";
import type { ProductSummary } from "~/data/products.server";
import { noteOf, noteText, productTitle } from "../app.offers/offers-ui";

export interface PickedProduct {
  id: string;
  /** Null when the app has no title stored: shown as "Product 123" in the admin's language. */
  title: string | null;
  /** What keeps it off the storefront (offers-ui's noteOf), or null. */
  note: string | null;
}

const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

export function pickedFrom(product: ProductSummary): PickedProduct {
  return { id: product.id, title: product.title, note: noteOf(product) };
}

function SearchList({ onPick, exclude }: { onPick: (product: PickedProduct) => void; exclude: Set<string> }) {
  const { t } = useI18n();
  const href = useAppHref();
  const search = useFetcher<{ products: ProductSummary[] }>();
  const [query, setQuery] = useState("");
  const { load } = search;
  useEffect(() => {
    const timer = setTimeout(() => load(href("/app/offers/products", { q: query })), 250);
    return () => clearTimeout(timer);
  }, [query, load, href]);
  const found = (search.data?.products ?? []).filter((p) => !exclude.has(p.id));
  return (
    <BlockStack gap="200">
      <TextField
        label={t("offers.picker.search")}
        labelHidden
        placeholder={t("offers.picker.placeholder")}
        value={query}
        onChange={setQuery}
        autoComplete="off"
      />
      {found.length === 0 ? (
        <Text as="p" tone="subdued">
          {t(search.state === "idle" ? "offers.picker.noMatch" : "offers.picker.searching")}
        </Text>
      ) : (
        <Listbox
          accessibilityLabel={t("offers.picker.products")}
          onSelect={(id) => {
            const product = found.find((p) => p.id === id);
            if (product) onPick(pickedFrom(product));
          }}
        >
          {found.map((p) => {
            const note = noteOf(p);
            return (
              <Listbox.Option key={p.id} value={p.id}>
                <InlineStack gap="200">
                  <Text as="span">{productTitle(t, p.title, p.id)}</Text>
                  {note ? <Badge tone="attention">{noteText(t, note)}</Badge> : null}
                </InlineStack>
              </Listbox.Option>
            );
          })}
        </Listbox>
      )}
    </BlockStack>
  );
}

/** An ordered list of products with add (picker), remove, and move up (the order is the storefront's). */
export function ProductPicker({
  label,
  products,
  onChange,
  max,
  ordered,
}: {
  label: string;
  products: PickedProduct[];
  onChange: (products: PickedProduct[]) => void;
  max: number;
  ordered?: boolean;
}) {
  const { t } = useI18n();
  const appBridge = useAppBridge();
  const [searching, setSearching] = useState(false);
  const chosen = new Set(products.map((p) => p.id));

  const openResourcePicker = async () => {
    const selected = await window.shopify.resourcePicker({
      type: "product",
      multiple: max,
      action: "select",
      selectionIds: products.map((p) => ({ id: `gid://shopify/Product/${p.id}` })),
    });
    if (!selected) return;
    const next = selected.map((item) => {
      const id = numericId(item.id);
      const known = products.find((p) => p.id === id);
      const title =
        Object.hasOwn(item, "title") && typeof (item as { title?: unknown }).title === "string" ? (item as { title: string }).title : null;
      return known ?? { id, title, note: null };
    });
    onChange(next.slice(0, max));
  };

  const move = (index: number) => {
    const next = products.slice();
    [next[index - 1], next[index]] = [next[index], next[index - 1]];
    onChange(next);
  };

  return (
    <BlockStack gap="200">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h3" variant="headingSm">
          {label}
        </Text>
        <Button
          disabled={products.length >= max && !appBridge}
          onClick={() => (appBridge ? void openResourcePicker() : setSearching((open) => !open))}
        >
          {t(appBridge ? "offers.picker.choose" : searching ? "offers.picker.done" : "offers.picker.add")}
        </Button>
      </InlineStack>
      {products.length === 0 ? (
        <Text as="p" tone="subdued">
          {t("offers.picker.none")}
        </Text>
      ) : (
        <BlockStack gap="100">
          {products.map((p, index) => {
            const title = productTitle(t, p.title, p.id);
            return (
              <InlineStack key={p.id} gap="200" blockAlign="center" wrap={false}>
                <Text as="span">{title}</Text>
                {p.note ? <Badge tone="critical">{noteText(t, p.note)}</Badge> : null}
                {ordered && index > 0 ? (
                  <Button
                    size="micro"
                    variant="plain"
                    onClick={() => move(index)}
                    accessibilityLabel={t("offers.picker.moveUp", { title })}
                  >
                    ↑
                  </Button>
                ) : null}
                <Button size="micro" variant="plain" tone="critical" onClick={() => onChange(products.filter((x) => x.id !== p.id))}>
                  {t("offers.picker.remove")}
                </Button>
              </InlineStack>
            );
          })}
        </BlockStack>
      )}
      {searching && !appBridge && products.length < max ? (
        <SearchList exclude={chosen} onPick={(product) => onChange([...products, product].slice(0, max))} />
      ) : null}
    </BlockStack>
  );
}
