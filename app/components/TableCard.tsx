// A titled card holding a table, or a short note when there are no rows: the shape of most admin sections.
import type { ReactNode } from "react";
import { BlockStack, Card, Layout, Text } from "@shopify/polaris";

export function TableCard({
  title,
  emptyText,
  isEmpty,
  children,
}: {
  title: string;
  emptyText: string;
  isEmpty: boolean;
  children: ReactNode;
}) {
  return (
    <Layout.Section>
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          {isEmpty ? (
            <Text as="p" tone="subdued">
              {emptyText}
            </Text>
          ) : (
            children
          )}
        </BlockStack>
      </Card>
    </Layout.Section>
  );
}
