// Rewards (what points buy: an amount off, a percentage off, free shipping) and the referral settings (the
// referrer's reward, the refund window, the monthly cap, the friend's discount).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { authenticate } from "~/shopify.server";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { loadProgram, saveReferralConfig, saveRewards, type ReferralConfig } from "~/data/loyalty-program.server";
import { enqueueLoyaltySync } from "~/queues/loyalty.server";
import type { Reward } from "~/loyalty";
import { formatMinorDecimal, toMinorUnits } from "~/lib/money";
import { AppPage } from "~/components/AppPage";
import { RouteError } from "~/components/RouteError";
import { errorAt, FormErrors, LoyaltyTabs, type FieldError } from "../app.loyalty._index/loyalty-ui";

export const meta: MetaFunction = () => [{ title: "Loyalty rewards and referrals" }];

interface RewardRow {
  id: string;
  name: string;
  kind: Reward["kind"];
  pointsCost: string;
  value: string;
  minimumOrder: string;
  minimumTierId: string;
  active: boolean;
}

interface ReferralForm {
  enabled: boolean;
  referrerRewardPoints: string;
  refundWindowDays: string;
  monthlyCap: string;
  friendKind: "percentage" | "amount";
  friendValue: string;
  friendRewardText: string;
}

function rowOf(reward: Reward, currencyCode: string): RewardRow {
  return {
    id: reward.id,
    name: reward.name,
    kind: reward.kind,
    pointsCost: String(reward.pointsCost),
    value:
      reward.kind === "amount_off"
        ? formatMinorDecimal(reward.amountMinor, currencyCode)
        : reward.kind === "percentage_off"
          ? String(reward.percent)
          : "",
    minimumOrder: reward.minimumOrderMinor === null ? "" : formatMinorDecimal(reward.minimumOrderMinor, currencyCode),
    minimumTierId: reward.minimumTierId ?? "",
    active: reward.active,
  };
}

function referralFormOf(config: ReferralConfig, currencyCode: string): ReferralForm {
  return {
    enabled: config.enabled,
    referrerRewardPoints: String(config.referrerRewardPoints),
    refundWindowDays: String(config.refundWindowDays),
    monthlyCap: config.monthlyCapPerReferrer === null ? "" : String(config.monthlyCapPerReferrer),
    friendKind: config.friendDiscount.kind,
    friendValue:
      config.friendDiscount.kind === "percentage"
        ? String(config.friendDiscount.percent)
        : formatMinorDecimal(config.friendDiscount.amountMinor, currencyCode),
    friendRewardText: config.friendRewardText,
  };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const program = await loadProgram(await db(), session.shop);
  const currencyCode = program?.currencyCode ?? "USD";
  return {
    exists: program !== null,
    currencyCode,
    tiers: (program?.tiers?.tiers ?? []).map((t) => ({ id: t.id, name: t.name })),
    rewards: (program?.rewards ?? []).map((r) => rowOf(r, currencyCode)),
    referral: program ? referralFormOf(program.referral, currencyCode) : null,
  };
};

export type RewardsActionResult = { intent: string; ok: boolean; message: string; errors: FieldError[] };

/** Money typed by the merchant, in minor units; NaN when it is not an amount (validation then names the field). */
function minorOrNaN(text: string, currencyCode: string): number {
  try {
    return toMinorUnits(text.trim(), currencyCode);
  } catch {
    return NaN;
  }
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const body = (await request.json()) as { intent: "rewards"; rewards: RewardRow[] } | { intent: "referral"; referral: ReferralForm };
  const client = await db();
  const program = await loadProgram(client, session.shop);
  if (!program)
    return data<RewardsActionResult>({ intent: body.intent, ok: false, message: "Set up the program first", errors: [] }, { status: 400 });
  const currencyCode = program.currencyCode;
  const result =
    body.intent === "rewards"
      ? await saveRewards(
          client,
          session.shop,
          body.rewards.map((row) => ({
            id: row.id,
            name: row.name,
            kind: row.kind,
            pointsCost: Number(row.pointsCost),
            active: row.active,
            minimumOrderMinor: row.minimumOrder.trim() === "" ? null : minorOrNaN(row.minimumOrder, currencyCode),
            minimumTierId: row.minimumTierId || null,
            ...(row.kind === "amount_off" ? { amountMinor: minorOrNaN(row.value, currencyCode) } : {}),
            ...(row.kind === "percentage_off" ? { percent: Number(row.value) } : {}),
          })),
        )
      : await saveReferralConfig(client, session.shop, {
          enabled: body.referral.enabled,
          referrerRewardPoints: Number(body.referral.referrerRewardPoints),
          refundWindowDays: Number(body.referral.refundWindowDays),
          monthlyCapPerReferrer: body.referral.monthlyCap.trim() === "" ? null : Number(body.referral.monthlyCap),
          friendDiscount:
            body.referral.friendKind === "percentage"
              ? { kind: "percentage", percent: Number(body.referral.friendValue) }
              : { kind: "amount", amountMinor: minorOrNaN(body.referral.friendValue, currencyCode) },
          friendRewardText: body.referral.friendRewardText,
        });
  if (!result.ok)
    return data<RewardsActionResult>(
      { intent: body.intent, ok: false, message: "Check the highlighted fields", errors: result.errors },
      { status: 400 },
    );
  // The storefront's program JSON lists the rewards and the referral offer.
  await enqueueLoyaltySync(session.shop).catch(() => undefined);
  return data<RewardsActionResult>({ intent: body.intent, ok: true, message: "Saved.", errors: [] });
};

const KINDS = [
  { label: "Amount off", value: "amount_off" },
  { label: "Percentage off", value: "percentage_off" },
  { label: "Free shipping", value: "free_shipping" },
];

export default function LoyaltyRewardsPage() {
  const loaded = useLoaderData<typeof loader>();
  const rewardsFetcher = useFetcher<RewardsActionResult>();
  const referralFetcher = useFetcher<RewardsActionResult>();
  const [rewards, setRewards] = useState<RewardRow[]>(loaded.rewards);
  const [referral, setReferral] = useState<ReferralForm | null>(loaded.referral);
  const rewardErrors = rewardsFetcher.data?.errors;
  const referralErrors = referralFetcher.data?.errors;
  const setReward = (index: number, patch: Partial<RewardRow>) =>
    setRewards((rs) => rs.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  const tierOptions = [{ label: "Every member", value: "" }, ...loaded.tiers.map((t) => ({ label: `${t.name} and above`, value: t.id }))];
  const addReward = () =>
    setRewards((rs) => [
      ...rs,
      {
        id: `reward-${Date.now().toString(36)}`,
        name: "",
        kind: "amount_off",
        pointsCost: "500",
        value: "5.00",
        minimumOrder: "",
        minimumTierId: "",
        active: true,
      },
    ]);

  if (!loaded.exists || !referral) {
    return (
      <AppPage title="Rewards and referrals">
        <LoyaltyTabs />
        <Banner tone="warning">
          <p>Save the program settings first.</p>
        </Banner>
      </AppPage>
    );
  }
  const setRef =
    <K extends keyof ReferralForm>(key: K) =>
    (value: ReferralForm[K]) =>
      setReferral((r) => (r ? { ...r, [key]: value } : r));
  return (
    <AppPage title="Rewards and referrals">
      <Layout>
        <Layout.Section>
          <LoyaltyTabs />
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                Rewards
              </Text>
              {rewardsFetcher.data ? (
                <Banner tone={rewardsFetcher.data.ok ? "success" : "critical"}>
                  <p>{rewardsFetcher.data.message}</p>
                </Banner>
              ) : null}
              {rewards.map((row, index) => {
                const at = (field: string) => errorAt(rewardErrors, `rewards.${index}.${field}`);
                return (
                  <Box key={row.id} padding="300" borderColor="border" borderWidth="025" borderRadius="200">
                    <FormLayout>
                      <FormLayout.Group condensed>
                        <TextField
                          label="Name"
                          autoComplete="off"
                          value={row.name}
                          onChange={(name) => setReward(index, { name })}
                          error={at("name")}
                        />
                        <Select
                          label="Kind"
                          options={KINDS}
                          value={row.kind}
                          onChange={(kind) => setReward(index, { kind: kind as Reward["kind"] })}
                        />
                        <TextField
                          label="Points"
                          type="number"
                          autoComplete="off"
                          value={row.pointsCost}
                          onChange={(pointsCost) => setReward(index, { pointsCost })}
                          error={at("pointsCost")}
                        />
                        {row.kind !== "free_shipping" ? (
                          <TextField
                            label={row.kind === "amount_off" ? `Amount (${loaded.currencyCode})` : "Percent"}
                            autoComplete="off"
                            value={row.value}
                            onChange={(value) => setReward(index, { value })}
                            error={at(row.kind === "amount_off" ? "amountMinor" : "percent")}
                          />
                        ) : null}
                      </FormLayout.Group>
                      <FormLayout.Group condensed>
                        <TextField
                          label={`Minimum order (${loaded.currencyCode})`}
                          autoComplete="off"
                          placeholder="None"
                          value={row.minimumOrder}
                          onChange={(minimumOrder) => setReward(index, { minimumOrder })}
                          error={at("minimumOrderMinor")}
                        />
                        <Select
                          label="Who may redeem"
                          options={tierOptions}
                          value={row.minimumTierId}
                          onChange={(minimumTierId) => setReward(index, { minimumTierId })}
                        />
                      </FormLayout.Group>
                      <InlineStack align="space-between">
                        <Checkbox label="Offered" checked={row.active} onChange={(active) => setReward(index, { active })} />
                        <Button variant="plain" tone="critical" onClick={() => setRewards((rs) => rs.filter((_, i) => i !== index))}>
                          Remove
                        </Button>
                      </InlineStack>
                    </FormLayout>
                  </Box>
                );
              })}
              <InlineStack gap="200">
                <Button onClick={addReward}>Add reward</Button>
                <Button
                  variant="primary"
                  loading={rewardsFetcher.state !== "idle"}
                  onClick={() =>
                    rewardsFetcher.submit({ intent: "rewards", rewards } as never, { method: "post", encType: "application/json" })
                  }
                >
                  Save rewards
                </Button>
              </InlineStack>
              <FormErrors
                errors={rewardErrors}
                shown={(path) => /^rewards\.\d+\.(name|pointsCost|amountMinor|percent|minimumOrderMinor)$/.test(path)}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                Referrals
              </Text>
              {referralFetcher.data ? (
                <Banner tone={referralFetcher.data.ok ? "success" : "critical"}>
                  <p>{referralFetcher.data.message}</p>
                </Banner>
              ) : null}
              <Checkbox label="Members can refer friends" checked={referral.enabled} onChange={setRef("enabled")} />
              <FormLayout>
                <FormLayout.Group condensed>
                  <TextField
                    label="Referrer's reward (points)"
                    type="number"
                    autoComplete="off"
                    value={referral.referrerRewardPoints}
                    onChange={setRef("referrerRewardPoints")}
                    error={errorAt(referralErrors, "referrerRewardPoints")}
                  />
                  <TextField
                    label="Paid after (days without a refund)"
                    type="number"
                    autoComplete="off"
                    value={referral.refundWindowDays}
                    onChange={setRef("refundWindowDays")}
                    error={errorAt(referralErrors, "refundWindowDays")}
                  />
                  <TextField
                    label="Rewards per referrer per month"
                    type="number"
                    autoComplete="off"
                    placeholder="No limit"
                    value={referral.monthlyCap}
                    onChange={setRef("monthlyCap")}
                    error={errorAt(referralErrors, "monthlyCapPerReferrer")}
                  />
                </FormLayout.Group>
                <FormLayout.Group condensed>
                  <Select
                    label="The friend gets"
                    options={[
                      { label: "A percentage off", value: "percentage" },
                      { label: "An amount off", value: "amount" },
                    ]}
                    value={referral.friendKind}
                    onChange={(kind) => setRef("friendKind")(kind as ReferralForm["friendKind"])}
                  />
                  <TextField
                    label={referral.friendKind === "percentage" ? "Percent" : `Amount (${loaded.currencyCode})`}
                    autoComplete="off"
                    value={referral.friendValue}
                    onChange={setRef("friendValue")}
                    error={errorAt(
                      referralErrors,
                      referral.friendKind === "percentage" ? "friendDiscount.percent" : "friendDiscount.amountMinor",
                    )}
                  />
                </FormLayout.Group>
                <TextField
                  label="How the storefront describes the friend's discount"
                  autoComplete="off"
                  value={referral.friendRewardText}
                  onChange={setRef("friendRewardText")}
                  error={errorAt(referralErrors, "friendRewardText")}
                />
              </FormLayout>
              <InlineStack>
                <Button
                  variant="primary"
                  loading={referralFetcher.state !== "idle"}
                  onClick={() =>
                    referralFetcher.submit({ intent: "referral", referral } as never, { method: "post", encType: "application/json" })
                  }
                >
                  Save referral settings
                </Button>
              </InlineStack>
              <Text as="p" tone="subdued" variant="bodySm">
                A referral is paid once the friend's first paid order has passed the refund window without being cancelled or fully
                refunded; a member cannot refer themselves (same account, e-mail or address), and each friend is rewarded once.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </AppPage>
  );
}

export function ErrorBoundary() {
  return <RouteError title="app.name" />;
}
