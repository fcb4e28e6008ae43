// The dashboard's banner while the order history is being imported, with a labelled progress bar.
import { Banner, BlockStack, ProgressBar } from "@shopify/polaris";
import type { BackfillProgress } from "~/data/shop.server";
import { useI18n } from "~/i18n/context";
import type { MessageKey } from "~/i18n/translate";

const STATUS: Record<string, MessageKey> = {
  created: "backfill.status.created",
  running: "backfill.status.running",
  importing: "backfill.status.importing",
};

export function BackfillBanner({ run, firstImport }: { run: BackfillProgress; firstImport: boolean }) {
  const { t } = useI18n();
  const percent = run.fraction === null ? null : Math.round(run.fraction * 100);
  const status = Object.hasOwn(STATUS, run.status) ? t(STATUS[run.status]) : run.status;
  return (
    <Banner tone="info" title={t("backfill.title", { status })}>
      <BlockStack gap="200">
        <p id="backfill-progress-label">
          {run.objectCount > 0
            ? percent === null
              ? t("backfill.progress", { done: run.linesImported, total: run.objectCount })
              : t("backfill.progressPercent", { done: run.linesImported, total: run.objectCount, percent })
            : t("backfill.preparing")}
          {run.onlyLast60Days ? ` ${t("backfill.last60Days")}` : ""}
        </p>
        {firstImport ? <p>{t("backfill.figuresGrow")}</p> : null}
        <div data-testid="backfill-progress">
          <ProgressBar progress={percent ?? 0} size="small" ariaLabelledBy="backfill-progress-label" />
        </div>
      </BlockStack>
    </Banner>
  );
}
