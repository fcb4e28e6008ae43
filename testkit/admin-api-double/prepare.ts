// From a GraphQL request body to an operation ready to run: parse, pick the operation, validate it
// against the registry's schema (fields, selections, required arguments, non-null variables) and fill
// in variable defaults. Errors come back in Shopify's (graphql-ruby's) words.
import {
  GraphqlSyntaxError,
  parse,
  rootFields,
  validate,
  valueOf,
  variableValue,
  type DocumentNode,
  type FieldNode,
  type GraphqlError,
  type OperationNode,
  type Variables,
} from "./graphql-lite/index";
import { ADMIN_API, type RootType } from "./operations/index";

export interface PreparedOperation {
  doc: DocumentNode;
  operation: OperationNode;
  rootType: RootType;
  /** The root fields to resolve, in order (fragments flattened, @skip/@include applied). */
  fields: FieldNode[];
  /** The request's variables with the operation's defaults filled in. */
  variables: Variables;
}

/**
 * `errors` without `prepared`: nothing can be said about the operation (syntax, no such operation).
 * `errors` with `prepared`: invalid, but the log can name its operation and root fields.
 */
export type Preparation = { errors: GraphqlError[]; prepared?: PreparedOperation } | { errors?: undefined; prepared: PreparedOperation };

export function prepareOperation(query: string, operationName: unknown, given: Variables): Preparation {
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch (error) {
    if (!(error instanceof GraphqlSyntaxError)) throw error;
    return { errors: [{ message: error.message, locations: [error.location] }] };
  }
  const named = typeof operationName === "string" && operationName !== "";
  const operation = named
    ? doc.operations.find((o) => o.name === operationName)
    : doc.operations.length === 1
      ? doc.operations[0]
      : undefined;
  if (!operation) return { errors: [{ message: named ? `No operation named "${operationName}"` : "An operation name is required" }] };

  const rootType: RootType = operation.operation === "mutation" ? "Mutation" : "QueryRoot";
  // Without a prototype, a variable named "__proto__" or "constructor" is an ordinary key.
  const variables: Variables = Object.assign(Object.create(null) as Variables, given);
  const prepared: PreparedOperation = { doc, operation, rootType, fields: rootFields(doc, operation.selections, variables), variables };
  const errors: GraphqlError[] = [];
  if (operation.operation === "subscription")
    errors.push({ message: "Subscriptions are not supported", extensions: { code: "undefinedType" } });
  errors.push(...validate(ADMIN_API.schema, doc, operation, rootType));
  errors.push(...missingArguments(prepared), ...missingVariables(operation, variables));
  if (errors.length > 0) return { errors, prepared };
  for (const v of operation.variables)
    if (variableValue(variables, v.name) === undefined && v.defaultValue) variables[v.name] = valueOf(v.defaultValue, {});
  return { prepared };
}

function missingArguments({ operation, rootType, fields }: PreparedOperation): GraphqlError[] {
  const operationPath = operation.name ? `${operation.operation} ${operation.name}` : operation.operation;
  const errors: GraphqlError[] = [];
  for (const f of fields) {
    const definition = ADMIN_API.field(rootType, f.name);
    const missing = (definition?.requiredArguments ?? []).filter((name) => !f.args.some((a) => a.name === name));
    if (missing.length === 0) continue;
    errors.push({
      message: `Field '${f.name}' is missing required arguments: ${missing.join(", ")}`,
      locations: [f.loc],
      path: [operationPath, f.name],
      extensions: { code: "missingRequiredArguments", className: "Field", name: f.name, arguments: missing.join(", ") },
    });
  }
  return errors;
}

function missingVariables(operation: OperationNode, variables: Variables): GraphqlError[] {
  return operation.variables
    .filter((v) => v.nonNull && !v.defaultValue && variableValue(variables, v.name) == null)
    .map((v) => ({
      message: `Variable $${v.name} of type ${v.type} was provided invalid value`,
      locations: [operation.loc],
      extensions: { value: null, problems: [{ path: [], explanation: "Expected value to not be null" }] },
    }));
}
