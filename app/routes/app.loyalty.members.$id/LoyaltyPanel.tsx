// A member's loyalty panel: tier and progress to the next, balance, ledger, redemptions and referrals, with the
// merchant's actions (adjust points with a reason, redeem a reward, create the referral code). Mounted on the
// member page and on the customer page (data from loyaltyMemberPanel in app/data/loyalty-overview.server.ts);
// its actions post to the member route.
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, ProgressBar, Select, Text } from "@shopify/polaris";
import { useMemo, useState } from "react";
import type { MemberPanel } from "~/data/loyalty-overview.server";
import { formatDate, formatNumber } from "~/lib/format";
import { useAppHref } from "~/components/app-links";
import { TextInput } from "~/components/form-fields";
import { useI18n } from "~/i18n/context";
import { loyaltyEn } from "~/i18n/areas/loyalty.en";
import type { MessageKey, Text as Message, Translate } from "~/i18n/translate";
import { basisAmount, points } from "../app.loyalty._index/loyalty-ui";

export type MemberActionResult = { ok: boolean; message: Message };

/** A stored code (ledger kind, source type, redemption or referral state, rejection reason) in words, or as is. */
function named(t: Translate, prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return Object.hasOwn(loyaltyEn, key) ? t(key as MessageKey) : code.replaceAll("_", " ");
}

/** "order 1234" → "Commande 1234": the source's type in words, its order id as is. */
function sourceText(t: Translate, source: string): string {
  const [type, ...rest] = source.split(" ");
  return [named(t, "loyalty.ledger.source", type), ...rest].join(" ");
}

const STATE_TONE: Record<string, "success" | "critical" | "attention" | undefined> = {
  deducted: "success",
  rewarded: "success",
  failed: "critical",
  rejected: "critical",
  requested: "attention",
  code_created: "attention",
  waiting: "attention",
};

export function LoyaltyPanel({ panel, locale, timeZone = "UTC" }: { panel: MemberPanel; locale: string; timeZone?: string }) {
  const href = useAppHref();
  const { t } = useI18n();
  const fetcher = useFetcher<MemberActionResult>();
  const actionUrl = href(`/app/loyalty/members/${encodeURIComponent(panel.customerId)}`);
  const [adjustment, setAdjustment] = useState("");
  const [reason, setReason] = useState("");
  const [rewardId, setRewardId] = useState(panel.rewards.find((r) => r.active)?.id ?? "");
  // One id until an answer arrives: a double submit of the same form is one adjustment or one redemption.
  const answered = fetcher.data;
  const requestId = useMemo(
    () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${answered ? "r" : "n"}`,
    [answered],
  );
  const post = (body: Record<string, string>) => fetcher.submit({ ...body, requestId }, { method: "post", action: actionUrl });

  if (!panel.program) {
    return (
      <Card>
        <Text as="p" tone="subdued">
          {t("loyalty.panel.notSetUp")}
        </Text>
      </Card>
    );
  }
  const currency = panel.program.currencyCode;
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            {t("loyalty.overview.title")}
          </Text>
          {panel.tier ? <Badge tone="info">{panel.tier.name}</Badge> : <Badge>{t("loyalty.common.noTier")}</Badge>}
        </InlineStack>
        {fetcher.data ? (
          <Banner tone={fetcher.data.ok ? "success" : "critical"}>
            <p>{t(fetcher.data.message.key, fetcher.data.message.params)}</p>
          </Banner>
        ) : null}
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
          <BlockStack gap="100">
            <Text as="span" tone="subdued" variant="bodySm">
              {t("loyalty.panel.balance")}
            </Text>
            <Text as="span" variant="headingLg">
              <span data-testid="loyalty-balance">{points(t, panel.balance)}</span>
            </Text>
          </BlockStack>
          <BlockStack gap="100">
            <Text as="span" tone="subdued" variant="bodySm">
              {t("loyalty.panel.tierSince")}
            </Text>
            <Text as="span">{panel.tier?.since ? formatDate(`${panel.tier.since}T12:00:00Z`, locale, "UTC") : "—"}</Text>
            {panel.tier?.holdUntil ? (
              <Text as="span" tone="caution" variant="bodySm">
                {t("loyalty.panel.keptUntil", { date: formatDate(`${panel.tier.holdUntil}T12:00:00Z`, locale, "UTC") })}
              </Text>
            ) : null}
          </BlockStack>
          <BlockStack gap="100">
            <Text as="span" tone="subdued" variant="bodySm">
              {t("loyalty.panel.referralCode")}
            </Text>
            {panel.referralCode ? (
              <Text as="span">
                <span data-testid="loyalty-referral-code">{panel.referralCode}</span>
              </Text>
            ) : panel.program.referrals ? (
              <InlineStack>
                <Button size="slim" onClick={() => post({ intent: "referral_code" })} loading={fetcher.state !== "idle"}>
                  {t("loyalty.panel.createCode")}
                </Button>
              </InlineStack>
            ) : (
              <Text as="span" tone="subdued">
                {t("loyalty.data.referralsOff")}
              </Text>
            )}
          </BlockStack>
        </InlineGrid>
        {panel.nextTier ? (
          <BlockStack gap="100">
            <Text as="p">
              {t("loyalty.panel.toNextTier", {
                amount: basisAmount(t, panel.program.basis, panel.nextTier.amountToReach, currency, locale),
                tier: panel.nextTier.name,
              })}
            </Text>
            <ProgressBar progress={panel.progressPercent ?? 0} size="small" />
          </BlockStack>
        ) : null}
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            {t("loyalty.panel.ledger")}
          </Text>
          <DataTable
            columnContentTypes={["text", "text", "text", "numeric"]}
            headings={[t("loyalty.panel.date"), t("loyalty.panel.entry"), t("loyalty.panel.source"), t("loyalty.panel.points")]}
            rows={panel.ledger.map((e) => [
              formatDate(e.effectiveAt, locale, timeZone),
              named(t, "loyalty.ledger.kind", e.kind),
              e.reason ? `${sourceText(t, e.source)}: ${e.reason}` : sourceText(t, e.source),
              formatNumber(e.points, locale),
            ])}
          />
        </BlockStack>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {t("loyalty.panel.adjustHeading")}
            </Text>
            <TextInput label={t("loyalty.panel.adjustPoints")} type="number" value={adjustment} onChange={setAdjustment} />
            <TextInput label={t("loyalty.panel.reason")} value={reason} onChange={setReason} />
            <InlineStack>
              <Button onClick={() => post({ intent: "adjust", points: adjustment, reason })} loading={fetcher.state !== "idle"}>
                {t("loyalty.panel.adjust")}
              </Button>
            </InlineStack>
          </BlockStack>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {t("loyalty.panel.redeemHeading")}
            </Text>
            <Select
              label={t("loyalty.panel.reward")}
              options={panel.rewards.filter((r) => r.active).map((r) => ({ label: `${r.name} (${points(t, r.pointsCost)})`, value: r.id }))}
              value={rewardId}
              onChange={setRewardId}
            />
            <InlineStack>
              <Button disabled={!rewardId} onClick={() => post({ intent: "redeem", rewardId })} loading={fetcher.state !== "idle"}>
                {t("loyalty.panel.redeem")}
              </Button>
            </InlineStack>
          </BlockStack>
        </InlineGrid>
        {panel.redemptions.length > 0 ? (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "text"]}
            headings={[t("loyalty.panel.requested"), t("loyalty.panel.code"), t("loyalty.panel.points"), t("loyalty.panel.state")]}
            rows={panel.redemptions.map((r) => [
              formatDate(r.requestedAt, locale, timeZone),
              r.code ?? "—",
              formatNumber(r.pointsCost, locale),
              <Badge key={r.id} tone={STATE_TONE[r.state]}>
                {r.failure ? `${named(t, "loyalty.state", r.state)}: ${r.failure}` : named(t, "loyalty.state", r.state)}
              </Badge>,
            ])}
          />
        ) : null}
        {panel.referrals.length > 0 || panel.referredBy ? (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {t("loyalty.panel.referrals", {
                count: panel.referrals.length,
                rewarded: panel.referrals.filter((r) => r.state === "rewarded").length,
              })}
            </Text>
            {panel.referrals.map((r) => (
              <InlineStack key={r.referredCustomerId} gap="200">
                <Text as="span">{t("loyalty.panel.referred", { customer: r.referredCustomerId, order: r.orderId })}</Text>
                <Badge tone={STATE_TONE[r.state]}>
                  {r.reason
                    ? `${named(t, "loyalty.state", r.state)}: ${named(t, "loyalty.referralReason", r.reason)}`
                    : named(t, "loyalty.state", r.state)}
                </Badge>
              </InlineStack>
            ))}
            {panel.referredBy ? (
              <Text as="p" tone="subdued">
                {t("loyalty.panel.referredBy", {
                  customer: panel.referredBy.referrerCustomerId,
                  state: named(t, "loyalty.state", panel.referredBy.state),
                })}
              </Text>
            ) : null}
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
