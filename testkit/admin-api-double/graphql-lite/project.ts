// From a parsed operation to an answer: the root fields to resolve, and the projection of each resolved
// value onto its selection set (aliases, __typename, fragments, @skip/@include).
import type { DocumentNode, FieldNode, Selection } from "./ast";
import type { MiniSchema } from "./schema";
import { argumentsOf, included, type Variables } from "./values";

/** Root fields of an operation (fragments on the root type flattened), with @skip/@include applied. */
export function rootFields(doc: DocumentNode, selections: Selection[], variables: Variables): FieldNode[] {
  const out: FieldNode[] = [];
  const visit = (list: Selection[]) => {
    for (const sel of list) {
      if (!included(sel.directives, variables)) continue;
      if (sel.kind === "Field") out.push(sel);
      else if (sel.kind === "InlineFragment") visit(sel.selections);
      else {
        const fragment = doc.fragments.get(sel.name);
        if (fragment) visit(fragment.selections);
      }
    }
  };
  visit(selections);
  return out;
}

/**
 * Projects a resolved value onto a selection set: keeps the selected fields under their aliases,
 * answers __typename, applies type conditions (objects carry their type in `__typename`). A field
 * whose resolved value is a function is called with the field's arguments (connections with `first:`).
 */
export function project(
  doc: DocumentNode,
  value: unknown,
  selections: Selection[] | null,
  variables: Variables,
  schema: MiniSchema,
): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => project(doc, v, selections, variables, schema));
  if (!selections || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  const typename = typeof object.__typename === "string" ? object.__typename : null;
  // Without a prototype, an alias like "__proto__" is an ordinary key.
  const out = Object.create(null) as Record<string, unknown>;
  const visit = (list: Selection[]) => {
    for (const sel of list) {
      if (!included(sel.directives, variables)) continue;
      if (sel.kind === "Field") {
        const key = sel.alias ?? sel.name;
        if (sel.name === "__typename") {
          out[key] = typename;
          continue;
        }
        const raw = Object.hasOwn(object, sel.name) ? object[sel.name] : undefined;
        const resolved = typeof raw === "function" ? (raw as (args: Record<string, unknown>) => unknown)(argumentsOf(sel, variables)) : raw;
        const projected = project(doc, resolved, sel.selections, variables, schema);
        // The same response key twice (allowed when the fields are identical): merge the objects.
        const previous = Object.hasOwn(out, key) ? out[key] : undefined;
        if (previous && typeof previous === "object" && projected && typeof projected === "object" && !Array.isArray(projected))
          Object.assign(previous, projected);
        else out[key] = projected;
      } else if (sel.kind === "InlineFragment") {
        if (typename === null || schema.matches(sel.typeCondition, typename)) visit(sel.selections);
      } else {
        const fragment = doc.fragments.get(sel.name);
        if (fragment && (typename === null || schema.matches(fragment.typeCondition, typename))) visit(fragment.selections);
      }
    }
  };
  visit(selections);
  return out;
}
