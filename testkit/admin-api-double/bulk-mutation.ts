// What bulkOperationRunMutation checks before it starts: the mutation (one mutation operation with one
// root field the double answers, not a bulk or upload operation itself) and the staged variables file
// (JSONL, one object of variables a line).
import { readFile } from "node:fs/promises";
import { GraphqlSyntaxError, parse, rootFields, validate, type Variables } from "./graphql-lite/index";
import { ADMIN_API } from "./operations/index";

/** Mutations a bulk mutation may not run (Shopify allows only "regular" mutations). */
const NOT_IN_BULK = new Set(["bulkOperationRunMutation", "bulkOperationRunQuery", "bulkOperationCancel", "stagedUploadsCreate"]);

export type Checked<T> = ({ ok: true } & T) | { ok: false; message: string };

export function checkBulkMutation(text: string): Checked<{ rootField: string }> {
  try {
    const doc = parse(text);
    if (doc.operations.length !== 1 || doc.operations[0].operation !== "mutation")
      return { ok: false, message: "Invalid mutation: the document must hold exactly one mutation operation." };
    const operation = doc.operations[0];
    const fields = rootFields(doc, operation.selections, {});
    if (fields.length !== 1) return { ok: false, message: "Invalid mutation: a bulk mutation must have exactly one top level field." };
    const name = fields[0].name;
    if (!ADMIN_API.field("Mutation", name) || NOT_IN_BULK.has(name))
      return { ok: false, message: `Invalid mutation: ${name} is not supported by bulk mutations.` };
    const invalid = validate(ADMIN_API.schema, doc, operation, "Mutation");
    if (invalid.length > 0) return { ok: false, message: `Invalid mutation: ${invalid[0].message}` };
    return { ok: true, rootField: name };
  } catch (error) {
    if (error instanceof GraphqlSyntaxError) return { ok: false, message: `Invalid mutation: ${error.message}` };
    throw error;
  }
}

/** The variables of each line, or Shopify's complaint about the file. Blank lines are skipped. */
export async function readVariablesFile(file: string): Promise<Checked<{ lines: Variables[] }>> {
  const text = await readFile(file, "utf8");
  const lines: Variables[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { ok: false, message: "Unexpected file structure - expected JSONL" };
    }
    if (!value || typeof value !== "object" || Array.isArray(value))
      return { ok: false, message: "Unexpected file structure - expected JSONL" };
    // Without a prototype, a variable named "__proto__" stays an ordinary key.
    lines.push(Object.assign(Object.create(null) as Variables, value));
  }
  return { ok: true, lines };
}
