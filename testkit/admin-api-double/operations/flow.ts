// flowTriggerReceive: starts the Flow workflows of one of the app's trigger extensions. The double knows
// the app's handles (options.flowTriggers or control.registerFlowTrigger) and the fields each declares:
// a reference field (customer_reference…) must come as its id key (customer_id…) with a numeric id, a
// custom field under its key with a value of its type (a number for number_decimal…). Every accepted call is kept per shop (control.getFlowTriggerCalls).
import { userError, utcNow } from "./common";
import type { ApiSlice } from "./registry";

/** Flow's limit on a trigger payload's size. */
export const FLOW_PAYLOAD_MAX_BYTES = 50_000;

/** A reference field's key in the payload. */
const REFERENCE_KEYS = new Map([
  ["customer_reference", "customer_id"],
  ["order_reference", "order_id"],
  ["product_reference", "product_id"],
  ["product_variant_reference", "product_variant_id"],
  ["draft_order_reference", "draft_order_id"],
  ["company_reference", "company_id"],
]);

/**
 * A custom field's value against its declared type (Flow's custom field types); null when it fits or the type
 * is one the double does not check. Flow's own wording for these is not documented.
 */
function customFieldProblem(type: string, value: unknown): string | null {
  switch (type) {
    case "number_decimal":
      return typeof value === "number" && Number.isFinite(value) ? null : "must be a number";
    case "number_integer":
      return typeof value === "number" && Number.isInteger(value) ? null : "must be an integer";
    case "boolean":
      return typeof value === "boolean" ? null : "must be true or false";
    case "single_line_text_field":
      if (typeof value !== "string") return "must be a string";
      return value.includes("\n") ? "must be a single line" : null;
    case "multi_line_text_field":
    case "email":
    case "url":
      return typeof value === "string" ? null : "must be a string";
    default:
      return null;
  }
}

export const flowSlice: ApiSlice = {
  fields: [
    {
      root: "Mutation",
      name: "flowTriggerReceive",
      returns: "FlowTriggerReceivePayload",
      cost: 10,
      resolve: (args, ctx) => {
        const fail = (field: string, message: string) => ({ userErrors: [userError([field], message)] });
        const handle = typeof args.handle === "string" ? args.handle.trim() : "";
        if (handle === "")
          return args.body != null
            ? fail("body", "The body argument is deprecated: send handle and payload.")
            : fail("handle", "Handle can't be blank");
        const trigger = ctx.flowTriggers.get(handle);
        if (!trigger) return fail("handle", `Invalid handle: this app has no Flow trigger extension with handle '${handle}'.`);
        const payload = args.payload;
        if (!payload || typeof payload !== "object" || Array.isArray(payload)) return fail("payload", "Payload must be a JSON object.");
        const size = Buffer.byteLength(JSON.stringify(payload));
        if (size > FLOW_PAYLOAD_MAX_BYTES) return fail("payload", `Properties size exceeds the limit of ${FLOW_PAYLOAD_MAX_BYTES} bytes.`);
        for (const field of trigger.fields ?? []) {
          const key = field.key ?? REFERENCE_KEYS.get(field.type);
          if (!key) continue;
          if (!Object.hasOwn(payload, key)) return fail("payload", `Payload is missing the trigger field '${key}'.`);
          const value = (payload as Record<string, unknown>)[key];
          if (!field.key && !/^\d+$/.test(String(value)))
            return fail("payload", `'${key}' must be a numeric id, not ${JSON.stringify(value)}.`);
          const problem = field.key ? customFieldProblem(field.type, value) : null;
          if (problem) return fail("payload", `'${key}' ${problem}, not ${JSON.stringify(value)}.`);
        }
        ctx.shop.flowTriggerCalls.push({ handle, payload, receivedAt: utcNow() });
        return { userErrors: [] };
      },
    },
  ],
  types: { FlowTriggerReceivePayload: { userErrors: "UserError" } },
};
