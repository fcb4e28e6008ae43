// POST /staged-uploads/: the storage bucket behind stagedUploadsCreate's targets. Takes a multipart form
// (the target's parameters, then the file), answers like the bucket (201 PostResponse XML, or an XML
// error), and logs the request (operation "staged-upload"). Injected faults with route "upload" apply.
import type { IncomingMessage, ServerResponse } from "node:http";
import { logRequest, type DoubleState } from "../double-state";
import { answerInjectedFault } from "./faults";

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (status === 204) {
    res.writeHead(204).end();
    return;
  }
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

export async function handleStagedUpload(state: DoubleState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const entry = {
    method: "POST",
    path: req.url ?? "",
    apiVersion: null,
    shop: null,
    operationName: "staged-upload",
    rootFields: [],
    requestedQueryCost: null,
    throttleStatus: null,
  };
  if (await answerInjectedFault(state, req, res, entry, { route: "upload", phase: "early" })) return;
  // Room for the form's other fields around the largest file accepted; a larger body is read to its end
  // (so that the client gets the answer) but not kept.
  const limit = state.uploads.maxBytes + 64 * 1024;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  if (size > limit) {
    logRequest(state, { ...entry, httpStatus: 400, outcome: "bad-request" });
    const xml =
      "<?xml version='1.0' encoding='UTF-8'?><Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size.</Message></Error>";
    return send(res, 400, "application/xml; charset=UTF-8", xml);
  }
  const body = Buffer.concat(chunks);
  let form: FormData;
  try {
    const contentType = String(req.headers["content-type"] ?? "");
    form = await new Request("http://double.local/", { method: "POST", headers: { "content-type": contentType }, body }).formData();
  } catch {
    logRequest(state, { ...entry, httpStatus: 400, outcome: "bad-request" });
    const xml =
      "<?xml version='1.0' encoding='UTF-8'?><Error><Code>InvalidArgument</Code><Message>Invalid multipart form.</Message></Error>";
    return send(res, 400, "application/xml; charset=UTF-8", xml);
  }
  const answer = await state.uploads.accept([...form.entries()]);
  const key = form.get("key");
  const shop = typeof key === "string" ? (state.uploads.uploads.get(key)?.shop ?? null) : null;
  logRequest(state, { ...entry, shop, httpStatus: answer.status, outcome: answer.status < 300 ? "ok" : "bad-request" });
  send(res, answer.status, answer.contentType, answer.body);
}
