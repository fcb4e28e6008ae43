// The Shopify Flow trigger "Valuable customer at risk": merchants build their own win-back flows on it
// (email, tag, task for the support team) without the app sending anything itself. Emitted with
// flowTriggerReceive(handle, payload) once per at-risk episode (sync.ts decides when).
import { liquidCustomerId } from "../experiments/assignment.ts";
import { decimalOfMinor, roundToWholeUnits } from "./amounts.ts";

/** The extension's handle: at most 30 characters of letters, digits and hyphens, fixed once deployed. */
export const FLOW_TRIGGER_HANDLE = "valuable-customer-at-risk";
export const FLOW_TRIGGER_NAME = "Valuable customer at risk";

/** Custom field keys: Flow allows letters and spaces only. */
export const FLOW_FIELD_VALUE_AT_STAKE = "Value at stake";
export const FLOW_FIELD_REASON = "Reason";

const FLOW_FIELD_KEY = /^[A-Za-z][A-Za-z ]*$/;
const MAX_TEXT_LENGTH = 255;

/** The extension's shopify.extension.toml (extensions/clv-flow-at-risk/), kept next to the payload it must match. */
export const FLOW_TRIGGER_EXTENSION_TOML = `[[extensions]]
name = "${FLOW_TRIGGER_NAME}"
type = "flow_trigger"
handle = "${FLOW_TRIGGER_HANDLE}"
description = "A valuable customer started slipping away: their chance of still being an active customer fell below your threshold or dropped sharply. Sent once per at-risk episode."

[settings]

[[settings.fields]]
type = "customer_reference"

[[settings.fields]]
type = "number_decimal"
key = "${FLOW_FIELD_VALUE_AT_STAKE}"
description = "What the customer would be worth over a year if they stayed, times the chance they are gone (shop currency)"

[[settings.fields]]
type = "single_line_text_field"
key = "${FLOW_FIELD_REASON}"
description = "Why, in plain words (English)"
`;

export function isValidFlowFieldKey(key: string): boolean {
  return FLOW_FIELD_KEY.test(key);
}

export interface FlowTriggerPayload {
  /** The customer_reference field: Flow expects the numeric customer id under customer_id. */
  customer_id: number;
  [FLOW_FIELD_VALUE_AT_STAKE]: number;
  [FLOW_FIELD_REASON]: string;
}

export interface FlowTriggerCall {
  handle: typeof FLOW_TRIGGER_HANDLE;
  payload: FlowTriggerPayload;
}

export interface FlowTriggerInput {
  /** "123" or "gid://shopify/Customer/123". */
  customerId: string;
  valueAtStakeMinor: number;
  currencyCode: string;
  /** English reason (formatReasonsEnglish); cut to 255 characters. */
  reason: string;
}

export function flowTriggerCall(input: FlowTriggerInput): FlowTriggerCall {
  const numericId = Number(liquidCustomerId(input.customerId));
  if (!Number.isSafeInteger(numericId)) throw new RangeError(`customer id ${input.customerId} does not fit a JSON number exactly`);
  const reason = input.reason.length > MAX_TEXT_LENGTH ? `${input.reason.slice(0, MAX_TEXT_LENGTH - 1)}…` : input.reason;
  return {
    handle: FLOW_TRIGGER_HANDLE,
    payload: {
      customer_id: numericId,
      // Whole units, as in the value_at_stake metafield: the same figure wherever the merchant sees it.
      [FLOW_FIELD_VALUE_AT_STAKE]: Number(
        decimalOfMinor(roundToWholeUnits(input.valueAtStakeMinor, input.currencyCode), input.currencyCode),
      ),
      [FLOW_FIELD_REASON]: reason,
    },
  };
}
