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
import { LoyaltyPanel, type MemberActionResult } from "./LoyaltyPanel";

export const meta: MetaFunction = () => [{ title: "Loyalty member" }];

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
  if (!VALID_ID.test(customerId)) return data<MemberActionResult>({ ok: false, message: "Unknown customer" }, { status: 404 });
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
    if (!result.ok) return data<MemberActionResult>({ ok: false, message: result.message }, { status: 400 });
    await enqueueLoyaltySync(shop).catch(() => undefined);
    return data<MemberActionResult>({ ok: true, message: result.inserted ? "Points adjusted." : "This adjustment was already made." });
  }
  if (intent === "redeem") {
    const result = await redeem(client, shop, { customerId, rewardId: String(form.get("rewardId") ?? ""), requestId });
    if (result.status === "deducted") {
      await enqueueLoyaltySync(shop).catch(() => undefined);
      return data<MemberActionResult>({
        ok: true,
        message: `Code ${result.redemption.code} created; ${result.redemption.pointsCost} points deducted.`,
      });
    }
    return data<MemberActionResult>({ ok: false, message: result.message }, { status: result.status === "refused" ? 400 : 502 });
  }
  if (intent === "referral_code") {
    const target = { shop, accessToken: session.accessToken ?? "" };
    const outcome = await ensureReferralCode(client, shop, customerId, target);
    if (!outcome.code) return data<MemberActionResult>({ ok: false, message: outcome.problem ?? "No code" }, { status: 400 });
    await enqueueLoyaltySync(shop).catch(() => undefined);
    return data<MemberActionResult>({ ok: true, message: `Referral code ${outcome.code} created.` });
  }
  return data<MemberActionResult>({ ok: false, message: `Unknown action "${intent}".` }, { status: 400 });
};

export default function LoyaltyMemberPage() {
  const { panel, timeZone, locale } = useLoaderData<typeof loader>();
  const href = useAppHref();
  return (
    <AppPage
      title={`Loyalty: customer ${panel.customerId}`}
      backAction={{ content: "Loyalty", url: href("/app/loyalty") }}
      secondaryActions={[{ content: "Customer", url: href(`/app/customers/${encodeURIComponent(panel.customerId)}`) }]}
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
