// Any address under /app that is not a page: the app's styled "not found" page (inside the admin's frame,
// authenticated like every page).
import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { authenticatePage, type PageErrorData } from "~/data/admin-page.server";
import { RouteError } from "~/components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticatePage(request);
  throw data<PageErrorData>({ reason: "not_found" }, { status: 404, statusText: "Not Found" });
};

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <RouteError title="error.notFound.heading" />;
}
