// A page of the embedded app. Inside the Shopify admin, App Bridge's title bar (<ui-title-bar>) shows the
// page's title and its primary and secondary actions in the admin's own header, so the Polaris header is
// hidden (its h1 stays for screen readers). Without App Bridge (offline demo, tests) the Polaris header
// shows them. <ui-title-bar> itself never renders in the page: App Bridge reads it.
import { useNavigate } from "@remix-run/react";
import { BlockStack, InlineStack, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import type { ReactNode } from "react";
import { useAppBridge } from "./app-links";

export interface PageAction {
  content: string;
  /** An in-app URL (navigated with the router) … */
  url?: string;
  /** … or a handler. */
  onAction?: () => void;
  disabled?: boolean;
  loading?: boolean;
}

// App Bridge reads `variant` on the title bar's buttons; React's <button> type does not know the attribute.
const variant = (value: "primary" | "breadcrumb") => ({ variant: value }) as Record<string, string>;

export function AppPage({
  title,
  subtitle,
  titleMetadata,
  backAction,
  primaryAction,
  secondaryActions = [],
  fullWidth,
  children,
}: {
  title: string;
  subtitle?: string;
  titleMetadata?: ReactNode;
  backAction?: { content: string; url: string };
  primaryAction?: PageAction;
  secondaryActions?: PageAction[];
  fullWidth?: boolean;
  children: ReactNode;
}) {
  const embedded = useAppBridge();
  const navigate = useNavigate();
  const run = (action: PageAction) => () => (action.url ? navigate(action.url) : action.onAction?.());
  return (
    <>
      <TitleBar title={title}>
        {backAction ? (
          <button {...variant("breadcrumb")} onClick={() => navigate(backAction.url)}>
            {backAction.content}
          </button>
        ) : null}
        {primaryAction ? (
          <button {...variant("primary")} onClick={run(primaryAction)} disabled={primaryAction.disabled || primaryAction.loading}>
            {primaryAction.content}
          </button>
        ) : null}
        {secondaryActions.map((action) => (
          <button key={action.content} onClick={run(action)} disabled={action.disabled || action.loading}>
            {action.content}
          </button>
        ))}
      </TitleBar>
      <Page
        title={title}
        titleHidden={embedded}
        subtitle={embedded ? undefined : subtitle}
        titleMetadata={embedded ? undefined : titleMetadata}
        backAction={embedded ? undefined : backAction}
        primaryAction={embedded || !primaryAction ? undefined : { ...primaryAction }}
        secondaryActions={embedded ? undefined : secondaryActions.map((a) => ({ ...a }))}
        fullWidth={fullWidth}
      >
        {embedded && (subtitle || titleMetadata) ? (
          <div style={{ marginBottom: 16 }}>
            <BlockStack gap="100">
              {titleMetadata ? <InlineStack gap="100">{titleMetadata}</InlineStack> : null}
              {subtitle ? (
                <Text as="p" tone="subdued">
                  {subtitle}
                </Text>
              ) : null}
            </BlockStack>
          </div>
        ) : null}
        {children}
      </Page>
    </>
  );
}
