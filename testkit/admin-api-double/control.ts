// The control API over HTTP, for the CLI and the demo (tests use the in-process `control` object):
//
//   GET    /__control/shops                      shops and their tokens
//   POST   /__control/shops                      add a shop: ShopInput
//   POST   /__control/scopes                     { shop, scopes }
//   POST   /__control/throttle                   { shop?, maximumAvailable?, restoreRate?, currentlyAvailable?, cost? }
//   GET    /__control/throttle?shop=             the bucket now
//   POST   /__control/fail-next                  { status: 429|500|502|503|504|"reset"|"timeout", count?, retryAfter?, shop?, delayMs? }
//   POST   /__control/cut-bulk-download          { bytes, times? }
//   POST   /__control/bulk                       { shop?, runningAfterMs?, completeAfterMs?, maxConcurrent?, failNext? }
//   GET    /__control/bulk-operations?shop=
//   GET    /__control/metafields?shop=&ownerId=
//   GET    /__control/tags?shop=&id=
//   GET    /__control/requests?since=<seq>       request log;  DELETE clears it
//   GET    /__control/webhooks                   deliveries made
//   POST   /__control/webhooks                   send a signed webhook: { shop, topic, body | rawBody, eventId?, webhookId? }
//   POST   /__control/webhook-target             { appUrl, apiSecret, apiVersion?, retries? } or null
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AdminApiDoubleControl } from "./server";

interface Helpers {
  readBody: (req: IncomingMessage) => Promise<Buffer>;
  json: (res: ServerResponse, status: number, body: unknown) => void;
}

export async function handleControlRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  control: AdminApiDoubleControl,
  h: Helpers,
): Promise<void> {
  const route = `${req.method} ${url.pathname.replace(/^\/__control/, "")}`;
  const q = (name: string) => url.searchParams.get(name) ?? undefined;
  const body = async () => {
    const raw = (await h.readBody(req)).toString("utf8");
    return raw.trim() === "" ? {} : JSON.parse(raw);
  };
  try {
    switch (route) {
      case "GET /shops":
        return h.json(res, 200, control.shops());
      case "POST /shops":
        control.addShop(await body());
        return h.json(res, 200, { ok: true });
      case "POST /scopes": {
        const b = await body();
        control.setScopes(b.shop, b.scopes);
        return h.json(res, 200, { ok: true });
      }
      case "POST /throttle":
        control.setThrottle(await body());
        return h.json(res, 200, { ok: true });
      case "GET /throttle":
        return h.json(res, 200, control.throttleStatus(q("shop") ?? ""));
      case "POST /fail-next":
        control.failNext(await body());
        return h.json(res, 200, { ok: true });
      case "DELETE /fail-next":
        control.clearFailures();
        return h.json(res, 200, { ok: true });
      case "POST /cut-bulk-download": {
        const b = await body();
        control.cutBulkDownloadAfter(Number(b.bytes), { times: b.times });
        return h.json(res, 200, { ok: true });
      }
      case "POST /bulk":
        control.setBulk(await body());
        return h.json(res, 200, { ok: true });
      case "GET /bulk-operations":
        return h.json(res, 200, control.bulkOperations(q("shop")));
      case "GET /metafields":
        return h.json(res, 200, control.getMetafields(q("shop") ?? "", q("ownerId")));
      case "GET /tags":
        return h.json(res, 200, control.getTags(q("shop") ?? "", q("id") ?? ""));
      case "GET /requests": {
        const since = Number(q("since") ?? 0);
        return h.json(
          res,
          200,
          control.requests.filter((r) => r.seq > since),
        );
      }
      case "DELETE /requests":
        control.clearRequests();
        return h.json(res, 200, { ok: true });
      case "GET /webhooks":
        return h.json(res, 200, control.webhookDeliveries);
      case "POST /webhooks": {
        const b = await body();
        const deliveries = await control.sendWebhook({
          shop: b.shop,
          topic: b.topic,
          body: b.body,
          rawBody: b.rawBody,
          eventId: b.eventId,
          webhookId: b.webhookId,
        });
        return h.json(res, 200, deliveries);
      }
      case "POST /webhook-target": {
        const b = await body();
        control.setWebhookTarget(b && b.appUrl ? b : null);
        return h.json(res, 200, { ok: true });
      }
      default:
        return h.json(res, 404, { error: `no control route ${route}` });
    }
  } catch (error) {
    return h.json(res, 400, { error: (error as Error).message });
  }
}
