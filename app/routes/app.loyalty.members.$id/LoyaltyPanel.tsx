// A member's loyalty panel: tier and progress to the next, balance, ledger, redemptions and referrals, with the
// merchant's actions (adjust points with a reason, redeem a reward, create the referral code). Mounted on the
// member page and on the customer page (data from loyaltyMemberPanel in app/data/loyalty-overview.server.ts);
// its actions post to the member route.
import { useFetcher } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  ProgressBar,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useMemo, useState } from "react";
import type { MemberPanel } from "~/data/loyalty-overview.server";
import { formatDate, formatNumber } from "~/lib/format";
import { useAppHref } from "~/components/app-links";
import { basisAmount, points } from "../app.loyalty._index/loyalty-ui";

export type MemberActionResult = { ok: boolean; message: string };

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
          The loyalty program is not set up.
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
            Loyalty
          </Text>
          {panel.tier ? <Badge tone="info">{panel.tier.name}</Badge> : <Badge>No tier</Badge>}
        </InlineStack>
        {fetcher.data ? (
          <Banner tone={fetcher.data.ok ? "success" : "critical"}>
            <p>{fetcher.data.message}</p>
          </Banner>
        ) : null}
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
          <BlockStack gap="100">
            <Text as="span" tone="subdued" variant="bodySm">
              Points balance
            </Text>
            <Text as="span" variant="headingLg">
              <span data-testid="loyalty-balance">{points(panel.balance, locale)}</span>
            </Text>
          </BlockStack>
          <BlockStack gap="100">
            <Text as="span" tone="subdued" variant="bodySm">
              Tier since
            </Text>
            <Text as="span">{panel.tier?.since ? formatDate(`${panel.tier.since}T12:00:00Z`, locale, "UTC") : "—"}</Text>
            {panel.tier?.holdUntil ? (
              <Text as="span" tone="caution" variant="bodySm">
                {`Kept until ${formatDate(`${panel.tier.holdUntil}T12:00:00Z`, locale, "UTC")} unless they qualify again`}
              </Text>
            ) : null}
          </BlockStack>
          <BlockStack gap="100">
            <Text as="span" tone="subdued" variant="bodySm">
              Referral code
            </Text>
            {panel.referralCode ? (
              <Text as="span">
                <span data-testid="loyalty-referral-code">{panel.referralCode}</span>
              </Text>
            ) : panel.program.referrals ? (
              <InlineStack>
                <Button size="slim" onClick={() => post({ intent: "referral_code" })} loading={fetcher.state !== "idle"}>
                  Create code
                </Button>
              </InlineStack>
            ) : (
              <Text as="span" tone="subdued">
                Referrals are off
              </Text>
            )}
          </BlockStack>
        </InlineGrid>
        {panel.nextTier ? (
          <BlockStack gap="100">
            <Text as="p">{`${basisAmount(panel.program.basis, panel.nextTier.amountToReach, currency, locale)} to ${panel.nextTier.name}`}</Text>
            <ProgressBar progress={panel.progressPercent ?? 0} size="small" />
          </BlockStack>
        ) : null}
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Ledger
          </Text>
          <DataTable
            columnContentTypes={["text", "text", "text", "numeric"]}
            headings={["Date", "Entry", "Source", "Points"]}
            rows={panel.ledger.map((e) => [
              formatDate(e.effectiveAt, locale, timeZone),
              e.kind,
              e.reason ? `${e.source}: ${e.reason}` : e.source,
              formatNumber(e.points, locale),
            ])}
          />
        </BlockStack>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Adjust points
            </Text>
            <TextField
              label="Points (negative to take away)"
              type="number"
              autoComplete="off"
              value={adjustment}
              onChange={setAdjustment}
            />
            <TextField label="Reason" autoComplete="off" value={reason} onChange={setReason} />
            <InlineStack>
              <Button onClick={() => post({ intent: "adjust", points: adjustment, reason })} loading={fetcher.state !== "idle"}>
                Adjust
              </Button>
            </InlineStack>
          </BlockStack>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Redeem for the customer
            </Text>
            <Select
              label="Reward"
              options={panel.rewards
                .filter((r) => r.active)
                .map((r) => ({ label: `${r.name} (${points(r.pointsCost, locale)})`, value: r.id }))}
              value={rewardId}
              onChange={setRewardId}
            />
            <InlineStack>
              <Button disabled={!rewardId} onClick={() => post({ intent: "redeem", rewardId })} loading={fetcher.state !== "idle"}>
                Redeem
              </Button>
            </InlineStack>
          </BlockStack>
        </InlineGrid>
        {panel.redemptions.length > 0 ? (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "text"]}
            headings={["Requested", "Code", "Points", "State"]}
            rows={panel.redemptions.map((r) => [
              formatDate(r.requestedAt, locale, timeZone),
              r.code ?? "—",
              formatNumber(r.pointsCost, locale),
              <Badge key={r.id} tone={STATE_TONE[r.state]}>
                {r.failure ? `${r.state}: ${r.failure}` : r.state}
              </Badge>,
            ])}
          />
        ) : null}
        {panel.referrals.length > 0 || panel.referredBy ? (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {`Referrals: ${panel.referrals.length} (${panel.referrals.filter((r) => r.state === "rewarded").length} rewarded)`}
            </Text>
            {panel.referrals.map((r) => (
              <InlineStack key={r.referredCustomerId} gap="200">
                <Text as="span">{`Customer ${r.referredCustomerId}, order ${r.orderId}`}</Text>
                <Badge tone={STATE_TONE[r.state]}>{r.reason ? `${r.state}: ${r.reason.replaceAll("_", " ")}` : r.state}</Badge>
              </InlineStack>
            ))}
            {panel.referredBy ? (
              <Text as="p" tone="subdued">{`Referred by customer ${panel.referredBy.referrerCustomerId} (${panel.referredBy.state})`}</Text>
            ) : null}
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
