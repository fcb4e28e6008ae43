// Revenue by first-order cohort as a heat-map table: one row per cohort month (on the shop's calendar), one
// column per month since the first order, each cell shaded by its share of the largest cell. Plain HTML:
// renders server-side.
import { Text } from "@shopify/polaris";
import { formatMoneyCompact, formatMonth, formatNumber } from "~/lib/format";
import type { Translate } from "~/i18n/translate";
import { monthHeading } from "./Charts";

export interface CohortView {
  cohort: string;
  customers: number;
  revenueByAge: (string | null)[];
}

const cell: React.CSSProperties = { padding: "6px 8px", textAlign: "right", whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums" };

export function CohortTable({
  cohorts,
  months,
  currency,
  locale,
  timeZone,
  t,
}: {
  cohorts: CohortView[];
  months: number;
  currency: string;
  locale: string;
  timeZone: string;
  t: Translate;
}) {
  const max = cohorts.reduce((m, c) => c.revenueByAge.reduce((mm, v) => (v !== null && Number(v) > mm ? Number(v) : mm), m), 0);
  return (
    <div style={{ overflowX: "auto" }}>
      <table style={{ borderCollapse: "collapse", width: "100%", fontSize: 12 }} data-testid="cohort-table">
        <thead>
          <tr>
            <th style={{ ...cell, textAlign: "left" }} scope="col">
              {t("cohorts.firstOrder")}
            </th>
            <th style={cell} scope="col">
              {t("cohorts.customers")}
            </th>
            {Array.from({ length: months }, (_, age) => (
              <th key={age} style={cell} scope="col">
                {monthHeading(age, t)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cohorts.map((c) => (
            <tr key={c.cohort}>
              <th scope="row" style={{ ...cell, textAlign: "left" }}>
                {formatMonth(c.cohort, locale)}
              </th>
              <td style={cell}>{formatNumber(c.customers, locale)}</td>
              {c.revenueByAge.map((v, age) => {
                const share = v === null || max <= 0 ? 0 : Number(v) / max;
                return (
                  <td
                    key={age}
                    style={{
                      ...cell,
                      background: v === null ? "transparent" : `rgba(0, 91, 211, ${(0.06 + share * 0.8).toFixed(3)})`,
                      color: share > 0.55 ? "#fff" : undefined,
                    }}
                  >
                    {v === null ? "" : formatMoneyCompact(v, currency, locale)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <Text as="p" variant="bodySm" tone="subdued">
        {t("cohorts.caption", { zone: timeZone })}
      </Text>
    </div>
  );
}
