// A minimal theme-like product page holding the four rendered blocks, served by a tiny node:http server for
// the browser test. Shopify wraps each app block in a div#shopify-block-<id> and loads a block schema's
// stylesheet in <head> and its javascript with `defer`; the page does the same. Images answer after a delay,
// so a box without reserved dimensions would visibly move the content below it.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { appData, catalog, memberMidway } from "./fixtures.ts";
import { ASSETS_DIR, BLOCK_NAMES, blockSchema, createEngine, renderBlock, type BlockName } from "./liquid-harness.ts";

export const IMAGE_DELAY_MS = 400;

export interface RenderedPage {
  html: string;
  blocks: Record<BlockName, string>;
}

function wrap(name: BlockName, html: string): string {
  return `<div id="shopify-block-${name}" class="shopify-block shopify-app-block">${html}</div>`;
}

function pageHtml(options: { title: string; head?: string; before?: string; blocks: string[] }): string {
  const assets = new Set<string>();
  const scripts = new Set<string>();
  for (const name of BLOCK_NAMES) {
    const schema = blockSchema(name);
    if (schema.stylesheet) assets.add(schema.stylesheet);
    if (schema.javascript) scripts.add(schema.javascript);
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#222}main{max-width:960px;margin:0 auto;padding:1rem}header{padding:1rem;border-bottom:1px solid #ddd}</style>
${[...assets].map((file) => `<link rel="stylesheet" href="/assets/${file}">`).join("\n")}
${[...scripts].map((file) => `<script src="/assets/${file}" defer></script>`).join("\n")}
${options.head ?? ""}
</head>
<body>
<header><strong>Demo coffee shop</strong></header>
<main>
${options.before ?? ""}
<h1>Espresso machine</h1>
<p>$123.45</p>
${options.blocks.join("\n")}
<footer><p>Footer text that moves if anything above it changes size.</p></footer>
</main>
</body>
</html>`;
}

/** The product page of a Silver member, 40 % of the way to Gold, with every block on it. */
export async function renderThemePage(): Promise<RenderedPage> {
  const engine = createEngine();
  const { machine } = catalog();
  const context = { appData: appData({ holdoutShare: null }), customer: memberMidway(), product: machine };
  const blocks = {} as Record<BlockName, string>;
  for (const name of BLOCK_NAMES) blocks[name] = await renderBlock(engine, name, { ...context, blockId: name.replace(/-/g, "") });
  const html = pageHtml({ title: "Espresso machine", blocks: BLOCK_NAMES.map((name) => wrap(name, blocks[name])) });
  return { html, blocks };
}

/**
 * The control page: what the measurements must catch. An image without width and height above the content,
 * and a classic <script> in <head>.
 */
export function controlPage(): string {
  return pageHtml({
    title: "Control",
    head: '<script src="/blocking.js"></script>',
    before: '<img src="/images/control.svg" alt="">',
    blocks: [],
  });
}

function svg(name: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" viewBox="0 0 800 600"><rect width="800" height="600" fill="#c8a27a"/><text x="40" y="320" font-size="48" fill="#3b2a1a">${name}</text></svg>`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export interface ThemeServer {
  baseUrl: string;
  /** Bodies POSTed to /cart/add, as URLSearchParams. */
  cartAdds: URLSearchParams[];
  close(): Promise<void>;
}

export async function startThemeServer(page: RenderedPage): Promise<ThemeServer> {
  const cartAdds: URLSearchParams[] = [];
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page.html);
    } else if (url.pathname === "/control") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(controlPage());
    } else if (url.pathname === "/blocking.js") {
      response.writeHead(200, { "content-type": "text/javascript" }).end("window.__blocking = true;");
    } else if (url.pathname.startsWith("/assets/") && existsSync(path.join(ASSETS_DIR, path.basename(url.pathname)))) {
      const file = path.basename(url.pathname);
      const type = file.endsWith(".css") ? "text/css" : "text/javascript";
      response.writeHead(200, { "content-type": type }).end(readFileSync(path.join(ASSETS_DIR, file)));
    } else if (url.pathname.startsWith("/images/")) {
      await new Promise((resolve) => setTimeout(resolve, IMAGE_DELAY_MS));
      response.writeHead(200, { "content-type": "image/svg+xml" }).end(svg(path.basename(url.pathname, ".svg")));
    } else if (url.pathname === "/cart/add" && request.method === "POST") {
      cartAdds.push(new URLSearchParams(await readBody(request)));
      response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>Cart</title><p>Added to cart</p>");
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    cartAdds,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
