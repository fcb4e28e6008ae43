import { useCallback, useState } from "react";
import type { Translate } from "~/i18n/translate";

/** Downloads the CSV through fetch, which App Bridge authenticates with a fresh session token. */
export function useCsvDownload(url: string, t: Translate) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const download = useCallback(async () => {
    setState({ busy: true, error: null });
    try {
      const response = await fetch(url, { headers: { Accept: "text/csv" } });
      const type = response.headers.get("Content-Type") ?? "";
      if (!response.ok || !type.startsWith("text/csv")) throw new Error(String(response.status));
      const blob = await response.blob();
      const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? "customers.csv";
      const objectUrl = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = objectUrl;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
      setState({ busy: false, error: null });
    } catch (error) {
      setState({ busy: false, error: t("export.failed", { status: (error as Error).message }) });
    }
  }, [url, t]);
  return { ...state, download };
}
