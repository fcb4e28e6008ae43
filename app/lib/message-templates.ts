// The English side of a domain's message catalog (app/loyalty/messages.ts, app/offers/messages.ts): keys mapped
// to templates with {name} placeholders, and a singular and plural form where a count is said. The domain
// reports the key and its parameters; this renders the English that logs, the storefront and tests read, while
// the admin translates the key (app/i18n).

import type { ZodIssue } from "zod";

export type MessageTemplate = string | { one: string; other: string };
export type MessageParams = Record<string, string | number>;

/** The template's text for these parameters: the plural form chosen by {count} (1 is singular), placeholders filled. */
export function fillTemplate(template: MessageTemplate, params: MessageParams = {}): string {
  const text = typeof template === "string" ? template : Number(params.count) === 1 ? template.one : template.other;
  // Own properties only: a parameter named like an Object.prototype member must not be found there.
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** Whether the template says this parameter in any of its forms. */
export function templateUses(template: MessageTemplate, param: string): boolean {
  const placeholder = `{${param}}`;
  return typeof template === "string"
    ? template.includes(placeholder)
    : template.one.includes(placeholder) || template.other.includes(placeholder);
}

/** A message as callers need it: the English, and the key with its parameters when a catalog wrote it. */
export interface KeyedMessage<Key extends string> {
  /** English, for logs, the storefront, tests and callers that do not translate. */
  message: string;
  key?: Key;
  params?: MessageParams;
}

/**
 * A domain's catalog of English templates: its key guard (own properties only), its English, its placeholders,
 * and the keyed message of one of its keys or of a zod issue that reports one.
 */
export function messageCatalog<Key extends string>(templates: Readonly<Record<Key, MessageTemplate>>) {
  const isKey = (value: string): value is Key => Object.hasOwn(templates, value);
  const english = (key: Key, params: MessageParams = {}): string => fillTemplate(templates[key], params);
  const uses = (key: Key, param: string): boolean => templateUses(templates[key], param);
  const keyed = (key: Key, params?: MessageParams): KeyedMessage<Key> => ({
    message: english(key, params),
    key,
    ...(params ? { params } : {}),
  });
  /**
   * A zod issue whose message is a key: custom issues carry their parameters, a size limit its bound where the
   * message says it ("at most {max} tiers"). Any other message (zod's own words) comes back as it is, unkeyed.
   */
  const fromIssue = (issue: ZodIssue): KeyedMessage<Key> => {
    if (!isKey(issue.message)) return { message: issue.message };
    const key = issue.message;
    if (issue.code === "custom") return keyed(key, issue.params as MessageParams | undefined);
    if (issue.code === "too_big" && uses(key, "max")) return keyed(key, { max: Number(issue.maximum) });
    if (issue.code === "too_small" && uses(key, "min")) return keyed(key, { min: Number(issue.minimum) });
    return keyed(key);
  };
  return { isKey, english, uses, keyed, fromIssue };
}
