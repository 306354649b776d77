// Browser test: the page's start-up (web/loader.js): a loading indicator until the first
// frame, and a message in Chinese instead of a blank page when the server cannot be reached or
// the program does not load.
//
//   node startup.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]

import { expect, poll, runSuite, sleep, startServer } from "./harness.mjs";

// What the page shows: loading indicator, canvas, error card (visible or not, and its text).
function pageState(app) {
  return app.page.evaluate(() => {
    const shown = (id) => {
      const el = document.getElementById(id);
      return !el.hidden && getComputedStyle(el).display !== "none" && el.offsetWidth > 0;
    };
    return {
      loading: shown("loading"), canvas: shown("canvas"), error: shown("error"),
      errorText: document.getElementById("error").innerText, ready: window.pcsReady === true,
    };
  });
}

// Opens the page with `route` applied to requests matching `pattern`, and waits for the error.
async function openFailing(open, pattern, route) {
  const app = await open({
    waitReady: false, allowErrors: true,
    beforeGoto: (page) => page.route(pattern, route),
  });
  return poll(() => pageState(app), (s) => s.error, "error card shown", 30_000)
    .then((state) => ({ app, state }));
}

runSuite("startup", { demo: false }, [
  ["a loading indicator shows until the first frame", async ({ open }) => {
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    const app = await open({
      waitReady: false,
      // The WebAssembly is held back until the indicator was seen.
      beforeGoto: (page) => page.route("**/pcs_client.wasm", async (route) => {
        await held;
        await route.fallback();
      }),
    });
    const loading = await pageState(app);
    expect(loading.loading && !loading.ready && !loading.error,
           `while loading: ${JSON.stringify(loading)}`);
    const text = await app.page.locator("#loading").innerText();
    expect(text.includes("正在加载"), `loading text ${JSON.stringify(text)}`);
    release();
    await app.waitReady();
    const ready = await pageState(app);
    expect(!ready.loading && ready.canvas && !ready.error,
           `after first frame: ${JSON.stringify(ready)}`);
  }],

  ["an unreachable server gets a message, not a blank page", async ({ open }) => {
    const { app, state } = await openFailing(open, "**/api/v1/health",
                                             (route) => route.abort("connectionrefused"));
    expect(state.errorText.includes("无法连接服务器"), `error text: ${state.errorText}`);
    expect(!state.loading && !state.canvas, `page state: ${JSON.stringify(state)}`);
    await sleep(1000);  // and the client never starts behind the message
    const later = await pageState(app);
    expect(!later.ready && later.error, `the client started anyway: ${JSON.stringify(later)}`);
  }],

  ["a server that answers health with an error gets the message too", async ({ open }) => {
    const { state } = await openFailing(open, "**/api/v1/health", (route) =>
      route.fulfill({ status: 503, contentType: "application/json", body: '{"error":"down"}' }));
    expect(state.errorText.includes("无法连接服务器") && state.errorText.includes("503"),
           `error text: ${state.errorText}`);
  }],

  ["a program that fails to download gets a message", async ({ open }) => {
    const { state } = await openFailing(open, "**/pcs_client.wasm",
                                        (route) => route.abort("failed"));
    expect(state.errorText.includes("系统程序加载失败"), `error text: ${state.errorText}`);
    expect(!state.loading && !state.canvas, `page state: ${JSON.stringify(state)}`);
  }],

  ["a server stopped after serving the page gets a message", async ({ args, open }) => {
    // A second server serves the page, the program and the font; the health check is held
    // until all three have arrived and that server has been stopped, and then goes out for
    // real and finds nobody listening.
    const second = await startServer({ server: args.server, webRoot: args.webRoot });
    let stopped = null;
    try {
      const app = await open({
        server: second, waitReady: false, allowErrors: true,
        beforeGoto: async (page) => {
          const arrived = Promise.all(["pcs_client.wasm", "pcs-font.otf"].map(
            (file) => page.waitForEvent("requestfinished", {
              predicate: (request) => request.url().endsWith(`/${file}`), timeout: 30_000,
            })));
          await page.route("**/api/v1/health", async (route) => {
            await arrived;
            stopped ??= second.stop();
            await stopped;
            await route.fallback();
          });
        },
      });
      const state = await poll(() => pageState(app), (s) => s.error, "error card shown", 30_000);
      expect(state.errorText.includes("无法连接服务器"), `error text: ${state.errorText}`);
      expect(!state.ready && !state.canvas, `page state: ${JSON.stringify(state)}`);
    } finally {
      await (stopped ?? second.stop());
    }
  }],
]);
