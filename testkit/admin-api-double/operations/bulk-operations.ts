// Bulk operations: run a bulk query or a bulk mutation (over a staged upload), cancel, and read their
// status (the lifecycle itself is in ../bulk.ts, the checks of a bulk mutation in ../bulk-mutation.ts).
import type { BulkOperationRecord } from "../state";
import { parseGid, userError } from "./common";
import type { ApiSlice } from "./registry";

export function bulkOperationObject(op: BulkOperationRecord) {
  return {
    __typename: "BulkOperation",
    id: op.id,
    type: op.type,
    status: op.status,
    errorCode: op.errorCode,
    // UnsignedInt64 is a string in JSON.
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.fileSize === null ? null : String(op.fileSize),
    url: op.url,
    partialDataUrl: op.partialDataUrl,
    query: op.query,
    createdAt: op.createdAt,
    completedAt: op.completedAt,
  };
}

export const bulkOperationsSlice: ApiSlice = {
  fields: [
    {
      root: "QueryRoot",
      name: "bulkOperation",
      returns: "BulkOperation",
      requiredArguments: ["id"],
      cost: 1,
      resolve: (args, ctx) => {
        parseGid(args.id);
        const op = ctx.bulk.find(ctx.shop.shop, String(args.id));
        return op ? bulkOperationObject(op) : null;
      },
    },
    {
      root: "QueryRoot",
      name: "currentBulkOperation",
      returns: "BulkOperation",
      cost: 1,
      resolve: (args, ctx) => {
        const type = args.type ?? "QUERY";
        if (type !== "QUERY" && type !== "MUTATION") return null;
        const op = ctx.bulk.current(ctx.shop.shop, type);
        return op ? bulkOperationObject(op) : null;
      },
    },
    {
      root: "Mutation",
      name: "bulkOperationRunQuery",
      returns: "BulkOperationRunQueryPayload",
      requiredArguments: ["query"],
      cost: 10,
      resolve: (args, ctx) => {
        // Grouped JSONL was the default before API 2026-01.
        const groupObjects =
          typeof args.groupObjects === "boolean" ? args.groupObjects : ctx.apiVersion < "2026-01" && ctx.apiVersion !== "unstable";
        const result = ctx.bulk.run(ctx.shop, { query: String(args.query), groupObjects, apiVersion: ctx.apiVersion });
        if (!result.ok) return { bulkOperation: null, userErrors: [{ __typename: "BulkOperationUserError", ...result.userError }] };
        return { bulkOperation: bulkOperationObject(result.op), userErrors: [] };
      },
    },
    {
      root: "Mutation",
      name: "bulkOperationRunMutation",
      returns: "BulkOperationRunMutationPayload",
      requiredArguments: ["mutation", "stagedUploadPath"],
      cost: 10,
      resolve: async (args, ctx) => {
        const fail = (field: string[] | null, message: string, code: string) => ({
          bulkOperation: null,
          userErrors: [{ __typename: "BulkMutationUserError", field, message, code }],
        });
        const stagedUploadPath = String(args.stagedUploadPath);
        const upload = ctx.uploads.uploaded(ctx.shop.shop, stagedUploadPath);
        if (!upload?.filePath) {
          const message =
            "The JSONL file could not be found. Try uploading the file again, and check that you've entered the URL correctly " +
            "for the stagedUploadPath mutation argument.";
          return fail(["stagedUploadPath"], message, "NO_SUCH_FILE");
        }
        const clientIdentifier = typeof args.clientIdentifier === "string" ? args.clientIdentifier : null;
        const result = await ctx.bulk.runMutation(ctx.shop, {
          mutation: String(args.mutation),
          variablesFile: upload.filePath,
          stagedUploadPath,
          clientIdentifier,
          apiVersion: ctx.apiVersion,
        });
        if (!result.ok) return fail(result.userError.field, result.userError.message, result.userError.code);
        return { bulkOperation: bulkOperationObject(result.op), userErrors: [] };
      },
    },
    {
      root: "Mutation",
      name: "bulkOperationCancel",
      returns: "BulkOperationCancelPayload",
      requiredArguments: ["id"],
      cost: 10,
      resolve: (args, ctx) => {
        parseGid(args.id);
        const op = ctx.bulk.find(ctx.shop.shop, String(args.id));
        if (!op) return { bulkOperation: null, userErrors: [userError(["id"], "Bulk operation does not exist")] };
        const error = ctx.bulk.cancel(op);
        return { bulkOperation: bulkOperationObject(op), userErrors: error ? [userError(null, error)] : [] };
      },
    },
  ],
  types: {
    BulkOperation: {
      id: "ID",
      type: "BulkOperationType",
      status: "BulkOperationStatus",
      errorCode: "BulkOperationErrorCode",
      objectCount: "UnsignedInt64",
      rootObjectCount: "UnsignedInt64",
      fileSize: "UnsignedInt64",
      url: "URL",
      partialDataUrl: "URL",
      query: "String",
      createdAt: "DateTime",
      completedAt: "DateTime",
    },
    BulkOperationRunQueryPayload: { bulkOperation: "BulkOperation", userErrors: "BulkOperationUserError" },
    BulkOperationUserError: { field: "String", message: "String", code: "BulkOperationUserErrorCode" },
    BulkOperationRunMutationPayload: { bulkOperation: "BulkOperation", userErrors: "BulkMutationUserError" },
    BulkMutationUserError: { field: "String", message: "String", code: "BulkMutationErrorCode" },
    BulkOperationCancelPayload: { bulkOperation: "BulkOperation", userErrors: "UserError" },
  },
  interfaces: { Node: ["BulkOperation"] },
};
