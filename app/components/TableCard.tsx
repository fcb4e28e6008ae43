// A titled card holding a table, or a short note when there are no rows: the shape of most admin sections.
import type { ReactNode } from "react";
import { BlockStack, Card, Layout, Text } from "@shopify/polaris";

export function TableCard({
  title,
  emptyText,
  isEmpty,
  headingLevel = "h2",
  children,
}: {
  title: string;
  emptyText: string;
  isEmpty: boolean;
  /** h3 when the card sits under a section heading. */
  headingLevel?: "h2" | "h3";
  children: ReactNode;
}) {
  return (
    <Layout.Section>
      <Card>
        <BlockStack gap="300">
          <Text as={headingLevel} variant="headingMd">
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
