import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { authenticatePage } from "~/data/admin-page.server";
import { config } from "~/config.server";
import { localeOfRequest, resolveLocale } from "~/lib/format";
import { I18nProvider, useI18n } from "~/i18n/context";
import { polarisTranslations } from "~/i18n/polaris";
import { useAppHref } from "~/components/app-links";
import { NavigationSkeleton } from "~/components/PageLoading";
import { RouteError, isShopifyAuthPage } from "~/components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticatePage(request);
  return { apiKey: config.apiKey, locale: localeOfRequest(request) };
};

function Navigation() {
  const href = useAppHref();
  const { t } = useI18n();
  return (
    <NavMenu>
      <Link to={href("/app")} rel="home">
        {t("nav.dashboard")}
      </Link>
      <Link to={href("/app/customers")}>{t("nav.customers")}</Link>
      <Link to={href("/app/loyalty")}>{t("nav.loyalty")}</Link>
      <Link to={href("/app/offers")}>{t("nav.offers")}</Link>
      <Link to={href("/app/retention")}>{t("nav.retention")}</Link>
      <Link to={href("/app/model")}>{t("nav.model")}</Link>
      <Link to={href("/app/sync")}>{t("nav.sync")}</Link>
    </NavMenu>
  );
}

export default function App() {
  const { apiKey, locale } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} i18n={polarisTranslations(locale)}>
      <I18nProvider locale={locale}>
        {/* App Bridge turns <ui-nav-menu> and <ui-title-bar> into the admin's navigation and header; it
            reads them from the DOM, so they never show in the page itself. */}
        <style>{`ui-nav-menu, ui-title-bar { display: none; }`}</style>
        <Navigation />
        <NavigationSkeleton>
          <Outlet />
        </NavigationSkeleton>
      </I18nProvider>
    </AppProvider>
  );
}

// Shopify's auth pages (App Bridge's script) pass through its boundary; anything else gets the app's
// styled error page (the loader above failed, so the page has no loader data: the locale comes from the URL).
export function ErrorBoundary() {
  const error = useRouteError();
  if (isShopifyAuthPage(error)) return boundary.error(error);
  return <LayoutError />;
}

function LayoutError() {
  const { search } = useLocation();
  const locale = resolveLocale(new URLSearchParams(search).get("locale"));
  return (
    <AppProvider isEmbeddedApp={false} apiKey="" i18n={polarisTranslations(locale)}>
      <I18nProvider locale={locale}>
        <RouteError title="app.name" />
      </I18nProvider>
    </AppProvider>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
