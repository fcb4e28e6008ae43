// The pieces every admin settings form repeats: text inputs and selects bound to one field of the form's state
// (typed, so a select's value is its union and needs no cast), the setter that updates one field, and the
// banner that shows what the last save answered. Labels and messages come in already translated.
import { Banner, Select, TextField } from "@shopify/polaris";
import { useCallback, type Dispatch, type SetStateAction } from "react";

/** `set("name")` is the onChange of the field `name`: it replaces that field and keeps the others. */
export function useFieldSetter<F extends object>(setForm: Dispatch<SetStateAction<F>>) {
  return useCallback(
    <K extends keyof F>(key: K) =>
      (value: F[K]) =>
        setForm((form) => ({ ...form, [key]: value })),
    [setForm],
  );
}

/** The same for a row of a list held by the parent: the row with one field replaced goes to `onChange`. */
export function rowFieldSetter<R extends object>(row: R, onChange: (row: R) => void) {
  return <K extends keyof R>(key: K) =>
    (value: R[K]) =>
      onChange({ ...row, [key]: value });
}

export interface TextInputProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  type?: "text" | "number" | "date";
  placeholder?: string;
  helpText?: string;
  maxLength?: number;
}

/** A text field of an admin form (never autocompleted: these are settings, not the merchant's own details). */
export function TextInput({ type = "text", ...props }: TextInputProps) {
  return <TextField {...props} type={type} autoComplete="off" />;
}

export interface ChoiceInputProps<V extends string> {
  label: string;
  options: readonly { label: string; value: V }[];
  value: V;
  onChange: (value: V) => void;
  error?: string;
}

/** A select whose value is one of the option values, typed as their union. */
export function ChoiceInput<V extends string>({ label, options, value, onChange, error }: ChoiceInputProps<V>) {
  return <Select label={label} options={[...options]} value={value} onChange={(selected) => onChange(selected as V)} error={error} />;
}

/** What the last save answered: success or critical, with its message. */
export function SaveResultBanner({ ok, message }: { ok: boolean; message: string }) {
  return (
    <Banner tone={ok ? "success" : "critical"}>
      <p>{message}</p>
    </Banner>
  );
}
