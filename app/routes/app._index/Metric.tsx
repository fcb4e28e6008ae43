// One headline figure of the dashboard, with what it counts underneath.
import { BlockStack, Card, Text } from "@shopify/polaris";

export function Metric({ label, value, help, testId }: { label: string; value: string; help?: string; testId: string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingXl">
          <span data-testid={testId}>{value}</span>
        </Text>
        {help ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {help}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
