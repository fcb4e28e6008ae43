// The dashboard's date range and comparison period. A plain GET form (it works before hydration, with its
// Apply button); once hydrated, every choice applies at once and the button goes.
import { Form, useSubmit } from "@remix-run/react";
import { Button, InlineStack, Select, TextField } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { useContextInputs } from "~/components/app-links";
import { useHydrated } from "~/components/ClientOnly";
import { useI18n } from "~/i18n/context";

export interface PeriodSelection {
  range: string;
  compare: string;
  from: string;
  to: string;
}

export function PeriodPicker({ selection }: { selection: PeriodSelection }) {
  const { t } = useI18n();
  const submit = useSubmit();
  const hydrated = useHydrated();
  const contextInputs = useContextInputs();
  const form = useRef<HTMLFormElement>(null);
  const [range, setRange] = useState(selection.range);
  const [compare, setCompare] = useState(selection.compare);
  const [from, setFrom] = useState(selection.from);
  const [to, setTo] = useState(selection.to);
  useEffect(() => {
    setRange(selection.range);
    setCompare(selection.compare);
    setFrom(selection.from);
    setTo(selection.to);
  }, [selection.range, selection.compare, selection.from, selection.to]);

  // Applies the form once React has committed the new value into its inputs.
  const [pending, setPending] = useState(false);
  useEffect(() => {
    if (!pending || !form.current) return;
    setPending(false);
    submit(form.current, { replace: true, preventScrollReset: true });
  }, [pending, submit]);
  const apply = () => setPending(true);

  return (
    <Form method="get" ref={form} aria-label={t("period.formLabel")}>
      {contextInputs.map((input) => (
        <input key={input.name} type="hidden" name={input.name} value={input.value} />
      ))}
      <InlineStack gap="300" blockAlign="end" wrap>
        <Select
          label={t("period.range")}
          name="range"
          options={[
            { label: t("period.last7"), value: "7d" },
            { label: t("period.last30"), value: "30d" },
            { label: t("period.last90"), value: "90d" },
            { label: t("period.last365"), value: "365d" },
            { label: t("period.custom"), value: "custom" },
          ]}
          value={range}
          onChange={(value) => {
            setRange(value);
            if (value !== "custom") apply();
          }}
        />
        {range === "custom" ? (
          <>
            <TextField
              label={t("period.from")}
              type="date"
              name="from"
              value={from}
              autoComplete="off"
              onChange={(value) => {
                setFrom(value);
                if (value && to && value <= to) apply();
              }}
            />
            <TextField
              label={t("period.to")}
              type="date"
              name="to"
              value={to}
              autoComplete="off"
              onChange={(value) => {
                setTo(value);
                if (value && from && from <= value) apply();
              }}
            />
          </>
        ) : null}
        <Select
          label={t("period.compare")}
          name="compare"
          options={[
            { label: t("period.comparePrevious"), value: "previous" },
            { label: t("period.compareYear"), value: "year" },
            { label: t("period.compareNone"), value: "none" },
          ]}
          value={compare}
          onChange={(value) => {
            setCompare(value);
            apply();
          }}
        />
        {hydrated ? null : <Button submit>{t("common.apply")}</Button>}
      </InlineStack>
    </Form>
  );
}
