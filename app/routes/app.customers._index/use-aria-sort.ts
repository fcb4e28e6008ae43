// Polaris' IndexTable renders sortable headings as buttons but sets no aria-sort on their <th>: screen
// readers would not hear which column sorts the table. This sets it on the table's own header cells (the
// sticky copy of the header is hidden from assistive technology) after every render of the sort.
import { useEffect, type RefObject } from "react";

export function useAriaSort(
  container: RefObject<HTMLElement | null>,
  columns: { sortable: boolean }[],
  sortIndex: number,
  direction: "ascending" | "descending",
) {
  useEffect(() => {
    const headers = container.current?.querySelectorAll<HTMLTableCellElement>("table.Polaris-IndexTable__Table thead th");
    if (!headers) return;
    headers.forEach((th, index) => {
      if (!columns[index]?.sortable) th.removeAttribute("aria-sort");
      else th.setAttribute("aria-sort", index === sortIndex ? direction : "none");
    });
  });
}
