// /auth/login: where a merchant outside the Shopify admin (or a request without the embedded context)
// lands. Shopify's login() does the work: GET without a shop shows the form; a shop domain (form field or
// ?shop=) is checked and redirected to the shop's admin to install or open the app; a bad one comes back
// as a field error. No session is needed, so this route must not call authenticate.admin.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { useState } from "react";
import { config } from "~/config.server";
import { login } from "~/shopify.server";
import { loginFormErrors } from "./login-errors.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => ({
  errors: loginFormErrors(await login(request)),
  apiKey: config.apiKey,
});

export const action = async ({ request }: ActionFunctionArgs) => ({ errors: loginFormErrors(await login(request)) });

export default function Login() {
  const { errors: loaderErrors, apiKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? loaderErrors;
  const [shop, setShop] = useState("");
  return (
    <AppProvider isEmbeddedApp={false} apiKey={apiKey} i18n={polarisTranslations}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h1">
                Log in
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors.shop}
              />
              <Button submit variant="primary">
                Log in
              </Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
