// Error boundary content for the app's pages: "not found" for 404s, Shopify's own handling for its auth
// responses (so App Bridge can re-authenticate), and a plain message for anything else.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Banner, BlockStack, Button, Card, Page, Text } from "@shopify/polaris";
import { useAppHref } from "./app-links";

export function RouteError({
  title,
  notFound = "This page does not exist.",
  backTo = "/app",
  backLabel = "Back to dashboard",
}: {
  title: string;
  notFound?: string;
  backTo?: string;
  backLabel?: string;
}) {
  const error = useRouteError();
  const href = useAppHref();
  if (isRouteErrorResponse(error) && error.status !== 404 && error.status < 500) {
    // 401/403/410 and friends come from authenticate.admin: let Shopify's boundary handle them.
    return boundary.error(error);
  }
  const isNotFound = isRouteErrorResponse(error) && error.status === 404;
  const message = isNotFound
    ? typeof error.data === "string" && error.data
      ? error.data
      : notFound
    : "Something went wrong while loading this page. Try again in a moment; if it keeps failing, check the sync status page.";
  return (
    <Page title={title} backAction={{ content: backLabel, url: href(backTo) }}>
      <Card>
        <BlockStack gap="300">
          <Banner tone={isNotFound ? "warning" : "critical"} title={isNotFound ? "Not found" : "Error"}>
            <p>{message}</p>
          </Banner>
          <Text as="p" tone="subdued">
            {isNotFound ? "It may belong to another store, or it was removed." : null}
          </Text>
          <div>
            <Button url={href(backTo)}>{backLabel}</Button>
          </div>
        </BlockStack>
      </Card>
    </Page>
  );
}
