// Staged uploads: stagedUploadsCreate hands out a target on the double's own origin with the form
// parameters Shopify's storage bucket wants (key, policy, signature…); the app POSTs a multipart form
// there (parameters first, the file last); the file is kept under its key, which bulkOperationRunMutation
// then takes as its stagedUploadPath. The storage answers like Google Cloud Storage (XML errors).
import { createHash, createHmac, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface StagedUpload {
  key: string;
  shop: string;
  resource: string;
  filename: string;
  mimeType: string;
  createdAt: string;
  /** The signed form values the upload must send back unchanged. */
  policy: string;
  signature: string;
  /** Set once the file has been uploaded. */
  filePath: string | null;
  size: number | null;
  uploadedAt: string | null;
}

export interface StagedTarget {
  url: string;
  resourceUrl: string;
  parameters: { name: string; value: string }[];
}

export interface UploadAnswer {
  status: number;
  contentType: string;
  body: string;
}

const xmlError = (status: number, code: string, message: string): UploadAnswer => ({
  status,
  contentType: "application/xml; charset=UTF-8",
  body: `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
});

const BUCKET = "shopify-staged-uploads";

export class StagedUploadStore {
  readonly uploads = new Map<string, StagedUpload>();
  /** Signs the policies this double hands out (a fresh secret per double). */
  private readonly secret = randomUUID();
  private readonly dir: string;

  constructor(private readonly deps: { dataDir: string; origin: () => string; maxBytes: number }) {
    this.dir = path.join(deps.dataDir, "staged-uploads");
  }

  get maxBytes(): number {
    return this.deps.maxBytes;
  }

  /** A new target for one file of `shop` (numeric id `shopId`). */
  create(shop: string, shopId: number, input: { resource: string; filename: string; mimeType: string }): StagedTarget {
    const key = `tmp/${shopId}/bulk/${randomUUID()}/${input.filename}`;
    const now = new Date();
    const date = now
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d+Z$/, "Z");
    const expiration = new Date(now.getTime() + 7 * 86_400_000).toISOString();
    const conditions = [
      { bucket: BUCKET },
      { key },
      { "Content-Type": input.mimeType },
      { success_action_status: "201" },
      { acl: "private" },
      ["content-length-range", 1, this.deps.maxBytes],
    ];
    const policy = Buffer.from(JSON.stringify({ expiration, conditions })).toString("base64");
    const signature = createHmac("sha256", this.secret).update(policy).digest("hex");
    this.uploads.set(key, {
      key,
      shop,
      resource: input.resource,
      filename: input.filename,
      mimeType: input.mimeType,
      createdAt: now.toISOString(),
      policy,
      signature,
      filePath: null,
      size: null,
      uploadedAt: null,
    });
    const url = `${this.deps.origin()}/staged-uploads/`;
    return {
      url,
      resourceUrl: `${url}${key}`,
      parameters: [
        { name: "Content-Type", value: input.mimeType },
        { name: "success_action_status", value: "201" },
        { name: "acl", value: "private" },
        { name: "key", value: key },
        { name: "x-goog-date", value: date },
        {
          name: "x-goog-credential",
          value: `merchant-assets@shopify-tiers.iam.gserviceaccount.com/${date.slice(0, 8)}/auto/storage/goog4_request`,
        },
        { name: "x-goog-algorithm", value: "GOOG4-RSA-SHA256" },
        { name: "x-goog-signature", value: signature },
        { name: "policy", value: policy },
      ],
    };
  }

  /**
   * Takes an upload form's entries in order. Like the bucket, fields after the file are ignored; the
   * policy and signature must be the ones handed out for the key, the Content-Type the one declared.
   */
  async accept(entries: [string, FormDataEntryValue][]): Promise<UploadAnswer> {
    const fields = new Map<string, string>();
    let file: Blob | null = null;
    for (const [name, value] of entries) {
      if (name === "file") {
        file = typeof value === "string" ? new Blob([value]) : value;
        break;
      }
      if (typeof value === "string") fields.set(name, value);
    }
    const key = fields.get("key");
    if (!key) return xmlError(400, "InvalidArgument", "Invalid argument. POST object expects a key field before the file.");
    const upload = this.uploads.get(key);
    if (!upload || fields.get("policy") !== upload.policy || fields.get("x-goog-signature") !== upload.signature)
      return xmlError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
    if (fields.get("Content-Type") !== upload.mimeType)
      return xmlError(
        403,
        "AccessDenied",
        `Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "${upload.mimeType}"]`,
      );
    if (!file) return xmlError(400, "InvalidArgument", "Invalid argument. POST object expects a file field.");
    if (file.size > this.deps.maxBytes || file.size < 1)
      return xmlError(400, "EntityTooLarge", "Your proposed upload is outside the allowed size range of the policy.");
    const bytes = Buffer.from(await file.arrayBuffer());
    mkdirSync(this.dir, { recursive: true });
    const filePath = path.join(this.dir, `${randomUUID()}-${path.basename(upload.filename)}`);
    writeFileSync(filePath, bytes);
    Object.assign(upload, { filePath, size: bytes.length, uploadedAt: new Date().toISOString() });
    const etag = createHash("md5").update(bytes).digest("hex");
    const location = `${this.deps.origin()}/staged-uploads/${key}`;
    return {
      status: fields.get("success_action_status") === "201" ? 201 : 204,
      contentType: "application/xml; charset=UTF-8",
      body:
        `<?xml version='1.0' encoding='UTF-8'?><PostResponse><Location>${location}</Location><Bucket>${BUCKET}</Bucket>` +
        `<Key>${key}</Key><ETag>"${etag}"</ETag></PostResponse>`,
    };
  }

  /** The uploaded file of `shop` under `key`, or null (no such target, another shop's, or not uploaded yet). */
  uploaded(shop: string, key: string): StagedUpload | null {
    const upload = this.uploads.get(key);
    return upload && upload.shop === shop && upload.filePath ? upload : null;
  }
}
