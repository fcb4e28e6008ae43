// Shown while the router loads another page of the app: a Polaris skeleton in the page's place, and
// App Bridge's loading bar when App Bridge is there.
import { useLocation, useNavigation } from "@remix-run/react";
import { BlockStack, Card, Layout, SkeletonBodyText, SkeletonDisplayText, SkeletonPage } from "@shopify/polaris";
import { useEffect, type ReactNode } from "react";

declare global {
  interface Window {
    shopify?: { loading?: (on: boolean) => void; idToken?: () => Promise<string> };
  }
}

export function PageSkeleton() {
  return (
    <SkeletonPage primaryAction>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <SkeletonDisplayText size="small" />
              <SkeletonBodyText lines={6} />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

/** Swaps the page for a skeleton while navigating to a different page (not for search-param changes). */
export function NavigationSkeleton({ children }: { children: ReactNode }) {
  const navigation = useNavigation();
  const location = useLocation();
  const loading = navigation.state !== "idle";
  useEffect(() => {
    window.shopify?.loading?.(loading);
  }, [loading]);
  const leaving = navigation.state === "loading" && navigation.location && navigation.location.pathname !== location.pathname;
  return leaving ? <PageSkeleton /> : <>{children}</>;
}
