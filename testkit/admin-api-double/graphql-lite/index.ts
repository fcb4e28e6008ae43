// graphql-lite: the small GraphQL reader of the Admin API double (lexer, parser of executable documents,
// field validation against a mini schema, projection of answers). The `graphql` package is not a
// dependency of the app; only parser.ts would change if it became one.
export * from "./ast";
export { parse } from "./parser";
export { MiniSchema, validate, type GraphqlError, type InterfaceDefinitions, type TypeDefinitions } from "./schema";
export { argumentsOf, valueOf, variableValue, type Variables } from "./values";
export { project, rootFields } from "./project";
