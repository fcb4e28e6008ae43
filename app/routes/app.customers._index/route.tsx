import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link as RemixLink, useLoaderData, useLocation, useNavigate, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  IndexTable,
  InlineStack,
  Page,
  Select,
  Text,
  TextField,
  type IndexTableProps,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { authenticate } from "~/shopify.server";
import { db } from "~/db.server";
import { shopCurrency } from "~/data/shop.server";
import { listCustomers, parseCustomerQuery, SEGMENTS } from "~/data/customers-query.server";
import { customerDisplayName, formatDate, formatMoney, formatNumber, formatPercent, localeOfRequest } from "~/lib/format";
import { CONTEXT_PARAMS, useAppHref } from "~/components/app-links";
import { RouteError } from "~/components/RouteError";
import { aliveTone, COLUMNS } from "./columns";
import { useCsvDownload } from "./use-csv-download";

type IndexTableSortDirection = "ascending" | "descending";
type Headings = IndexTableProps["headings"];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const client = await db();
  const query = parseCustomerQuery(new URL(request.url).searchParams);
  const [page, currencyCode] = await Promise.all([listCustomers(client, session.shop, query), shopCurrency(client, session.shop)]);
  return { ...page, currencyCode, segments: SEGMENTS, locale: localeOfRequest(request) };
};

export default function Customers() {
  const data = useLoaderData<typeof loader>();
  const { query, locale, currencyCode } = data;
  const href = useAppHref();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const location = useLocation();
  const money = (minor: string) => formatMoney(minor, currencyCode, locale);

  // The filter form mirrors the URL; it is a plain GET form, so it also works before hydration.
  const [search, setSearch] = useState(query.search);
  const [segment, setSegment] = useState(query.segment ?? "");
  const [atRisk, setAtRisk] = useState(query.atRisk);
  useEffect(() => {
    setSearch(query.search);
    setSegment(query.segment ?? "");
    setAtRisk(query.atRisk);
  }, [query.search, query.segment, query.atRisk]);

  // The list's own links keep every parameter of the current URL (filters, sort, Shopify's context)
  // except the one-time parameters of the admin's first load: App Bridge authenticates each request.
  const listHref = (changes: Record<string, string | null>) => {
    const params = new URLSearchParams(location.search);
    for (const oneTime of ["id_token", "hmac", "session", "timestamp"]) params.delete(oneTime);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) params.delete(k);
      else params.set(k, v);
    }
    const s = params.toString();
    return `/app/customers${s ? `?${s}` : ""}`;
  };

  const sortIndex = COLUMNS.findIndex((c) => c.sort === query.sort);
  const onSort = (headingIndex: number, direction: IndexTableSortDirection) => {
    const key = COLUMNS[headingIndex]?.sort;
    if (!key) return;
    navigate(listHref({ sort: key, direction: direction === "ascending" ? "asc" : "desc", page: null }));
  };

  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app/customers";
  const exportCsv = useCsvDownload(href("/app/customers/export.csv"));
  const contextParams = new URLSearchParams(location.search);

  const rows = data.rows.map((c, index) => {
    const detail = href(`/app/customers/${encodeURIComponent(c.customerId)}`);
    return (
      // The whole row opens the customer. (Polaris' own data-primary-link handling only engages after a
      // re-render of the row, so a freshly rendered table would not react to clicks.)
      <IndexTable.Row id={c.customerId} key={c.customerId} position={index} onClick={() => navigate(detail)}>
        <IndexTable.Cell>
          <BlockStack gap="050">
            <RemixLink
              to={detail}
              data-testid="customer-link"
              style={{ color: "inherit", textDecoration: "none" }}
              onClick={(event) => event.stopPropagation()}
            >
              <Text as="span" variant="bodyMd" fontWeight="semibold">
                {customerDisplayName(c)}
              </Text>
            </RemixLink>
            {c.email && (c.firstName || c.lastName) ? (
              <Text as="span" variant="bodySm" tone="subdued">
                {c.email}
              </Text>
            ) : null}
          </BlockStack>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <InlineStack gap="100">
            {c.segment ? (
              <Badge>{c.segment}</Badge>
            ) : (
              <Text as="span" tone="subdued">
                —
              </Text>
            )}
            {c.deleted ? <Badge tone="critical">Deleted</Badge> : null}
          </InlineStack>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" alignment="end" numeric>
            {formatNumber(c.orderCount, locale)}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" alignment="end" numeric>
            {money(c.netRevenueMinor)}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" alignment="end" numeric tone={c.predictedClvMinor === null ? "subdued" : undefined}>
            {c.predictedClvMinor === null ? "—" : money(c.predictedClvMinor)}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <InlineStack align="end">
            {c.probabilityAlive === null ? (
              <Text as="span" tone="subdued">
                —
              </Text>
            ) : (
              <Badge tone={aliveTone(c.probabilityAlive)}>{formatPercent(c.probabilityAlive, locale)}</Badge>
            )}
          </InlineStack>
        </IndexTable.Cell>
        <IndexTable.Cell>{formatDate(c.lastOrderAt, locale)}</IndexTable.Cell>
      </IndexTable.Row>
    );
  });

  const first = (data.page - 1) * data.pageSize + 1;
  const last = first + data.rows.length - 1;
  const pageLabel =
    data.total === 0
      ? "No customers"
      : `${formatNumber(first, locale)}–${formatNumber(last, locale)} of ${formatNumber(data.total, locale)} · page ${formatNumber(data.page, locale)} of ${formatNumber(data.pages, locale)}`;

  return (
    <Page
      title="Customers"
      backAction={{ content: "Dashboard", url: href("/app") }}
      secondaryActions={[{ content: exportCsv.busy ? "Exporting…" : "Export CSV", onAction: exportCsv.download, disabled: exportCsv.busy }]}
      fullWidth
    >
      <BlockStack gap="400">
        {exportCsv.error ? (
          <Banner tone="critical" title="Export failed">
            <p>{exportCsv.error}</p>
          </Banner>
        ) : null}
        <Card padding="0">
          <Form method="get" action="/app/customers" role="search">
            <div style={{ padding: "12px 16px" }}>
              <InlineStack gap="300" blockAlign="end" wrap>
                {CONTEXT_PARAMS.map((name) => {
                  const value = contextParams.get(name);
                  return value === null ? null : <input key={name} type="hidden" name={name} value={value} />;
                })}
                <input type="hidden" name="sort" value={query.sort} />
                <input type="hidden" name="direction" value={query.direction} />
                <div style={{ minWidth: 260, flexGrow: 1 }}>
                  <TextField
                    label="Search"
                    labelHidden
                    name="q"
                    value={search}
                    onChange={setSearch}
                    placeholder="Search by name, email or customer id"
                    autoComplete="off"
                    clearButton
                    onClearButtonClick={() => setSearch("")}
                  />
                </div>
                <Select
                  label="Segment"
                  labelInline
                  name="segment"
                  options={[{ label: "All", value: "" }, ...data.segments.map((s) => ({ label: s, value: s }))]}
                  value={segment}
                  onChange={setSegment}
                />
                <Checkbox label="At risk only" name="risk" value="1" checked={atRisk} onChange={setAtRisk} />
                <Button submit variant="primary">
                  Apply
                </Button>
              </InlineStack>
            </div>
          </Form>
          <IndexTable
            resourceName={{ singular: "customer", plural: "customers" }}
            itemCount={data.rows.length}
            selectable={false}
            loading={loading}
            headings={COLUMNS.map((c) => ({ title: c.title, alignment: c.numeric ? "end" : "start" })) as unknown as Headings}
            sortable={COLUMNS.map((c) => Boolean(c.sort))}
            sortColumnIndex={sortIndex >= 0 ? sortIndex : undefined}
            sortDirection={query.direction === "asc" ? "ascending" : "descending"}
            defaultSortDirection="descending"
            onSort={onSort}
            emptyState={
              <div style={{ padding: 24, textAlign: "center" }}>
                <Text as="p" tone="subdued">
                  {query.search || query.segment || query.atRisk
                    ? "No customers match these filters."
                    : "No customers yet: they appear with their first order."}
                </Text>
              </div>
            }
            pagination={{
              hasPrevious: data.hasPrevious,
              hasNext: data.hasNext,
              previousURL: data.hasPrevious ? listHref({ page: String(data.page - 1) }) : undefined,
              nextURL: data.hasNext ? listHref({ page: String(data.page + 1) }) : undefined,
              label: pageLabel,
              accessibilityLabels: { previous: "Previous page", next: "Next page" },
            }}
          >
            {rows}
          </IndexTable>
        </Card>
        <Text as="p" variant="bodySm" tone="subdued">
          “At risk” lists customers who ordered at least twice but whom the model gives less than a 30% chance of still being active, and
          customers in the RFM segments “At risk” and “Can’t lose”. Customers without a prediction yet are listed after the others whatever
          the sort direction.
        </Text>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Customers" />;
}
