/** @jsxImportSource preact */
// Admin block on Shopify's customer page (admin.customer-details.block.render): the customer's value,
// risk and loyalty status as the app last synced them. Preact with Polaris web components (API 2026-07).
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { CustomerValueView } from "./customer-value-view";
import { loadCustomerValue, type CustomerValueState } from "./load-customer-value";
import { customerBlockApi } from "./shopify-api";

export default async () => {
  render(<CustomerValueBlock />, document.body);
};

export function CustomerValueBlock() {
  const api = customerBlockApi();
  const [state, setState] = useState<CustomerValueState>({ status: "loading" });
  useEffect(() => {
    let current = true;
    void loadCustomerValue(api).then((next) => {
      if (current) setState(next);
    });
    return () => {
      current = false;
    };
  }, [api]);
  return <CustomerValueCard state={state} heading={api.i18n.translate("heading")} loadingText={api.i18n.translate("loading")} />;
}

export function CustomerValueCard(props: { state: CustomerValueState; heading: string; loadingText: string }) {
  const { state } = props;
  if (state.status === "loading") {
    return (
      <s-admin-block heading={props.heading} collapsedSummary={props.loadingText}>
        <s-stack direction="inline" gap="small-200" alignItems="center">
          <s-spinner accessibilityLabel={props.loadingText} />
          <s-text color="subdued">{props.loadingText}</s-text>
        </s-stack>
      </s-admin-block>
    );
  }
  if (state.status === "message") {
    return (
      <s-admin-block heading={props.heading} collapsedSummary={state.message}>
        <s-text tone={state.tone}>{state.message}</s-text>
      </s-admin-block>
    );
  }
  return <CustomerValueDetails view={state.view} heading={props.heading} />;
}

function CustomerValueDetails({ view, heading }: { view: CustomerValueView; heading: string }) {
  return (
    <s-admin-block heading={heading} collapsedSummary={view.summary}>
      <s-stack direction="block" gap="base">
        {view.badges.length > 0 && (
          <s-stack direction="inline" gap="small-200">
            {view.badges.map((badge) => (
              <s-badge key={badge.label} tone={badge.tone}>
                {badge.label}
              </s-badge>
            ))}
          </s-stack>
        )}
        {view.atRiskMessage !== null && <s-banner tone="critical">{view.atRiskMessage}</s-banner>}
        {view.emptyMessage !== null ? (
          <s-paragraph color="subdued">{view.emptyMessage}</s-paragraph>
        ) : (
          <s-stack direction="block" gap="small-200">
            {view.rows.map((row) => (
              <s-stack key={row.id} direction="block" gap="small-500">
                <s-text type="strong">{row.label}</s-text>
                <s-text color={row.missing ? "subdued" : "base"}>{row.value}</s-text>
                {row.detail !== null && <s-text color="subdued">{row.detail}</s-text>}
              </s-stack>
            ))}
          </s-stack>
        )}
      </s-stack>
    </s-admin-block>
  );
}
