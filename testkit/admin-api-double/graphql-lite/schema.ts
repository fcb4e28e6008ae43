// A schema reduced to what validation and projection need: each object type's fields and their named
// types, and each interface's possible types. Field-level validation answers in graphql-ruby's words,
// as Shopify's server does.
import type { DocumentNode, Location, OperationNode, Selection } from "./ast";

/** type name → field name → the field's named type ("String", "ID", "BulkOperationStatus", an object type…). */
export type TypeDefinitions = Record<string, Record<string, string>>;
/** Interface → the object types that implement it. */
export type InterfaceDefinitions = Record<string, string[]>;

export class MiniSchema {
  private readonly types = new Map<string, Map<string, string>>();
  private readonly interfaces = new Map<string, Set<string>>();

  constructor(types: TypeDefinitions, interfaces: InterfaceDefinitions = {}) {
    for (const [name, fields] of Object.entries(types)) this.types.set(name, new Map(Object.entries(fields)));
    for (const [name, possible] of Object.entries(interfaces)) this.interfaces.set(name, new Set(possible));
  }

  /** The named type of `type.field`, or undefined when there is no such field. */
  fieldType(type: string, field: string): string | undefined {
    return this.types.get(type)?.get(field);
  }

  /** Object types and interfaces have fields (and need selections); scalars and enums do not. */
  isComposite(type: string): boolean {
    return this.types.has(type) || this.interfaces.has(type);
  }

  /** Whether an object of type `actual` matches a fragment's type condition. */
  matches(condition: string | null, actual: string): boolean {
    return condition === null || condition === actual || (this.interfaces.get(condition)?.has(actual) ?? false);
  }
}

export interface GraphqlError {
  message: string;
  locations?: Location[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/** Checks every selected field exists and selections match composite vs scalar types. Returns [] when valid. */
export function validate(schema: MiniSchema, doc: DocumentNode, operation: OperationNode, rootType: string): GraphqlError[] {
  const errors: GraphqlError[] = [];
  const walk = (selections: Selection[], parentType: string, path: string[], seenFragments: Set<string>) => {
    for (const sel of selections) {
      if (sel.kind === "InlineFragment") {
        const condition = sel.typeCondition;
        if (condition !== null && !schema.isComposite(condition)) {
          errors.push({
            message: `No such type ${condition}, so it can't be a fragment condition`,
            locations: [sel.loc],
            path: [...path, `... on ${condition}`],
            extensions: { code: "undefinedType", typeName: condition },
          });
        } else walk(sel.selections, condition ?? parentType, [...path, `... on ${condition ?? parentType}`], seenFragments);
      } else if (sel.kind === "FragmentSpread") {
        const fragment = doc.fragments.get(sel.name);
        if (!fragment) {
          errors.push({
            message: `Fragment ${sel.name} was used, but not defined`,
            locations: [sel.loc],
            path: [...path, `... ${sel.name}`],
            extensions: { code: "useAndDefineFragment", fragmentName: sel.name },
          });
        } else if (!seenFragments.has(sel.name)) {
          walk(fragment.selections, fragment.typeCondition, [...path, `... ${sel.name}`], new Set([...seenFragments, sel.name]));
        }
      } else if (sel.name !== "__typename") {
        const type = schema.fieldType(parentType, sel.name);
        const fieldPath = [...path, sel.alias ?? sel.name];
        const at = { locations: [sel.loc], path: fieldPath };
        if (type === undefined) {
          errors.push({
            message: `Field '${sel.name}' doesn't exist on type '${parentType}'`,
            ...at,
            extensions: { code: "undefinedField", typeName: parentType, fieldName: sel.name },
          });
        } else if (schema.isComposite(type) && !sel.selections) {
          errors.push({
            message: `Field must have selections (field '${sel.name}' returns ${type} but has no selections. Did you mean '${sel.name} { ... }'?)`,
            ...at,
            extensions: { code: "selectionMismatch", nodeName: `field '${sel.name}'`, typeName: type },
          });
        } else if (schema.isComposite(type) && sel.selections) {
          walk(sel.selections, type, fieldPath, seenFragments);
        } else if (sel.selections) {
          const names = sel.selections.map((s) => (s.kind === "Field" ? s.name : "...")).join(", ");
          errors.push({
            message: `Selections can't be made on scalars (field '${sel.name}' returns ${type} but has selections [${names}])`,
            ...at,
            extensions: { code: "selectionMismatch", nodeName: `field '${sel.name}'`, typeName: type },
          });
        }
      }
    }
  };
  const operationPath = operation.name ? `${operation.operation} ${operation.name}` : operation.operation;
  walk(operation.selections, rootType, [operationPath], new Set());
  return errors;
}
