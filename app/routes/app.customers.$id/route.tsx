import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Card,
  DataTable,
  Divider,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { authenticate } from "~/shopify.server";
import { db } from "~/db.server";
import { customerDetail, TIMELINE_LIMIT } from "~/data/customer-detail.server";
import { customerDisplayName, formatDate, formatDays, formatMoney, formatNumber, formatPercent, localeOfRequest } from "~/lib/format";
import { useAppHref } from "~/components/app-links";
import { RouteError } from "~/components/RouteError";
import { explainCustomer } from "./explain-customer";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = params.id ?? "";
  const locale = localeOfRequest(request);
  // Scoped by the session's shop: another shop's customer id is simply not found.
  const detail = /^[0-9A-Za-z_-]{1,64}$/.test(id) ? await customerDetail(await db(), session.shop, id) : null;
  if (!detail) throw new Response("This customer does not exist in your store.", { status: 404, statusText: "Not Found" });
  const explanation = explainCustomer(
    {
      orderCount: detail.orderCount,
      tenureDays: detail.tenureDays,
      lastOrderAt: detail.lastOrderAt ? new Date(detail.lastOrderAt) : null,
      probabilityAlive: detail.probabilityAlive,
      expectedPurchases: detail.expectedPurchases,
    },
    new Date(),
    locale,
  );
  return { ...detail, explanation, locale, timelineLimit: TIMELINE_LIMIT };
};

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <BlockStack gap="100">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="headingMd" numeric>
        <span data-testid={testId}>{value}</span>
      </Text>
    </BlockStack>
  );
}

export default function CustomerPage() {
  const c = useLoaderData<typeof loader>();
  const href = useAppHref();
  const { locale, currencyCode } = c;
  const money = (minor: string) => formatMoney(minor, currencyCode, locale);
  const name = customerDisplayName(c);
  const subtitle = [c.email && name !== c.email ? c.email : null, `Customer ${c.customerId}`].filter(Boolean).join(" · ");

  return (
    <Page
      title={name}
      subtitle={subtitle}
      backAction={{ content: "Customers", url: href("/app/customers") }}
      titleMetadata={
        <InlineStack gap="100">
          {c.segment ? <Badge tone="info">{c.segment}</Badge> : null}
          {c.deletedAt ? <Badge tone="critical">Deleted in Shopify</Badge> : null}
          {c.redactedAt ? <Badge>Personal data erased</Badge> : null}
        </InlineStack>
      }
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                Value
              </Text>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                <BlockStack gap="300">
                  <Text as="h3" variant="headingSm">
                    Historic
                  </Text>
                  <InlineGrid columns={2} gap="300">
                    <Figure label="Net revenue" value={money(c.netRevenueMinor)} testId="historic-value" />
                    <Figure label="Orders" value={formatNumber(c.orderCount, locale)} testId="order-count" />
                    <Figure label="Average order" value={money(c.aovMinor)} />
                    <Figure label="Refunded" value={money(c.refundedMinor)} />
                    <Figure label="First order" value={formatDate(c.firstOrderAt, locale)} />
                    <Figure label="Last order" value={formatDate(c.lastOrderAt, locale)} />
                  </InlineGrid>
                </BlockStack>
                <BlockStack gap="300">
                  <Text as="h3" variant="headingSm">
                    Predicted, next 12 months
                  </Text>
                  <InlineGrid columns={2} gap="300">
                    <Figure
                      label="Predicted value"
                      value={c.predictedClvMinor === null ? "Not yet predicted" : money(c.predictedClvMinor)}
                      testId="predicted-value"
                    />
                    <Figure
                      label="Expected orders"
                      value={c.expectedPurchases === null ? "—" : formatNumber(c.expectedPurchases, locale, 1)}
                    />
                    <Figure label="Expected order value" value={c.expectedAovMinor === null ? "—" : money(c.expectedAovMinor)} />
                    <Figure label="Scored" value={formatDate(c.predictedAt, locale)} />
                  </InlineGrid>
                </BlockStack>
              </InlineGrid>
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Will they buy again?
              </Text>
              {c.probabilityAlive !== null ? (
                <BlockStack gap="100">
                  <InlineStack align="space-between">
                    <Text as="span" variant="bodySm" tone="subdued">
                      P(alive)
                    </Text>
                    <Text as="span" variant="headingMd">
                      <span data-testid="probability-alive">{formatPercent(c.probabilityAlive, locale)}</span>
                    </Text>
                  </InlineStack>
                  <ProgressBar
                    progress={Math.round(c.probabilityAlive * 100)}
                    tone={c.probabilityAlive >= 0.6 ? "success" : c.probabilityAlive >= 0.3 ? "highlight" : "critical"}
                    size="small"
                  />
                </BlockStack>
              ) : null}
              <div data-testid="alive-explanation">
                <BlockStack gap="200">
                  {c.explanation.map((sentence) => (
                    <Text as="p" key={sentence}>
                      {sentence}
                    </Text>
                  ))}
                </BlockStack>
              </div>
              {c.orderCount >= 2 && c.tenureDays > 0 ? (
                <>
                  <Divider />
                  <Text as="p" variant="bodySm" tone="subdued">
                    Active over {formatDays(c.tenureDays)} between the first and the last order.
                  </Text>
                </>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <Card padding="0">
            <Box padding="400">
              <InlineStack align="space-between">
                <Text as="h2" variant="headingMd">
                  Orders
                </Text>
                <Text as="span" tone="subdued" variant="bodySm">
                  {c.totalOrders > c.timelineLimit
                    ? `Latest ${c.timelineLimit} of ${formatNumber(c.totalOrders, locale)}`
                    : `${formatNumber(c.totalOrders, locale)} in total`}
                </Text>
              </InlineStack>
            </Box>
            {c.orders.length === 0 ? (
              <Box padding="400">
                <Text as="p" tone="subdued">
                  No orders stored for this customer.
                </Text>
              </Box>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
                headings={["Date", "Order", "Total", "Refunded", "Net", "Status"]}
                rows={c.orders.map((o) => [
                  formatDate(o.processedAt, locale),
                  o.name ?? `#${o.id}`,
                  money(o.totalMinor),
                  o.refundedMinor === "0" ? "—" : money(o.refundedMinor),
                  o.cancelled || o.test ? (
                    <Text as="span" tone="subdued" key="net">
                      not counted
                    </Text>
                  ) : (
                    money(o.netMinor)
                  ),
                  <InlineStack gap="100" key="status">
                    {o.cancelled ? <Badge tone="critical">Cancelled</Badge> : null}
                    {o.test ? <Badge tone="attention">Test</Badge> : null}
                    {o.financialStatus ? <Badge>{o.financialStatus.replaceAll("_", " ")}</Badge> : null}
                  </InlineStack>,
                ])}
              />
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return (
    <RouteError
      title="Customer"
      notFound="This customer does not exist in your store."
      backTo="/app/customers"
      backLabel="Back to customers"
    />
  );
}
