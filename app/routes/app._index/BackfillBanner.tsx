// The dashboard's banner while the order history is being imported.
import { Banner, BlockStack, ProgressBar } from "@shopify/polaris";
import type { BackfillProgress } from "~/data/shop.server";
import { formatNumber } from "~/lib/format";

export function BackfillBanner({ run, locale }: { run: BackfillProgress; locale: string }) {
  const percent = run.fraction === null ? null : Math.round(run.fraction * 100);
  return (
    <Banner tone="info" title={`Importing your order history: ${run.status}`}>
      <BlockStack gap="200">
        <p>
          {run.objectCount > 0
            ? `${formatNumber(run.linesImported, locale)} of ${formatNumber(run.objectCount, locale)} records imported${percent === null ? "" : ` (${percent}%)`}.`
            : "Shopify is preparing the export; progress appears here as soon as it starts."}
          {run.onlyLast60Days ? " Only the last 60 days of orders are available to this app." : ""}
        </p>
        <div data-testid="backfill-progress">
          <ProgressBar progress={percent ?? 0} size="small" />
        </div>
      </BlockStack>
    </Banner>
  );
}
