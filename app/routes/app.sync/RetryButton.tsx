// Retry of one failed job: posts the "retry" intent to the sync page's action and says what happened.
import { useFetcher } from "@remix-run/react";
import { Button, InlineStack, Text } from "@shopify/polaris";
import type { FailedJob } from "~/queues/inspect.server";
import { useI18n } from "~/i18n/context";
import type { SyncActionResult } from "./route";
import { actionMessage } from "./action-message";

export function RetryButton({ job }: { job: FailedJob }) {
  const { t } = useI18n();
  const fetcher = useFetcher<SyncActionResult>();
  const busy = fetcher.state !== "idle";
  const done = fetcher.data?.ok === true;
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="retry" />
      <input type="hidden" name="queue" value={job.queue} />
      <input type="hidden" name="jobId" value={job.id} />
      <InlineStack gap="200" blockAlign="center" wrap={false}>
        <Button
          submit
          size="slim"
          loading={busy}
          disabled={done}
          accessibilityLabel={t("sync.retryLabel", { job: `${job.queue} · ${job.name}` })}
        >
          {done ? t("sync.queued") : t("sync.retry")}
        </Button>
        {fetcher.data && !fetcher.data.ok ? (
          <Text as="span" tone="critical" variant="bodySm">
            {actionMessage(fetcher.data, t)}
          </Text>
        ) : null}
      </InlineStack>
    </fetcher.Form>
  );
}
