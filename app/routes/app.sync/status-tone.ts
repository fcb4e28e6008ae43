// The badge tone of a backfill run's or a model fit's status.
export const statusTone = (status: string) =>
  status === "completed" || status === "fitted"
    ? "success"
    : status === "failed"
      ? "critical"
      : status === "insufficient_data"
        ? "attention"
        : "info";
