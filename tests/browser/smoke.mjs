// Browser smoke test: the built client starts in headless Chromium, served by our own server.
//
//   node smoke.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]
//
// Starts build/server/pcs-server on 127.0.0.1 (harness.mjs: a free port, a temporary --data
// folder, no demo data), opens the page at device pixel ratios 1 and 2 and, for each, checks:
//   * the client draws its first frame (window.pcsReady) in time,
//   * the page reports no uncaught error, console error, failed or refused request,
//   * the loading indicator is gone and no error card is shown,
//   * the client's (WebAssembly) calendar answer for today equals the server's (native) one.
// A screenshot per ratio goes to out/ (smoke.png, smoke@2x.png) whether the test passes or not.

import path from "node:path";

import { expect, runSuite, sleep } from "./harness.mjs";

// Today's date in China Standard Time (UTC+8, no daylight saving), as YYYY-MM-DD.
function cstToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function checkRatio(ratio) {
  return [`first screen at pixel ratio ${ratio}`, async ({ open, server, args }) => {
    const app = await open({ pixelRatio: ratio });
    try {
      const state = await app.page.evaluate(() => ({
        readyMs: window.pcsReadyMs,
        loadingHidden: document.getElementById("loading").hidden,
        errorShown: !document.getElementById("error").hidden,
        today: window.pcsToday,
      }));
      console.log(`smoke: [ratio ${ratio}] first frame ${Math.round(state.readyMs)} ms after ` +
                  "navigation start");
      expect(state.loadingHidden, "loading indicator still shown");
      expect(!state.errorShown, "error card shown");

      // The same date through two builds of common/: WebAssembly in the page, native in the
      // server.
      const today = state.today;
      expect(today, "window.pcsToday not set");
      expect(today.date === cstToday(), `client says today is ${today.date}, CST ${cstToday()}`);
      const answer = await (await fetch(`${server.base}/api/v1/calendar/${today.date}`)).json();
      expect(answer.kind === today.kind && answer.working === today.working &&
             answer.provisional === today.provisional,
             `client ${JSON.stringify(today)} != server ${JSON.stringify(answer)}`);
    } finally {
      await sleep(300);  // a few more frames, so the screenshot shows the settled screen
      await app.screenshot(path.join(args.out, ratio === 1 ? "smoke.png" : `smoke@${ratio}x.png`));
    }
  }];
}

runSuite("smoke", { demo: false }, [checkRatio(1), checkRatio(2)]);
