// Client benchmark (not a test; tools/bench client runs it): what a first visit downloads and
// how long until the first usable frame, in headless Chromium against our server on 127.0.0.1.
//
//   node bench_client.mjs [--server PATH] [--web-root DIR] [--runs N]
//
// Each run is a fresh browser context (empty cache, as a first visit). Bytes are counted as they
// came over the wire (Playwright's request.sizes(): encoded body plus response headers), so
// the server's gzip counts; the decoded size is shown beside. Time is window.pcsReadyMs: from
// navigation start to the client's first frame (the sign-in card drawn), per pixel ratio.
// Prints a table and a last line `client: key=value ...` for tools/bench's summary.

import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { kReadyTimeoutMs, kSkipped, launchBrowser, parseArgs, startServer } from "./harness.mjs";

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function visit(browser, base, pixelRatio) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 }, deviceScaleFactor: pixelRatio, locale: "zh-CN",
  });
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    return url.origin === base || url.protocol === "data:" ? route.fallback() : route.abort();
  });
  const page = await context.newPage();
  const responses = [];
  page.on("response", (response) => responses.push(response));
  // Start-up steps the client logs: "WebGL context in N ms" (client/main.cpp), "fonts ready in
  // N ms" (the atlas, client/app.cpp), "first frame took N ms" (main.cpp).
  const steps = { context: null, atlas: null, frame: null };
  page.on("console", (message) => {
    const m = /(WebGL context in|fonts ready in|first frame took) (\d+) ms/.exec(message.text());
    if (m) {
      steps[{ "WebGL context in": "context", "fonts ready in": "atlas",
              "first frame took": "frame" }[m[1]]] = Number(m[2]);
    }
  });
  await page.goto(`${base}/`, { waitUntil: "load" });
  await page.waitForFunction(() => window.pcsReady === true || !!window.pcsFailed, null,
                             { timeout: kReadyTimeoutMs, polling: 50 });
  const { readyMs, runtimeMs, downloadsMs } = await page.evaluate(() => ({
    readyMs: window.pcsReadyMs ?? null,
    runtimeMs: window.pcsRuntimeMs ?? null,  // WebAssembly compiled, main() about to run
    // When the last of the program and the font had arrived (ms after navigation start).
    downloadsMs: Math.max(...performance.getEntriesByType("resource")
      .filter((e) => /pcs_client\.wasm|pcs-font\.otf/.test(e.name)).map((e) => e.responseEnd)),
  }));
  if (readyMs === null) throw new Error("the client showed an error instead of its first frame");
  const files = [];
  for (const response of responses) {
    const url = new URL(response.url());
    if (url.protocol === "data:") continue;
    const sizes = await response.request().sizes();
    const body = await response.body().catch(() => Buffer.alloc(0));
    files.push({
      path: url.pathname, status: response.status(),
      encoding: response.headers()["content-encoding"] ?? "-",
      wire: sizes.responseBodySize + sizes.responseHeadersSize,
      body: sizes.responseBodySize, decoded: body.length,
    });
  }
  await context.close();
  return { readyMs, runtimeMs, downloadsMs, steps, files };
}

async function main() {
  const args = parseArgs([]);
  const argv = process.argv.slice(2);
  let runs = 5;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--server") args.server = path.resolve(argv[++i]);
    else if (argv[i] === "--web-root") args.webRoot = path.resolve(argv[++i]);
    else if (argv[i] === "--runs") runs = Math.max(1, Number(argv[++i]));
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!existsSync(path.join(args.webRoot, "pcs_client.js"))) {
    console.log(`client bench skipped: no browser client in ${args.webRoot} (tools/build)`);
    return kSkipped;
  }
  const server = await startServer({ server: args.server, webRoot: args.webRoot, demo: false });
  const browser = await launchBrowser();
  const summary = {};
  try {
    let first = null;
    for (const ratio of [1, 2]) {
      const times = [];
      for (let run = 0; run < runs; run++) {
        const result = await visit(browser, server.base, ratio);
        times.push(result.readyMs);
        first ??= result;
        const ms = (value) => (value === null ? "?" : `${Math.round(value)} ms`);
        console.log(`  x${ratio} run ${run + 1}: wasm and font in by ${ms(result.downloadsMs)}, ` +
                    `main() at ${ms(result.runtimeMs)}, WebGL context ${ms(result.steps.context)}, ` +
                    `font atlas ${ms(result.steps.atlas)}, frame ${ms(result.steps.frame)}, ` +
                    `first frame at ${ms(result.readyMs)} ` +
                    `(load average ${os.loadavg()[0].toFixed(1)})`);
      }
      const list = times.map((t) => Math.round(t)).join(", ");
      console.log(`pixel ratio ${ratio}: first frame after ${list} ms ` +
                  `(median ${Math.round(median(times))}, max ${Math.round(Math.max(...times))})`);
      summary[`ready_ms_median_x${ratio}`] = Math.round(median(times));
      summary[`ready_ms_max_x${ratio}`] = Math.round(Math.max(...times));
    }
    console.log("\nfirst visit downloads (pixel ratio 1, first run):");
    console.log("  status  encoding  over the wire   body decoded   path");
    let wire = 0;
    let decoded = 0;
    for (const f of first.files) {
      wire += f.wire;
      decoded += f.decoded;
      console.log(`  ${String(f.status).padEnd(6)}  ${f.encoding.padEnd(8)}  ` +
                  `${kib(f.wire).padStart(13)}  ` +
                  `${kib(f.decoded).padStart(13)}   ${f.path}`);
    }
    console.log(`  total: ${kib(wire)} over the wire (${(wire / 1048576).toFixed(2)} MiB), ` +
                `${kib(decoded)} decoded, ${first.files.length} requests`);
    summary.requests = first.files.length;
    summary.wire_bytes = wire;
    summary.decoded_bytes = decoded;
  } finally {
    await browser.close();
    await server.stop();
  }
  console.log(`client: ${Object.entries(summary).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  return 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(`client bench failed: ${error.stack || error}`);
  process.exit(1);
});
