import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLocation, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { AppProvider, Page } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import type { ReactNode } from "react";
import { localeOfRequest, resolveLocale } from "~/lib/format";
import { languageOf, translator } from "~/i18n/translate";
import { polarisTranslations } from "~/i18n/polaris";
import { describeError, ErrorContent } from "~/components/RouteError";
import { appHref } from "~/components/app-links";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = ({ request }: LoaderFunctionArgs) => ({ locale: localeOfRequest(request) });

function Document({ language, title, children }: { language: string; title?: string; children: ReactNode }) {
  return (
    <html lang={language}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        {title ? <title>{title}</title> : <Meta />}
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <Document language={languageOf(data?.locale ?? "en")}>
      <Outlet />
    </Document>
  );
}

/**
 * Errors no page caught: an address that matches no page (404), or a failure outside the app's pages. A
 * styled page in the admin's language, never the framework's developer page.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const { search } = useLocation();
  const locale = resolveLocale(new URLSearchParams(search).get("locale"));
  const t = translator(locale);
  const described = describeError(error);
  return (
    <Document language={languageOf(locale)} title={`${t("error.documentTitle")} · ${t("app.name")}`}>
      <AppProvider i18n={polarisTranslations(locale)}>
        <Page title={t("app.name")}>
          <ErrorContent described={described} t={t} backHref={appHref("/app", search)} backLabel={t("error.openApp")} />
        </Page>
      </AppProvider>
    </Document>
  );
}
