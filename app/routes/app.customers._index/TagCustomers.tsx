// "Act on this list in Shopify": tag the listed customers, and optionally save them as a Shopify customer
// segment (built on the tag) that Shopify Email, discounts and Flow can target. Posts the list's filters
// with the tag to /app/customers/tag and says what happened.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, InlineStack, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { CustomerQuery } from "~/lib/customer-query";
import { useAppHref } from "~/components/app-links";
import { useI18n } from "~/i18n/context";
import type { MessageKey } from "~/i18n/translate";
import type { TagActionAnswer } from "../app.customers.tag";

const PROBLEMS: Record<string, MessageKey> = {
  tag_missing: "tag.problem.tagMissing",
  tag_too_long: "tag.problem.tagTooLong",
  tag_invalid: "tag.problem.tagInvalid",
  segment_name_missing: "tag.problem.segmentNameMissing",
  segment_name_too_long: "tag.problem.segmentNameTooLong",
  no_customers: "tag.problem.noCustomers",
  queue_unavailable: "tag.problem.queueUnavailable",
  missing_scope: "tag.problem.missingScope",
  shopify_error: "tag.problem.shopifyError",
};

export function TagCustomers({ query, total, canTag }: { query: CustomerQuery; total: number; canTag: boolean }) {
  const { t } = useI18n();
  const href = useAppHref();
  const fetcher = useFetcher<TagActionAnswer>();
  const [tag, setTag] = useState("");
  const [saveSegment, setSaveSegment] = useState(false);
  const [segmentName, setSegmentName] = useState("");
  const result = fetcher.data;
  const busy = fetcher.state !== "idle";
  return (
    <Card>
      <fetcher.Form method="post" action={href("/app/customers/tag")}>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {t("tag.heading")}
          </Text>
          <Text as="p" tone="subdued">
            {t("tag.body", { count: total })}
          </Text>
          {!canTag ? (
            <Banner tone="warning">
              <p>{t("tag.problem.missingScope")}</p>
            </Banner>
          ) : null}
          <input type="hidden" name="q" value={query.search} />
          <input type="hidden" name="segment" value={query.segment ?? ""} />
          <input type="hidden" name="risk" value={query.atRisk ? "1" : ""} />
          <input type="hidden" name="tier" value={query.tier ?? ""} />
          <InlineStack gap="300" blockAlign="end" wrap>
            <div style={{ minWidth: 220 }}>
              <TextField
                label={t("tag.tag")}
                name="tag"
                value={tag}
                onChange={setTag}
                autoComplete="off"
                maxLength={40}
                helpText={t("tag.tagHelp")}
              />
            </div>
            <Checkbox label={t("tag.saveSegment")} name="saveSegment" value="on" checked={saveSegment} onChange={setSaveSegment} />
            {saveSegment ? (
              <div style={{ minWidth: 220 }}>
                <TextField
                  label={t("tag.segmentName")}
                  name="segmentName"
                  value={segmentName}
                  onChange={setSegmentName}
                  autoComplete="off"
                  maxLength={70}
                />
              </div>
            ) : null}
            <Button submit loading={busy} disabled={!canTag || !tag.trim()}>
              {t("tag.submit", { count: total })}
            </Button>
          </InlineStack>
          {result && !busy ? (
            result.ok && result.queued ? (
              <Banner tone="info">
                <BlockStack gap="100">
                  <p data-testid="tag-result">{t("tag.inBackground", { count: result.count, tag: result.tag })}</p>
                  {result.segmentName ? <p>{t("tag.inBackgroundSegment", { name: result.segmentName })}</p> : null}
                </BlockStack>
              </Banner>
            ) : result.ok ? (
              <Banner tone={result.outcome.failed > 0 || result.outcome.segmentError ? "warning" : "success"}>
                <BlockStack gap="100">
                  <p data-testid="tag-result">{t("tag.done", { count: result.outcome.tagged, tag: result.tag })}</p>
                  {result.outcome.failed > 0 ? <p>{t("tag.someFailed", { count: result.outcome.failed })}</p> : null}
                  {result.outcome.segment ? <p>{t("tag.segmentSaved", { name: result.outcome.segment.name })}</p> : null}
                  {result.outcome.segmentError ? <p>{t("tag.segmentFailed", { reason: result.outcome.segmentError })}</p> : null}
                </BlockStack>
              </Banner>
            ) : (
              <Banner tone="critical">
                <p data-testid="tag-result">{t(PROBLEMS[result.problem] ?? "tag.problem.shopifyError", { limit: result.limit ?? 0 })}</p>
              </Banner>
            )
          ) : null}
        </BlockStack>
      </fetcher.Form>
    </Card>
  );
}
