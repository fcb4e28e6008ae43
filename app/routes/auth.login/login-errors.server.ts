// What the login form says about the shop domain Shopify's login() refused.
import { LoginErrorType, type LoginError } from "@shopify/shopify-app-remix/server";

export interface LoginFormErrors {
  shop?: string;
}

export function loginFormErrors(error: LoginError): LoginFormErrors {
  if (error.shop === LoginErrorType.MissingShop) return { shop: "Enter your shop domain to log in." };
  if (error.shop === LoginErrorType.InvalidShop) return { shop: "Enter a valid shop domain, such as example.myshopify.com." };
  return {};
}
