import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "~/shopify.server";
import { config } from "~/config.server";
import { useAppHref } from "~/components/app-links";
import { NavigationSkeleton } from "~/components/PageLoading";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return { apiKey: config.apiKey };
};

export default function App() {
  const { apiKey } = useLoaderData<typeof loader>();
  const href = useAppHref();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      {/* App Bridge turns <ui-nav-menu> into the admin's side navigation; without it, keep it out of the page. */}
      <style>{`ui-nav-menu { display: none; }`}</style>
      <NavMenu>
        <Link to={href("/app")} rel="home">
          Dashboard
        </Link>
        <Link to={href("/app/customers")}>Customers</Link>
        <Link to={href("/app/sync")}>Sync status</Link>
      </NavMenu>
      <NavigationSkeleton>
        <Outlet />
      </NavigationSkeleton>
    </AppProvider>
  );
}

// Shopify needs these to handle its auth redirects and headers inside the admin iframe.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
