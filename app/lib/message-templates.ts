// The English side of a domain's message catalog (app/loyalty/messages.ts, app/offers/messages.ts): keys mapped
// to templates with {name} placeholders, and a singular and plural form where a count is said. The domain
// reports the key and its parameters; this renders the English that logs, the storefront and tests read, while
// the admin translates the key (app/i18n).

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

/** A domain's catalog of English templates: its key guard (own properties only), its English, its placeholders. */
export function messageCatalog<Key extends string>(templates: Readonly<Record<Key, MessageTemplate>>) {
  return {
    isKey: (value: string): value is Key => Object.hasOwn(templates, value),
    english: (key: Key, params: MessageParams = {}): string => fillTemplate(templates[key], params),
    uses: (key: Key, param: string): boolean => templateUses(templates[key], param),
  };
}
