/** @jsxImportSource preact */
// Customer account Profile block (customer-account.profile.block.render): the shopper's loyalty tier, points,
// progress to the next tier and referral code. Preact with Polaris web components (API 2026-07).
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { loadLoyaltyProfile, type FetchLike, type LoyaltyProfileState } from "./load-loyalty-profile";
import type { LoyaltyProfileView } from "./loyalty-profile-view";
import { profileBlockApi } from "./shopify-api";

export default async () => {
  render(<LoyaltyProfileBlock />, document.body);
};

export function LoyaltyProfileBlock() {
  const { i18n } = profileBlockApi();
  const [state, setState] = useState<LoyaltyProfileState>({ status: "loading" });
  useEffect(() => {
    let current = true;
    void loadLoyaltyProfile(i18n, globalThis.fetch as unknown as FetchLike).then((next) => {
      if (current) setState(next);
    });
    return () => {
      current = false;
    };
  }, [i18n]);
  return (
    <LoyaltyProfileCard
      state={state}
      heading={i18n.translate("heading")}
      loadingText={i18n.translate("loading")}
      copyText={i18n.translate("referral.copy")}
    />
  );
}

export function LoyaltyProfileCard(props: { state: LoyaltyProfileState; heading: string; loadingText: string; copyText: string }) {
  const { state } = props;
  return (
    <s-section heading={props.heading}>
      {state.status === "loading" ? (
        <s-stack direction="inline" gap="small-200" alignItems="center">
          <s-spinner accessibilityLabel={props.loadingText} />
          <s-text color="subdued">{props.loadingText}</s-text>
        </s-stack>
      ) : state.status === "error" ? (
        <s-text tone="critical">{state.message}</s-text>
      ) : (
        <LoyaltyProfileDetails view={state.view} copyText={props.copyText} />
      )}
    </s-section>
  );
}

const REFERRAL_CLIPBOARD_ID = "clv-referral-code";

function LoyaltyProfileDetails({ view, copyText }: { view: LoyaltyProfileView; copyText: string }) {
  return (
    <s-stack direction="block" gap="base">
      <s-stack direction="inline" gap="small-200" alignItems="center">
        <s-text type="strong">{view.tierLabel}</s-text>
        {view.hasTier ? <s-badge tone="auto">{view.tierText}</s-badge> : <s-text color="subdued">{view.tierText}</s-text>}
      </s-stack>
      <s-text>{view.pointsText}</s-text>
      <s-stack direction="block" gap="small-200">
        {view.progressPercent !== null && <s-progress value={view.progressPercent} max={100} accessibilityLabel={view.progressText} />}
        <s-text color="subdued">{view.progressText}</s-text>
      </s-stack>
      <s-stack direction="block" gap="small-200">
        <s-text>{view.referralText}</s-text>
        {view.referralCode !== null && (
          <s-stack direction="inline" gap="small-200" alignItems="center">
            <s-text type="strong">{view.referralCode}</s-text>
            <s-button variant="secondary" commandFor={REFERRAL_CLIPBOARD_ID}>
              {copyText}
            </s-button>
            <s-clipboard-item id={REFERRAL_CLIPBOARD_ID} text={view.referralCode} />
          </s-stack>
        )}
      </s-stack>
    </s-stack>
  );
}
