// stagedUploadsCreate: upload targets on the double's own origin (../staged-uploads.ts keeps them and the
// files; ../handlers/staged-uploads.ts takes the multipart POST). The double stages bulk mutation
// variables only, the one resource the app uploads.
import { shopNumericId, userError } from "./common";
import { FieldError, type ApiSlice } from "./registry";

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

export const stagedUploadsSlice: ApiSlice = {
  fields: [
    {
      root: "Mutation",
      name: "stagedUploadsCreate",
      returns: "StagedUploadsCreatePayload",
      requiredArguments: ["input"],
      cost: 10,
      resolve: (args, ctx) => {
        if (!Array.isArray(args.input))
          throw new FieldError(
            "Argument 'input' on Field 'stagedUploadsCreate' has an invalid value. Expected type '[StagedUploadInput!]!'.",
            {
              code: "argumentLiteralsIncompatible",
            },
          );
        const inputs = args.input.map((raw) => (raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {}));
        const errors = inputs.flatMap((input, i) => {
          const at = (field: string) => ["input", String(i), field];
          const resource = text(input.resource);
          if (resource !== "BULK_MUTATION_VARIABLES")
            return [
              userError(at("resource"), `The Admin API double stages only BULK_MUTATION_VARIABLES uploads, not ${resource || "nothing"}.`),
            ];
          if (text(input.filename) === "") return [userError(at("filename"), "Filename can't be blank")];
          if (text(input.mimeType) === "") return [userError(at("mimeType"), "Mime type can't be blank")];
          if (input.httpMethod != null && input.httpMethod !== "POST")
            return [userError(at("httpMethod"), "Bulk mutation variables can only be uploaded with POST.")];
          return [];
        });
        if (errors.length > 0) return { stagedTargets: [], userErrors: errors };
        const shopId = shopNumericId(ctx.shop.shop);
        const stagedTargets = inputs.map((input) =>
          ctx.uploads.create(ctx.shop.shop, shopId, {
            resource: text(input.resource),
            filename: text(input.filename),
            mimeType: text(input.mimeType),
          }),
        );
        return { stagedTargets, userErrors: [] };
      },
    },
  ],
  types: {
    StagedUploadsCreatePayload: { stagedTargets: "StagedMediaUploadTarget", userErrors: "UserError" },
    StagedMediaUploadTarget: { url: "URL", resourceUrl: "URL", parameters: "StagedUploadParameter" },
    StagedUploadParameter: { name: "String", value: "String" },
  },
};
