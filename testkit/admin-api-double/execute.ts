// Runs a prepared operation: each root field's resolver in order (serially, as GraphQL requires of
// mutations), its answer projected onto the field's selection set. A FieldError nulls that field and
// adds an error; the other fields still answer.
import { argumentsOf, project, type GraphqlError } from "./graphql-lite/index";
import { ADMIN_API, FieldError, type ResolveContext } from "./operations/index";
import type { PreparedOperation } from "./prepare";

export async function executeOperation(
  { doc, rootType, fields, variables }: PreparedOperation,
  ctx: ResolveContext,
): Promise<{ data: Record<string, unknown>; errors: GraphqlError[] }> {
  // Without a prototype, an alias like "__proto__" is an ordinary key.
  const data = Object.create(null) as Record<string, unknown>;
  const errors: GraphqlError[] = [];
  for (const f of fields) {
    const key = f.alias ?? f.name;
    if (f.name === "__typename") {
      data[key] = rootType;
      continue;
    }
    // Validation let only the registry's fields through.
    const definition = ADMIN_API.field(rootType, f.name)!;
    try {
      const value = await definition.resolve(argumentsOf(f, variables), ctx);
      data[key] = project(doc, value, f.selections, variables, ADMIN_API.schema);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      data[key] = null;
      errors.push({ message: error.message, locations: [f.loc], path: [key], extensions: error.extensions });
    }
  }
  return { data, errors };
}

/** Whether any mutation payload answered userErrors (logged as outcome "user-error"). */
export function hasUserErrors(data: Record<string, unknown>): boolean {
  return Object.values(data).some((value) => {
    const userErrors = value && typeof value === "object" ? (value as { userErrors?: unknown }).userErrors : undefined;
    return Array.isArray(userErrors) && userErrors.length > 0;
  });
}
