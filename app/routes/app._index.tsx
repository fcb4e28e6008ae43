import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, EmptyState, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/shopify.server";
import { db } from "~/db.server";
import { syncOverview } from "~/data/dashboard.server";
import { formatDate, formatMoney } from "~/lib/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return syncOverview(await db(), session.shop);
};

function Metric({ label, value }: { label: string; value: string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl">
          {value}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const money = (minor: string) => formatMoney(minor, data.currencyCode);
  return (
    <Page title="Customer lifetime value">
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
            <Metric label="Orders synced" value={data.ordersSynced.toLocaleString("en-US")} />
            <Metric label="Customers with orders" value={data.customersWithOrders.toLocaleString("en-US")} />
            <Metric label="Net revenue" value={money(data.netRevenueMinor)} />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Top 10 customers by historic value
              </Text>
              {data.topCustomers.length === 0 ? (
                <EmptyState heading="No orders yet" image="">
                  <p>Orders appear here as soon as Shopify sends them.</p>
                </EmptyState>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "text"]}
                  headings={["Customer", "Orders", "Net revenue", "Last order"]}
                  rows={data.topCustomers.map((c) => [
                    c.name ?? c.email ?? `Customer ${c.customerId}`,
                    c.orderCount,
                    money(c.netRevenueMinor),
                    formatDate(c.lastOrderAt),
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
