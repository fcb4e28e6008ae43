import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link as RemixLink, useLoaderData, useNavigate, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  EmptyState,
  IndexTable,
  InlineStack,
  Select,
  Text,
  TextField,
  type IndexTableProps,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { shopContext } from "~/data/shop.server";
import { listCustomers } from "~/data/customers-query.server";
import { customerQueryParams, isFiltered, NO_TIER, parseCustomerQuery, SEGMENTS, type CustomerQuery } from "~/lib/customer-query";
import { orderProbabilities } from "~/data/order-probability.server";
import { loadProgram } from "~/data/loyalty-program.server";
import { customerDisplayName, formatDate, formatMoney, formatNumber, formatPercent, localeOfRequest } from "~/lib/format";
import { useAppHref, useContextInputs } from "~/components/app-links";
import { AppPage } from "~/components/AppPage";
import { useHydrated } from "~/components/ClientOnly";
import { RouteError } from "~/components/RouteError";
import { EMPTY_STATE_IMAGE } from "~/components/empty-state-image";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import { segmentLabel } from "~/i18n/segments";
import { chanceTone, columnsOf, type Column } from "./columns";
import { useAriaSort } from "./use-aria-sort";
import { useCsvDownload } from "./use-csv-download";
import { TagCustomers } from "./TagCustomers";

type IndexTableSortDirection = "ascending" | "descending";
type Headings = IndexTableProps["headings"];

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "customers.title");

/** The query without a tier filter the shop cannot have chosen (no tier program, or a tier not in its ladder). */
function withKnownTier(query: CustomerQuery, tierIds: ReadonlySet<string> | null): CustomerQuery {
  if (query.tier === null || (tierIds && (query.tier === NO_TIER || tierIds.has(query.tier)))) return query;
  return { ...query, tier: null };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const parsed = parseCustomerQuery(new URL(request.url).searchParams);
  const [program, context] = await Promise.all([loadProgram(client, session.shop), shopContext(client, session.shop)]);
  // The tier column and filter exist once the shop has a loyalty tier ladder; the names come from it.
  const tiers = program?.tiers?.tiers.map((tier) => ({ id: tier.id, name: tier.name })) ?? null;
  const query = withKnownTier(parsed, tiers ? new Set(tiers.map((tier) => tier.id)) : null);
  const page = await listCustomers(client, session.shop, query);
  const chances = await orderProbabilities(client, session.shop, page.rows);
  return {
    ...page,
    rows: page.rows.map((r) => ({ ...r, probabilityOrder: chances.get(r.customerId) ?? null })),
    currencyCode: context.currencyCode,
    timeZone: context.timeZone,
    segments: SEGMENTS,
    tiers,
    canTag: (session.scope ?? "").split(",").includes("write_customers"),
    locale: localeOfRequest(request),
  };
};

/** How long the search waits for the merchant to stop typing before it applies. */
const SEARCH_DEBOUNCE_MS = 400;

export default function Customers() {
  const data = useLoaderData<typeof loader>();
  const { query, currencyCode, timeZone } = data;
  const { t, locale } = useI18n();
  const href = useAppHref();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const submit = useSubmit();
  const hydrated = useHydrated();
  const contextInputs = useContextInputs();
  const money = (minor: string) => formatMoney(minor, currencyCode, locale);
  const filtered = isFiltered(query);

  // The filter form mirrors the URL; it is a plain GET form, so it also works before hydration (with its
  // Apply button). Once hydrated, every choice applies as it is made and the search as the merchant types.
  const form = useRef<HTMLFormElement>(null);
  const [search, setSearch] = useState(query.search);
  const [segment, setSegment] = useState(query.segment ?? "");
  const [atRisk, setAtRisk] = useState(query.atRisk);
  const [tier, setTier] = useState(query.tier ?? "");
  const [applyAfter, setApplyAfter] = useState<number | null>(null);
  useEffect(() => {
    setSearch(query.search);
    setSegment(query.segment ?? "");
    setAtRisk(query.atRisk);
    setTier(query.tier ?? "");
  }, [query.search, query.segment, query.atRisk, query.tier]);
  useEffect(() => {
    if (applyAfter === null) return;
    const timer = setTimeout(() => {
      setApplyAfter(null);
      if (form.current) submit(form.current, { replace: true, preventScrollReset: true });
    }, applyAfter);
    return () => clearTimeout(timer);
  }, [applyAfter, submit]);

  const listHref = (changes: Record<string, string | null>) => {
    const params = customerQueryParams(query, { page: true });
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) params.delete(k);
      else params.set(k, v);
    }
    const s = params.toString();
    return href(`/app/customers${s ? `?${s}` : ""}`);
  };
  const clearHref = href("/app/customers");

  const tiers = data.tiers;
  const columns = columnsOf({ tiers: tiers !== null });
  const tierName = new Map((tiers ?? []).map((x) => [x.id, x.name]));
  const sortIndex = columns.findIndex((c) => c.sort === query.sort);
  const sortDirection: IndexTableSortDirection = query.direction === "asc" ? "ascending" : "descending";
  const onSort = (headingIndex: number, direction: IndexTableSortDirection) => {
    const key = columns[headingIndex]?.sort;
    if (!key) return;
    navigate(listHref({ sort: key, direction: direction === "ascending" ? "asc" : "desc", page: null }));
  };
  const tableRef = useRef<HTMLDivElement>(null);
  useAriaSort(
    tableRef,
    columns.map((c) => ({ sortable: Boolean(c.sort) })),
    sortIndex,
    sortDirection,
  );

  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app/customers";
  const exportParams = customerQueryParams(query).toString();
  const exportCsv = useCsvDownload(href(`/app/customers/export.csv${exportParams ? `?${exportParams}` : ""}`), t);
  const exportLabel = exportCsv.busy
    ? t("export.busy")
    : filtered
      ? t("export.filtered", { count: data.total })
      : t("export.all", { count: data.total });
  const anonymous = (id: string) => t("customer.anonymous", { id });

  type ListRow = (typeof data.rows)[number];
  const subdued = (
    <Text as="span" tone="subdued">
      —
    </Text>
  );
  const cell = (column: Column, c: ListRow, detail: string) => {
    switch (column.id) {
      case "customer":
        return (
          <BlockStack gap="050">
            <RemixLink
              to={detail}
              data-testid="customer-link"
              style={{ color: "inherit", textDecoration: "none" }}
              onClick={(event) => event.stopPropagation()}
            >
              <Text as="span" variant="bodyMd" fontWeight="semibold">
                {customerDisplayName(c, anonymous)}
              </Text>
            </RemixLink>
            {c.email && (c.firstName || c.lastName) ? (
              <Text as="span" variant="bodySm" tone="subdued">
                {c.email}
              </Text>
            ) : null}
          </BlockStack>
        );
      case "segment":
        return (
          <InlineStack gap="100">
            {c.segment ? <Badge>{segmentLabel(c.segment, t)}</Badge> : subdued}
            {c.deleted ? <Badge tone="critical">{t("customer.deletedBadge")}</Badge> : null}
          </InlineStack>
        );
      case "tier":
        // A tier removed from the ladder keeps its members until the re-evaluation moves them: shown by id.
        return c.tierId === null ? subdued : <span data-testid="customer-tier">{tierName.get(c.tierId) ?? c.tierId}</span>;
      case "orders":
        return (
          <Text as="span" alignment="end" numeric>
            {formatNumber(c.orderCount, locale)}
          </Text>
        );
      case "historic":
        return (
          <Text as="span" alignment="end" numeric>
            {money(c.netRevenueMinor)}
          </Text>
        );
      case "predicted":
        return (
          <Text as="span" alignment="end" numeric tone={c.predictedClvMinor === null ? "subdued" : undefined}>
            {c.predictedClvMinor === null ? "—" : money(c.predictedClvMinor)}
          </Text>
        );
      case "chance":
        return (
          <InlineStack align="end">
            {c.probabilityOrder === null ? (
              subdued
            ) : (
              <Badge tone={chanceTone(c.probabilityOrder)}>{formatPercent(c.probabilityOrder, locale)}</Badge>
            )}
          </InlineStack>
        );
      case "lastOrder":
        return formatDate(c.lastOrderAt, locale, timeZone);
    }
  };

  const rows = data.rows.map((c, index) => {
    const detail = href(`/app/customers/${encodeURIComponent(c.customerId)}`);
    return (
      // The whole row opens the customer. (Polaris' own data-primary-link handling only engages after a
      // re-render of the row, so a freshly rendered table would not react to clicks.)
      <IndexTable.Row id={c.customerId} key={c.customerId} position={index} onClick={() => navigate(detail)}>
        {columns.map((column) => (
          <IndexTable.Cell key={column.id}>{cell(column, c, detail)}</IndexTable.Cell>
        ))}
      </IndexTable.Row>
    );
  });

  const first = (data.page - 1) * data.pageSize + 1;
  const last = first + data.rows.length - 1;
  const pageLabel =
    data.total === 0
      ? t("customers.none")
      : t("customers.pageLabel", { first, last, total: data.total, page: data.page, pages: data.pages });

  return (
    <AppPage
      title={t("customers.title")}
      backAction={{ content: t("nav.dashboard"), url: href("/app") }}
      primaryAction={{ content: exportLabel, onAction: exportCsv.download, disabled: exportCsv.busy || data.total === 0 }}
      fullWidth
    >
      <BlockStack gap="400">
        {exportCsv.error ? (
          <Banner tone="critical" title={t("export.failedTitle")}>
            <p>{exportCsv.error}</p>
          </Banner>
        ) : null}
        <Card padding="0">
          <Form method="get" action="/app/customers" role="search" ref={form} aria-label={t("customers.filtersLabel")}>
            <div style={{ padding: "12px 16px" }}>
              <InlineStack gap="300" blockAlign="end" wrap>
                {contextInputs.map((input) => (
                  <input key={input.name} type="hidden" name={input.name} value={input.value} />
                ))}
                <input type="hidden" name="sort" value={query.sort} />
                <input type="hidden" name="direction" value={query.direction} />
                <div style={{ minWidth: 260, flexGrow: 1 }}>
                  <TextField
                    label={t("customers.search")}
                    labelHidden
                    name="q"
                    value={search}
                    onChange={(value) => {
                      setSearch(value);
                      setApplyAfter(SEARCH_DEBOUNCE_MS);
                    }}
                    placeholder={t("customers.searchPlaceholder")}
                    autoComplete="off"
                    clearButton
                    onClearButtonClick={() => {
                      setSearch("");
                      setApplyAfter(0);
                    }}
                  />
                </div>
                <Select
                  label={t("customers.segment")}
                  labelInline
                  name="segment"
                  options={[
                    { label: t("customers.allSegments"), value: "" },
                    ...data.segments.map((s) => ({ label: segmentLabel(s, t), value: s })),
                  ]}
                  value={segment}
                  onChange={(value) => {
                    setSegment(value);
                    setApplyAfter(0);
                  }}
                />
                {tiers ? (
                  <Select
                    label={t("customers.tier")}
                    labelInline
                    name="tier"
                    options={[
                      { label: t("customers.allTiers"), value: "" },
                      ...tiers.map((x) => ({ label: x.name, value: x.id })),
                      { label: t("customers.noTier"), value: NO_TIER },
                    ]}
                    value={tier}
                    onChange={(value) => {
                      setTier(value);
                      setApplyAfter(0);
                    }}
                  />
                ) : null}
                <Checkbox
                  label={t("customers.atRisk")}
                  name="risk"
                  value="1"
                  checked={atRisk}
                  onChange={(checked) => {
                    setAtRisk(checked);
                    setApplyAfter(0);
                  }}
                />
                {hydrated ? null : (
                  <Button submit variant="primary">
                    {t("common.apply")}
                  </Button>
                )}
                {filtered ? <Button url={clearHref}>{t("customers.clearFilters")}</Button> : null}
              </InlineStack>
            </div>
          </Form>
          <div style={{ padding: "0 16px 12px" }}>
            <Text as="p" variant="bodySm" tone="subdued">
              <span data-testid="customers-count">
                {filtered
                  ? t("customers.matching", { count: data.total })
                  : data.withoutCountedOrders
                    ? t("customers.countWithout", {
                        count: data.withoutCountedOrders,
                        total: data.total,
                        counted: data.total - data.withoutCountedOrders,
                      })
                    : t("customers.count", { count: data.total })}
              </span>
            </Text>
          </div>
          <div ref={tableRef}>
            <IndexTable
              resourceName={{ singular: t("customers.resourceOne"), plural: t("customers.resourceOther") }}
              itemCount={data.rows.length}
              selectable={false}
              loading={loading}
              headings={columns.map((c) => ({ title: t(c.title), alignment: c.numeric ? "end" : "start" })) as unknown as Headings}
              sortable={columns.map((c) => Boolean(c.sort))}
              sortColumnIndex={sortIndex >= 0 ? sortIndex : undefined}
              sortDirection={sortDirection}
              defaultSortDirection="descending"
              onSort={onSort}
              emptyState={
                filtered ? (
                  <EmptyState
                    heading={t("customers.noMatch")}
                    image={EMPTY_STATE_IMAGE}
                    action={{ content: t("customers.clearFilters"), url: clearHref }}
                  >
                    <p>{t("customers.noMatchBody")}</p>
                  </EmptyState>
                ) : (
                  <EmptyState heading={t("customers.emptyHeading")} image={EMPTY_STATE_IMAGE}>
                    <p>{t("customers.emptyBody")}</p>
                  </EmptyState>
                )
              }
              pagination={{
                hasPrevious: data.hasPrevious,
                hasNext: data.hasNext,
                previousURL: data.hasPrevious ? listHref({ page: String(data.page - 1) }) : undefined,
                nextURL: data.hasNext ? listHref({ page: String(data.page + 1) }) : undefined,
                label: pageLabel,
                accessibilityLabels: { previous: t("customers.previousPage"), next: t("customers.nextPage") },
              }}
            >
              {rows}
            </IndexTable>
          </div>
        </Card>
        <Text as="p" variant="bodySm" tone="subdued">
          {t("export.note")}
        </Text>
        {data.total > 0 ? <TagCustomers query={query} total={data.total} canTag={data.canTag} /> : null}
        <Text as="p" variant="bodySm" tone="subdued">
          {t("customers.chanceHelp")} {t("customers.atRiskHelp")}
        </Text>
      </BlockStack>
    </AppPage>
  );
}

export function ErrorBoundary() {
  return <RouteError title="customers.title" />;
}
