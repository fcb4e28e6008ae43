// The settings that decide who is flagged: the alive threshold, the sharp drop, the minimum value at stake,
// win-back offers on or off. Saved through the page's action; each field shows its own message.
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, Text, TextField } from "@shopify/polaris";
import { useFetcher } from "@remix-run/react";
import { useState } from "react";
import { useI18n } from "~/i18n/context";
import type { SettingsActionResult } from "./settings-form.server";

interface Form {
  threshold: string;
  sharpDrop: string;
  minValue: string;
  winBack: string;
}

export function RetentionSettingsCard({ initial, currencyCode }: { initial: Form; currencyCode: string }) {
  const { t } = useI18n();
  const fetcher = useFetcher<SettingsActionResult>();
  const [form, setForm] = useState<Form>(initial);
  const set = (key: keyof Form) => (value: string) => setForm((f) => ({ ...f, [key]: value }));
  const errors = fetcher.data?.errors ?? {};
  const errorOf = (field: keyof SettingsActionResult["errors"]) => {
    const key = errors[field];
    return key ? t(key, { currency: currencyCode }) : undefined;
  };
  const save = () => fetcher.submit({ ...form }, { method: "post" });
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("retention.settings.heading")}
        </Text>
        {fetcher.data ? (
          <Banner tone={fetcher.data.ok ? "success" : "critical"}>
            <p>{t(fetcher.data.message)}</p>
          </Banner>
        ) : null}
        <FormLayout>
          <FormLayout.Group>
            <TextField
              label={t("retention.settings.threshold")}
              type="number"
              autoComplete="off"
              value={form.threshold}
              onChange={set("threshold")}
              helpText={t("retention.settings.thresholdHelp")}
              error={errorOf("threshold")}
            />
            <TextField
              label={t("retention.settings.sharpDrop")}
              type="number"
              autoComplete="off"
              value={form.sharpDrop}
              onChange={set("sharpDrop")}
              helpText={t("retention.settings.sharpDropHelp")}
              error={errorOf("sharpDrop")}
            />
          </FormLayout.Group>
          <TextField
            label={t("retention.settings.minValue", { currency: currencyCode })}
            autoComplete="off"
            value={form.minValue}
            onChange={set("minValue")}
            helpText={t("retention.settings.minValueHelp")}
            error={errorOf("minValue")}
          />
          <Checkbox
            label={t("retention.settings.winBack")}
            helpText={t("retention.settings.winBackHelp")}
            checked={form.winBack === "on"}
            onChange={(checked) => set("winBack")(checked ? "on" : "off")}
          />
          <Button variant="primary" onClick={save} loading={fetcher.state !== "idle"}>
            {t("retention.settings.save")}
          </Button>
        </FormLayout>
      </BlockStack>
    </Card>
  );
}
