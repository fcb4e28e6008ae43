// The admin's locale for every component below app.tsx: `const { t, locale } = useI18n()`.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { DEFAULT_LOCALE } from "~/lib/format";
import { translator, type Translate } from "./translate";

const LocaleContext = createContext<string>(DEFAULT_LOCALE);

export function I18nProvider({ locale, children }: { locale: string; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export function useI18n(): { t: Translate; locale: string } {
  const locale = useContext(LocaleContext);
  const t = useMemo(() => translator(locale), [locale]);
  return { t, locale };
}
