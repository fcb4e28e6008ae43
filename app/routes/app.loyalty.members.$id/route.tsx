// One member's loyalty page (the panel the customer page also shows) and the merchant's actions on a member:
// adjust points with a reason, redeem a reward on their behalf, create their referral code.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout } from "@shopify/polaris";
import { authenticate } from "~/shopify.server";
import { authenticatePage, type PageErrorData } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { loyaltyMemberPanel } from "~/data/loyalty-overview.server";
import { adjustPoints } from "~/data/loyalty-ledger.server";
import { markLoyaltyDirty, reevaluateCustomers } from "~/data/loyalty-members.server";
import { loadProgram } from "~/data/loyalty-program.server";
import { redeem } from "~/data/loyalty-redemptions.server";
import { ensureReferralCode } from "~/data/loyalty-referrals.server";
import { lockShop } from "~/data/shop-lock.server";
import { shopContext } from "~/data/shop.server";
import { enqueueLoyaltySync } from "~/queues/loyalty.server";
import { localeOfRequest } from "~/lib/format";
import { AppPage } from "~/components/AppPage";
import { useAppHref } from "~/components/app-links";
import { RouteError } from "~/components/RouteError";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import type { MessageKey, Text as Message } from "~/i18n/translate";
import { textOf } from "../app.loyalty._index/loyalty-ui";
import { LoyaltyPanel, type MemberActionResult } from "./LoyaltyPanel";

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  documentTitle(data?.locale, "loyalty.member.title", { id: data?.panel.customerId ?? "" });

/** Why a redemption was refused, by the refusal's reason (the message itself is English only). */
const REFUSAL: Record<string, MessageKey> = {
  program_off: "loyalty.error.redeem.programOff",
  reward_inactive: "loyalty.error.redeem.inactive",
  tier_too_low: "loyalty.error.redeem.tierTooLow",
  not_enough_points: "loyalty.member.notEnoughPoints",
  unknown_reward: "loyalty.member.unknownReward",
};

const answer = (ok: boolean, message: Message, status = 200) => data<MemberActionResult>({ ok, message }, { status });

const VALID_ID = /^[0-9A-Za-z_-]{1,64}$/;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const id = params.id ?? "";
  if (!VALID_ID.test(id)) throw data<PageErrorData>({ reason: "not_found" }, { status: 404 });
  const client = await db();
  const [panel, context] = await Promise.all([loyaltyMemberPanel(client, session.shop, id), shopContext(client, session.shop)]);
  return { panel, timeZone: context.timeZone, locale: localeOfRequest(request) };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const admin = await authenticate.admin(request);
  const session = admin.session;
  // The staff member who acted, from the session token (embedded admin), for the ledger's record.
  const staffMemberId = Object.hasOwn(admin, "sessionToken") && admin.sessionToken?.sub ? String(admin.sessionToken.sub) : null;
  const customerId = params.id ?? "";
  if (!VALID_ID.test(customerId)) return answer(false, { key: "loyalty.member.unknownCustomer" }, 404);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const requestId = String(form.get("requestId") ?? "").slice(0, 64) || crypto.randomUUID();
  const client = await db();
  const shop = session.shop;
  if (intent === "adjust") {
    const result = await client.$transaction(async (tx) => {
      await lockShop(tx, shop, "shared");
      const adjusted = await adjustPoints(tx, shop, {
        customerId,
        points: Number(form.get("points")),
        reason: String(form.get("reason") ?? ""),
        staffMemberId,
        requestId,
        atMs: Date.now(),
      });
      if (!adjusted.ok) return adjusted;
      const program = await loadProgram(tx, shop);
      if (program) await reevaluateCustomers(tx, program, [customerId], Date.now());
      await markLoyaltyDirty(tx, shop, [customerId]);
      return adjusted;
    });
    if (!result.ok) return answer(false, textOf(result.message), 400);
    await enqueueLoyaltySync(shop).catch(() => undefined);
    return answer(true, { key: result.inserted ? "loyalty.member.adjusted" : "loyalty.member.alreadyAdjusted" });
  }
  if (intent === "redeem") {
    const result = await redeem(client, shop, { customerId, rewardId: String(form.get("rewardId") ?? ""), requestId });
    if (result.status === "deducted") {
      await enqueueLoyaltySync(shop).catch(() => undefined);
      return answer(true, {
        key: "loyalty.member.redeemed",
        params: { code: result.redemption.code ?? "", count: result.redemption.pointsCost },
      });
    }
    if (result.status === "refused") {
      const key = Object.hasOwn(REFUSAL, result.reason) ? REFUSAL[result.reason] : null;
      return answer(false, key ? { key } : textOf(result.message), 400);
    }
    if (result.status === "pending") return answer(false, { key: "loyalty.member.redeemPending" }, 502);
    return answer(false, { key: "loyalty.member.redeemFailed", params: { reason: result.message } }, 502);
  }
  if (intent === "referral_code") {
    const target = { shop, accessToken: session.accessToken ?? "" };
    const outcome = await ensureReferralCode(client, shop, customerId, target);
    if (!outcome.code) return answer(false, outcome.problem ? textOf(outcome.problem) : { key: "loyalty.member.noCode" }, 400);
    await enqueueLoyaltySync(shop).catch(() => undefined);
    return answer(true, { key: "loyalty.member.referralCreated", params: { code: outcome.code } });
  }
  return answer(false, { key: "loyalty.member.unknownAction", params: { intent: intent.slice(0, 40) } }, 400);
};

export default function LoyaltyMemberPage() {
  const { panel, timeZone, locale } = useLoaderData<typeof loader>();
  const href = useAppHref();
  const { t } = useI18n();
  return (
    <AppPage
      title={t("loyalty.member.title", { id: panel.customerId })}
      backAction={{ content: t("loyalty.overview.title"), url: href("/app/loyalty") }}
      secondaryActions={[{ content: t("loyalty.member.customer"), url: href(`/app/customers/${encodeURIComponent(panel.customerId)}`) }]}
    >
      <Layout>
        <Layout.Section>
          <LoyaltyPanel panel={panel} locale={locale} timeZone={timeZone} />
        </Layout.Section>
      </Layout>
    </AppPage>
  );
}

export function ErrorBoundary() {
  return <RouteError title="app.name" />;
}
