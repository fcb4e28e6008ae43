// The editor's form fields as the input app/offers validates: product lists travel as JSON arrays of ids,
// numbers as text ("" = not given), dates as YYYY-MM-DD (midnight UTC).

function ids(value: FormDataEntryValue | null): unknown {
  if (typeof value !== "string" || value.trim() === "") return [];
  try {
    return JSON.parse(value);
  } catch {
    return value.split(",").map((id) => id.trim());
  }
}

function numberOrNull(value: FormDataEntryValue | null): number | null | string {
  if (typeof value !== "string" || value.trim() === "") return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

function text(value: FormDataEntryValue | null): string {
  return typeof value === "string" ? value : "";
}

export function offerInputFromForm(form: FormData): Record<string, unknown> {
  const priority = numberOrNull(form.get("priority"));
  const endsAt = text(form.get("endsAt")).trim();
  return {
    title: text(form.get("title")),
    triggerProductIds: ids(form.get("triggerProductIds")),
    offeredProductIds: ids(form.get("offeredProductIds")),
    discountPercent: numberOrNull(form.get("discountPercent")),
    tierName: text(form.get("tierName")).trim() || null,
    startsAt: text(form.get("startsAt")).trim() || undefined,
    endsAt: endsAt === "" ? null : endsAt,
    priority: priority === null ? undefined : priority,
  };
}
