// The cross-sell pages (/app/offers/*) share this layout: it renders the page below it. Each page
// authenticates itself (loaders and actions), as every page of the app does.
import { Outlet } from "@remix-run/react";
import { RouteError } from "~/components/RouteError";

export default function OffersLayout() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <RouteError title="app.name" />;
}
