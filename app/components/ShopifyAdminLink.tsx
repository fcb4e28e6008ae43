// A link to a customer or an order in the Shopify admin. The href is the admin's web address, which works
// everywhere (inside the admin's iframe with target _top, in the offline demo it opens the admin in the
// browser); inside the admin, App Bridge handles the shopify://admin/… form without reloading the admin.
import type { MouseEvent, ReactNode } from "react";

export type AdminResource = "customers" | "orders";

export function shopifyAdminUrl(storeHandle: string, resource: AdminResource, id: string): string {
  return `https://admin.shopify.com/store/${encodeURIComponent(storeHandle)}/${resource}/${encodeURIComponent(id)}`;
}

export function ShopifyAdminLink({
  storeHandle,
  resource,
  id,
  children,
  accessibilityLabel,
}: {
  storeHandle: string;
  resource: AdminResource;
  id: string;
  children: ReactNode;
  accessibilityLabel?: string;
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (typeof window.shopify === "undefined") return;
    event.preventDefault();
    window.open(`shopify://admin/${resource}/${encodeURIComponent(id)}`, "_top");
  };
  // A plain anchor with Polaris' link look: Polaris' Link gives its onClick no event to prevent.
  return (
    <a
      className="Polaris-Link"
      href={shopifyAdminUrl(storeHandle, resource, id)}
      target="_top"
      onClick={onClick}
      aria-label={accessibilityLabel}
    >
      {children}
    </a>
  );
}
