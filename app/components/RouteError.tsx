// Error pages of the app, styled like the rest of it: not found (404), session ended (401), app not
// installed on the store (403), Shopify unreachable (503), anything else (500). They never show a
// developer's message; what went wrong stays in the server log. The one thing passed through is the HTML
// of Shopify's own auth pages (App Bridge's script), which must run for the admin to re-authenticate.
import { isRouteErrorResponse, useLocation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { BlockStack, Button, Card, EmptyState, Page, Text } from "@shopify/polaris";
import type { MessageKey, Translate } from "~/i18n/translate";
import { useI18n } from "~/i18n/context";
import { appHref, useAppHref } from "./app-links";
import { EMPTY_STATE_IMAGE } from "./empty-state-image";

export type ErrorKind = "not_found" | "session" | "not_installed" | "unreachable" | "error";

export interface DescribedError {
  kind: ErrorKind;
  status: number;
}

/** What kind of error the route caught (an ErrorResponse's status and our `{ reason }`, or a thrown exception). */
export function describeError(error: unknown): DescribedError {
  if (!isRouteErrorResponse(error)) return { kind: "error", status: 500 };
  const reason = typeof error.data === "object" && error.data !== null ? (error.data as { reason?: unknown }).reason : undefined;
  if (error.status === 404 || reason === "not_found") return { kind: "not_found", status: 404 };
  if (reason === "not_installed" || error.status === 403) return { kind: "not_installed", status: error.status };
  if (reason === "shopify_unreachable" || error.status === 503) return { kind: "unreachable", status: error.status };
  if (error.status === 401 || error.status === 410) return { kind: "session", status: error.status };
  return { kind: "error", status: error.status };
}

/** Shopify's auth answers carry App Bridge's script as HTML: those are rendered as Shopify's boundary does. */
export function isShopifyAuthPage(error: unknown): boolean {
  return isRouteErrorResponse(error) && typeof error.data === "string" && error.data.includes("<script");
}

const HEADINGS: Record<ErrorKind, MessageKey> = {
  not_found: "error.notFound.heading",
  session: "error.session.heading",
  not_installed: "error.notInstalled.heading",
  unreachable: "error.unreachable.heading",
  error: "error.generic.heading",
};
const BODIES: Record<ErrorKind, MessageKey> = {
  not_found: "error.notFound.body",
  session: "error.session.body",
  not_installed: "error.notInstalled.body",
  unreachable: "error.unreachable.body",
  error: "error.generic.body",
};

export function ErrorContent({
  described,
  t,
  notFound,
  backHref,
  backLabel,
}: {
  described: DescribedError;
  t: Translate;
  notFound?: MessageKey;
  backHref: string | null;
  backLabel: string;
}) {
  const body = described.kind === "not_found" && notFound ? notFound : BODIES[described.kind];
  const canGoBack = backHref !== null && described.kind !== "not_installed";
  return (
    <Card>
      <EmptyState heading={t(HEADINGS[described.kind])} image={EMPTY_STATE_IMAGE}>
        <BlockStack gap="300">
          <p data-testid="error-message">{t(body)}</p>
          {described.kind === "not_found" ? (
            <Text as="p" tone="subdued">
              {t("error.notFound.hint")}
            </Text>
          ) : null}
          <Text as="p" tone="subdued" variant="bodySm">
            {t("error.status", { status: described.status })}
          </Text>
          <div>
            {described.kind === "session" || described.kind === "unreachable" || described.kind === "error" ? (
              <Button variant="primary" onClick={() => window.location.reload()}>
                {t("error.reload")}
              </Button>
            ) : null}{" "}
            {canGoBack ? <Button url={backHref}>{backLabel}</Button> : null}
          </div>
        </BlockStack>
      </EmptyState>
    </Card>
  );
}

/** The error boundary content of the app's pages (inside app.tsx: Polaris and the translations are set up). */
export function RouteError({
  title,
  notFound,
  backTo = "/app",
  backLabel,
}: {
  title: MessageKey;
  notFound?: MessageKey;
  backTo?: string;
  backLabel?: MessageKey;
}) {
  const error = useRouteError();
  const href = useAppHref();
  const { t } = useI18n();
  if (isShopifyAuthPage(error)) return boundary.error(error);
  const described = describeError(error);
  return (
    <Page title={t(title)}>
      <ErrorContent
        described={described}
        t={t}
        notFound={notFound}
        backHref={href(backTo)}
        backLabel={t(backLabel ?? "error.backToDashboard")}
      />
    </Page>
  );
}

/** The dashboard's address with the admin's context of the current URL (for pages outside app.tsx). */
export function useDashboardHref(): string {
  const { search } = useLocation();
  return appHref("/app", search);
}
