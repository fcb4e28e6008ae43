// Rewards (what points buy: an amount off, a percentage off, free shipping) and the referral settings (the
// referrer's reward, the refund window, the monthly cap, the friend's discount).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { BlockStack, Box, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Text } from "@shopify/polaris";
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
import { ChoiceInput, rowFieldSetter, SaveResultBanner, TextInput } from "~/components/form-fields";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import type { Text as Message, Translate } from "~/i18n/translate";
import { localeOfRequest } from "~/lib/format";
import { FormErrors, LoyaltyTabs, ProgramFirstBanner, useFieldErrors, type FieldError } from "../app.loyalty._index/loyalty-ui";

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "loyalty.rewards.title");

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
    locale: localeOfRequest(request),
    exists: program !== null,
    currencyCode,
    tiers: (program?.tiers?.tiers ?? []).map((t) => ({ id: t.id, name: t.name })),
    rewards: (program?.rewards ?? []).map((r) => rowOf(r, currencyCode)),
    referral: program ? referralFormOf(program.referral, currencyCode) : null,
  };
};

export type RewardsActionResult = { intent: string; ok: boolean; message: Message; errors: FieldError[] };

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
    return data<RewardsActionResult>(
      { intent: body.intent, ok: false, message: { key: "loyalty.common.programFirst" }, errors: [] },
      { status: 400 },
    );
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
      { intent: body.intent, ok: false, message: { key: "loyalty.common.checkFields" }, errors: result.errors },
      { status: 400 },
    );
  // The storefront's program JSON lists the rewards and the referral offer.
  await enqueueLoyaltySync(session.shop).catch(() => undefined);
  return data<RewardsActionResult>({ intent: body.intent, ok: true, message: { key: "loyalty.common.saved" }, errors: [] });
};

const kindOptions = (t: Translate): { label: string; value: Reward["kind"] }[] => [
  { label: t("loyalty.rewards.kindAmount"), value: "amount_off" },
  { label: t("loyalty.rewards.kindPercentage"), value: "percentage_off" },
  { label: t("loyalty.rewards.kindFreeShipping"), value: "free_shipping" },
];
const friendOptions = (t: Translate): { label: string; value: ReferralForm["friendKind"] }[] => [
  { label: t("loyalty.rewards.friendPercentage"), value: "percentage" },
  { label: t("loyalty.rewards.friendAmount"), value: "amount" },
];

function RewardEditor({
  row,
  index,
  currencyCode,
  tierOptions,
  errors,
  onChange,
  onRemove,
}: {
  row: RewardRow;
  index: number;
  currencyCode: string;
  tierOptions: { label: string; value: string }[];
  errors: FieldError[] | undefined;
  onChange: (row: RewardRow) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const errorAt = useFieldErrors(errors);
  const at = (field: string) => errorAt(`rewards.${index}.${field}`);
  const set = rowFieldSetter(row, onChange);
  const currency = { currency: currencyCode };
  return (
    <Box padding="300" borderColor="border" borderWidth="025" borderRadius="200">
      <FormLayout>
        <FormLayout.Group condensed>
          <TextInput label={t("loyalty.rewards.name")} value={row.name} onChange={set("name")} error={at("name")} />
          <ChoiceInput label={t("loyalty.rewards.kind")} options={kindOptions(t)} value={row.kind} onChange={set("kind")} />
          <TextInput
            label={t("loyalty.rewards.points")}
            type="number"
            value={row.pointsCost}
            onChange={set("pointsCost")}
            error={at("pointsCost")}
          />
          {row.kind !== "free_shipping" ? (
            <TextInput
              label={row.kind === "amount_off" ? t("loyalty.common.amountIn", currency) : t("loyalty.common.percent")}
              value={row.value}
              onChange={set("value")}
              error={at(row.kind === "amount_off" ? "amountMinor" : "percent")}
            />
          ) : null}
        </FormLayout.Group>
        <FormLayout.Group condensed>
          <TextInput
            label={t("loyalty.rewards.minimumOrder", currency)}
            placeholder={t("loyalty.common.none")}
            value={row.minimumOrder}
            onChange={set("minimumOrder")}
            error={at("minimumOrderMinor")}
          />
          <ChoiceInput
            label={t("loyalty.rewards.whoMayRedeem")}
            options={tierOptions}
            value={row.minimumTierId}
            onChange={set("minimumTierId")}
          />
        </FormLayout.Group>
        <InlineStack align="space-between">
          <Checkbox label={t("loyalty.rewards.offered")} checked={row.active} onChange={set("active")} />
          <Button variant="plain" tone="critical" onClick={onRemove}>
            {t("loyalty.rewards.remove")}
          </Button>
        </InlineStack>
      </FormLayout>
    </Box>
  );
}

function ReferralEditor({
  referral,
  currencyCode,
  errors,
  onChange,
}: {
  referral: ReferralForm;
  currencyCode: string;
  errors: FieldError[] | undefined;
  onChange: (referral: ReferralForm) => void;
}) {
  const { t } = useI18n();
  const at = useFieldErrors(errors);
  const set = rowFieldSetter(referral, onChange);
  return (
    <>
      <Checkbox label={t("loyalty.rewards.referralsOn")} checked={referral.enabled} onChange={set("enabled")} />
      <FormLayout>
        <FormLayout.Group condensed>
          <TextInput
            label={t("loyalty.rewards.referrerPoints")}
            type="number"
            value={referral.referrerRewardPoints}
            onChange={set("referrerRewardPoints")}
            error={at("referrerRewardPoints")}
          />
          <TextInput
            label={t("loyalty.rewards.refundWindow")}
            type="number"
            value={referral.refundWindowDays}
            onChange={set("refundWindowDays")}
            error={at("refundWindowDays")}
          />
          <TextInput
            label={t("loyalty.rewards.monthlyCap")}
            type="number"
            placeholder={t("loyalty.rewards.noLimit")}
            value={referral.monthlyCap}
            onChange={set("monthlyCap")}
            error={at("monthlyCapPerReferrer")}
          />
        </FormLayout.Group>
        <FormLayout.Group condensed>
          <ChoiceInput
            label={t("loyalty.rewards.friendGets")}
            options={friendOptions(t)}
            value={referral.friendKind}
            onChange={set("friendKind")}
          />
          <TextInput
            label={
              referral.friendKind === "percentage" ? t("loyalty.common.percent") : t("loyalty.common.amountIn", { currency: currencyCode })
            }
            value={referral.friendValue}
            onChange={set("friendValue")}
            error={at(referral.friendKind === "percentage" ? "friendDiscount.percent" : "friendDiscount.amountMinor")}
          />
        </FormLayout.Group>
        <TextInput
          label={t("loyalty.rewards.friendText")}
          value={referral.friendRewardText}
          onChange={set("friendRewardText")}
          error={at("friendRewardText")}
        />
      </FormLayout>
    </>
  );
}

export default function LoyaltyRewardsPage() {
  const loaded = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const rewardsFetcher = useFetcher<RewardsActionResult>();
  const referralFetcher = useFetcher<RewardsActionResult>();
  const [rewards, setRewards] = useState<RewardRow[]>(loaded.rewards);
  const [referral, setReferral] = useState<ReferralForm | null>(loaded.referral);
  const tierOptions = [
    { label: t("loyalty.rewards.everyMember"), value: "" },
    ...loaded.tiers.map((tier) => ({ label: t("loyalty.rewards.tierAndAbove", { tier: tier.name }), value: tier.id })),
  ];
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
  const answer = (result: RewardsActionResult | undefined) =>
    result ? <SaveResultBanner ok={result.ok} message={t(result.message.key, result.message.params)} /> : null;

  if (!loaded.exists || !referral) {
    return (
      <AppPage title={t("loyalty.rewards.title")}>
        <LoyaltyTabs />
        <ProgramFirstBanner />
      </AppPage>
    );
  }
  return (
    <AppPage title={t("loyalty.rewards.title")}>
      <Layout>
        <Layout.Section>
          <LoyaltyTabs />
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t("loyalty.rewards.heading")}
              </Text>
              {answer(rewardsFetcher.data)}
              {rewards.map((row, index) => (
                <RewardEditor
                  key={row.id}
                  row={row}
                  index={index}
                  currencyCode={loaded.currencyCode}
                  tierOptions={tierOptions}
                  errors={rewardsFetcher.data?.errors}
                  onChange={(next) => setRewards((rs) => rs.map((r, i) => (i === index ? next : r)))}
                  onRemove={() => setRewards((rs) => rs.filter((_, i) => i !== index))}
                />
              ))}
              <InlineStack gap="200">
                <Button onClick={addReward}>{t("loyalty.rewards.add")}</Button>
                <Button
                  variant="primary"
                  loading={rewardsFetcher.state !== "idle"}
                  onClick={() =>
                    rewardsFetcher.submit({ intent: "rewards", rewards } as never, { method: "post", encType: "application/json" })
                  }
                >
                  {t("loyalty.rewards.save")}
                </Button>
              </InlineStack>
              <FormErrors
                errors={rewardsFetcher.data?.errors}
                shown={(path) => /^rewards\.\d+\.(name|pointsCost|amountMinor|percent|minimumOrderMinor)$/.test(path)}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t("loyalty.rewards.referralsHeading")}
              </Text>
              {answer(referralFetcher.data)}
              <ReferralEditor
                referral={referral}
                currencyCode={loaded.currencyCode}
                errors={referralFetcher.data?.errors}
                onChange={setReferral}
              />
              <InlineStack>
                <Button
                  variant="primary"
                  loading={referralFetcher.state !== "idle"}
                  onClick={() =>
                    referralFetcher.submit({ intent: "referral", referral } as never, { method: "post", encType: "application/json" })
                  }
                >
                  {t("loyalty.rewards.saveReferrals")}
                </Button>
              </InlineStack>
              <Text as="p" tone="subdued" variant="bodySm">
                {t("loyalty.rewards.referralRules")}
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
