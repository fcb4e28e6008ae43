// One headline figure of the dashboard, with what it counts underneath and, for a period, the comparison.
import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";

export function Metric({
  label,
  value,
  help,
  testId,
  comparison,
}: {
  label: string;
  value: string;
  help?: string;
  testId: string;
  /** "vs $1,234 (+12%)" under the figure, in the tone of the change. */
  comparison?: { text: string; tone: "success" | "critical" | "subdued" } | null;
}) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingXl">
          <span data-testid={testId}>{value}</span>
        </Text>
        {comparison ? (
          <InlineStack>
            <Text as="p" variant="bodySm" tone={comparison.tone === "subdued" ? "subdued" : comparison.tone}>
              <span data-testid={`${testId}-comparison`}>{comparison.text}</span>
            </Text>
          </InlineStack>
        ) : null}
        {help ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {help}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
