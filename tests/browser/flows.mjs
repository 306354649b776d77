// Browser flow tests: the real client in headless Chromium against a real server with the demo
// city, driven with real mouse and keyboard events at the places the client says it drew its
// widgets (window.pcsWidget, client/test_hooks.h).
//
//   node flows.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]
//
// Tests (each saves a screenshot to out/flows-<name>-failed.png when it fails, and the screens
// it passes through to out/flows-<name>-<step>.png for review):
//   keyboard-login    Tab and Enter sign in without the mouse; a wrong password is refused
//   lifecycle         a clerk registers a complaint typed through the input-method path, the
//                     dispatcher dispatches it, the street office accepts and resolves it and
//                     co-signs, county housing co-signs and submits it, the city reviewer
//                     approves: closed; the card moves between board columns on the way
//   drill-down        an overdue case found from the city through county, handler and company
//   no-right          a user without the right sees no action button and the server refuses
//   meeting           meeting mode: a view per county (or handler), arrow keys, Escape leaves
//   bulletins         a county head drafts and publishes the red/black list; the public page
//                     lists it
//   weekly-report     the discipline commission issues last week's package and opens a case
//                     of its overdue list
//   session-expiry    a session ended on the server brings the user back to the sign-in card
//
// Exit status: 0 passed, 1 failed, 77 skipped (no web build). Every request goes to 127.0.0.1.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const kHere = path.dirname(fileURLToPath(import.meta.url));
const kRoot = path.resolve(kHere, "../..");
const kPassword = "demo-2025-pcs";
const kSkipped = 77;
const kWidgetTimeoutMs = 20_000;

const args = (() => {
  const a = {
    server: path.join(kRoot, "build/server/pcs-server"),
    webRoot: path.join(kRoot, "build-web/web"),
    out: path.join(kHere, "out"),
    only: null,
  };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i];
    if (argv[i] === "--server") a.server = path.resolve(value());
    else if (argv[i] === "--web-root") a.webRoot = path.resolve(value());
    else if (argv[i] === "--out") a.out = path.resolve(value());
    else if (argv[i] === "--only") a.only = value();
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return a;
})();

const log = (m) => console.log(`flows: ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pcs-flows-"));
  const output = [];
  const child = spawn(args.server, ["--host", "127.0.0.1", "--port", String(port),
    "--data", dataDir, "--web-root", args.webRoot], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (c) => output.push(c.toString()));
  child.stderr.on("data", (c) => output.push(c.toString()));
  let exited = null;
  child.once("exit", (code, signal) => { exited = signal ?? code; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;  // the demo city is generated on first start
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`pcs-server exited (${exited}):\n${output.join("")}`);
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) return { child, base, dataDir, output };
    } catch { /* not yet */ }
    await sleep(200);
  }
  throw new Error(`pcs-server did not answer within 120 s:\n${output.join("")}`);
}

async function stopServer(server) {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(child.pid, "SIGTERM");
    if (await Promise.race([exited.then(() => false), sleep(5000).then(() => true)])) {
      process.kill(child.pid, "SIGKILL");
      await exited;
    }
  }
  rmSync(server.dataDir, { recursive: true, force: true });
}

// The API as one user, from node: what the tests check the browser's work against.
class Api {
  constructor(base) { this.base = base; this.cookie = ""; this.csrf = ""; }
  static async as(base, login) {
    const api = new Api(base);
    const r = await fetch(`${base}/api/v1/auth/login`, { method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ login, password: kPassword }) });
    if (!r.ok) throw new Error(`API login ${login}: ${r.status} ${await r.text()}`);
    api.cookie = r.headers.get("set-cookie").split(";")[0];
    api.csrf = (await r.json()).csrf_token;
    return api;
  }
  async get(p) {
    const r = await fetch(this.base + p, { headers: { Cookie: this.cookie } });
    return { status: r.status, json: await r.json().catch(() => null) };
  }
  async patch(p, body) {
    const r = await fetch(this.base + p, { method: "PATCH", body: JSON.stringify(body),
      headers: { Cookie: this.cookie, "X-CSRF-Token": this.csrf,
                 "Content-Type": "application/json" } });
    return { status: r.status, json: await r.json().catch(() => null) };
  }
  async post(p, body) {
    const r = await fetch(this.base + p, { method: "POST", body: JSON.stringify(body),
      headers: { Cookie: this.cookie, "X-CSRF-Token": this.csrf,
                 "Content-Type": "application/json" } });
    return { status: r.status, json: await r.json().catch(() => null) };
  }
}

// One page of the client with helpers that act where the client drew a widget.
class Client {
  constructor(page, name) { this.page = page; this.name = name; this.shot = 0; }
  async widget(name, timeout = kWidgetTimeoutMs) {
    try {
      // The rectangle is read in the same evaluation that found it: a later read could miss
      // a widget drawn in one frame only.
      const handle = await this.page.waitForFunction(
          (n) => window.pcsWidget && window.pcsWidget(n), name, { timeout, polling: 50 });
      return await handle.jsonValue();
    } catch {
      const names = await this.page.evaluate(
          () => window.pcsWidgetNames ? window.pcsWidgetNames() : []);
      throw new Error(`widget ${name} not drawn within ${timeout} ms; drawn: ${names.join(" ")}`);
    }
  }
  async has(name) {
    return this.page.evaluate((n) => !!(window.pcsWidget && window.pcsWidget(n)), name);
  }
  async names(prefix) {
    const all = await this.page.evaluate(
        () => window.pcsWidgetNames ? window.pcsWidgetNames() : []);
    return all.filter((n) => n.startsWith(prefix));
  }
  async gone(name, timeout = kWidgetTimeoutMs) {
    await this.page.waitForFunction((n) => !(window.pcsWidget && window.pcsWidget(n)), name,
                                    { timeout, polling: 50 });
  }
  async click(name) {
    const r = await this.widget(name);
    await this.page.mouse.click(r.x + Math.min(r.w / 2, 40), r.y + r.h / 2);
    await sleep(120);
  }
  async typeInto(name, text) {  // ASCII through the keyboard
    await this.click(name);
    await this.page.keyboard.type(text, { delay: 10 });
  }
  async imeInto(name, text) {   // composed text, the way an input method delivers it
    await this.click(name);
    await this.page.keyboard.insertText(text);
    await sleep(120);
  }
  async snap(step) {
    await this.page.screenshot({ path: path.join(args.out, `flows-${this.name}-${step}.png`) });
  }
  async replaceText(name, text) {  // ASCII, replacing what the field holds
    await this.click(name);
    await this.page.keyboard.press("Control+A");
    await this.page.keyboard.type(text, { delay: 10 });
  }
  async login(login, password = kPassword) {
    await this.replaceText("login.username", login);
    await this.replaceText("login.password", password);
    await this.click("login.submit");
    await this.widget("tab.board");
  }
  async logout() {
    await this.click("app.logout");
    await this.widget("login.username");
  }
  async openCase(id) {
    await this.click("tab.board");
    await this.typeInto("board.open_case", id);
    await this.page.keyboard.press("Enter");
    await this.widget(`case.number.${id}`);
  }
  // Takes an action of the case on screen; `fill` fills the form before it is submitted.
  async act(widgetName, fill) {
    await this.click(widgetName);
    await this.widget("form.submit");
    if (fill) await fill();
    await this.click("form.submit");
    await this.gone("form.submit");
  }
}

async function newClient(browser, base, name, problems) {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1000 },
    deviceScaleFactor: 1, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  const page = await context.newPage();
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.origin === base || url.protocol === "data:") return route.continue();
    problems.push(`blocked a request outside the test server: ${url.href}`);
    return route.abort();
  });
  page.on("pageerror", (e) => problems.push(`uncaught error: ${e.message}`));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.pcsReady === true, null, { timeout: 60_000 });
  return new Client(page, name);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// ---- the tests ----------------------------------------------------------------------------

async function keyboardLogin(browser, base, problems) {
  const c = await newClient(browser, base, "keyboard-login", problems);
  try {
    // A wrong password: refused, still on the sign-in card.
    await c.typeInto("login.username", "c01.clerk");
    await c.page.keyboard.press("Tab");
    await c.page.keyboard.type("wrong-password");
    await c.page.keyboard.press("Enter");
    await sleep(1500);
    expect(!(await c.has("tab.board")), "a wrong password signed in");
    // Now right, without the mouse: field, Tab, field, Enter.
    await c.click("login.password");
    await c.page.keyboard.press("Control+A");
    await c.page.keyboard.type(kPassword);
    await c.page.keyboard.press("Enter");
    await c.widget("tab.board");
    await c.snap("board");
  } catch (e) {
    await c.snap("failed");
    throw e;
  } finally {
    await c.page.context().close();
  }
}

async function lifecycle(browser, base, problems, shared) {
  const admin = await Api.as(base, "admin");
  const c = await newClient(browser, base, "lifecycle", problems);
  const stateOf = async (id) => (await admin.get(`/api/v1/cases/${id}`)).json.case.state;
  const columnOf = async (id, columns) => {
    await c.click("tab.board");
    await c.click("board.search");
    await c.page.keyboard.press("Control+A");  // the search of the previous look
    await c.page.keyboard.insertText("物业漏水");
    await c.page.keyboard.press("Enter");
    const card = await c.widget(`board.card.${id}`);
    for (const col of columns) {
      const r = await c.widget(`board.column.${col}`);
      if (card.x >= r.x - 1 && card.x < r.x + r.w) return col;
    }
    return null;
  };
  try {
    // 1. The clerk registers a phone complaint; the content arrives through insertText.
    await c.login("c01.clerk");
    await c.click("tab.intake");
    await c.imeInto("intake.name", "测试甲");
    await c.typeInto("intake.contact", "15500001234");
    await c.imeInto("intake.estate", "锦绣");
    await c.click("intake.estate.option.0");
    await c.imeInto("intake.content", "物业漏水，楼上卫生间漏水到我家天花板，找物业三次都没人来修");
    await c.widget("intake.suggestion.0");  // routing suggestions follow the text
    await c.snap("intake");
    // The save button sits below the form; scroll the form down to it as a user would.
    const content = await c.widget("intake.content");
    await c.page.mouse.move(content.x + 20, content.y + 10);
    await c.page.mouse.wheel(0, 1500);
    await c.click("intake.submit");
    const numbers = await (async () => {
      for (let i = 0; i < 100; i++) {
        const n = await c.names("case.number.");
        if (n.length) return n;
        await sleep(100);
      }
      return [];
    })();
    expect(numbers.length === 1, "the new case did not open after saving");
    const id = numbers[0].slice("case.number.".length);
    shared.caseId = id;
    const stored = (await admin.get(`/api/v1/cases/${id}`)).json.case;
    expect(stored.content.includes("物业漏水"), `content stored as ${stored.content}`);
    expect(stored.estate_id === "e-1", `estate stored as ${stored.estate_id}`);
    expect(stored.state === "registered", `state ${stored.state}`);
    log(`registered ${id}`);
    expect(!(await c.has("case.action.dispatch")), "an intake clerk was offered dispatch");
    await c.logout();

    // 2. The county dispatcher dispatches it to the street office of the estate.
    await c.login("c01.dispatcher");
    expect(await columnOf(id, ["registered", "dispatched"]) === "registered",
           "the new case is not in the 待分转 column");
    await c.openCase(id);
    await c.act("case.action.dispatch", async () => {
      await c.click("dispatch.target.c01.s01");
      await c.snap("dispatch");
    });
    expect(await stateOf(id) === "dispatched", "dispatch did not reach the server");
    expect(await columnOf(id, ["registered", "dispatched"]) === "dispatched",
           "the card did not move to the 已分转 column");
    await c.snap("board-after-dispatch");
    await c.logout();

    // 3. The street office accepts, resolves and co-signs. Nothing of the dispatcher's visit
    // is left on the screen for the next user (no case tab until they open one).
    await c.login("c01.s01.handler");
    expect(!(await c.has("tab.case")), "the previous user's case was still open");
    await c.openCase(id);
    await c.act("case.action.accept.1");
    expect(await stateOf(id) === "in_progress", "accept did not reach the server");
    await c.act("case.action.resolve.1", async () => {
      await c.imeInto("form.text", "已督促物业维修楼上管道，漏水已止，已电话答复投诉人");
    });
    expect(await stateOf(id) === "resolved", "resolve did not reach the server");
    await c.act("case.action.co_sign_street.1", async () => {
      await c.imeInto("form.text", "情况属实，已处理完毕");
    });
    await c.logout();

    // 4. County housing co-signs and submits for review.
    await c.login("c01.dispatcher");
    await c.openCase(id);
    await c.act("case.action.co_sign_housing.1", async () => {
      await c.imeInto("form.text", "同意办结");
    });
    await c.act("case.action.submit_review.1");
    expect(await stateOf(id) === "under_review", "submit_review did not reach the server");
    await c.logout();

    // 5. The city reviewer approves: the case closes and moves to the 已销号 column.
    await c.login("city.reviewer");
    await c.openCase(id);
    await c.snap("review");
    await c.act("case.action.approve.1");
    expect(await stateOf(id) === "closed", "approve did not close the case");
    expect(await columnOf(id, ["under_review", "closed"]) === "closed",
           "the card did not move to the 已销号 column");
    await c.snap("board-closed");
  } catch (e) {
    await c.snap("failed");
    throw e;
  } finally {
    await c.page.context().close();
  }
}

async function drillDown(browser, base, problems) {
  const api = await Api.as(base, "city.discipline");
  // Find, through the API, an overdue case and the handler and company it sits under.
  const handlers = ["housing", "court", "development_reform", "police", "natural_resources",
    "urban_management", "health", "market_regulation", "hotline_12345", "energy",
    "civil_air_defence", "fire_rescue", "street_office", "community"];
  let target = null;
  for (const h of handlers) {
    const r = await api.get(`/api/v1/cases?overdue=true&county=c01&handler=${h}&order=due&limit=1`);
    if (r.json.items.length) { target = { handler: h, item: r.json.items[0] }; break; }
  }
  expect(target, "the demo city has no overdue case in 东湖区");
  const c = await newClient(browser, base, "drill-down", problems);
  try {
    await c.login("city.discipline");
    await c.click("tab.supervision");
    await c.click("drill.county.c01");
    await c.click(`drill.handler.${target.handler}`);
    await c.click(`drill.company.${target.item.company_id || "-"}`);
    await c.widget(`drill.case.${target.item.id}`);
    await c.snap("cases");
    await c.click(`drill.case.${target.item.id}`);
    await c.widget(`case.number.${target.item.id}`);
    await c.snap("case");
  } catch (e) {
    await c.snap("failed");
    throw e;
  } finally {
    await c.page.context().close();
  }
}

async function noRight(browser, base, problems) {
  const dispatcher = await Api.as(base, "c01.dispatcher");
  const open = await dispatcher.get("/api/v1/cases?state=registered&county=c01&limit=1");
  const id = open.json.items[0].id;
  const c = await newClient(browser, base, "no-right", problems);
  try {
    // The discipline commission reads everything and may do nothing.
    await c.login("city.discipline");
    await c.openCase(id);
    await sleep(300);
    const buttons = await c.names("case.action.");
    expect(buttons.length === 0, `oversight was offered ${buttons.join(", ")}`);
    await c.snap("oversight");
    const refused = await (await Api.as(base, "city.discipline")).post(
        `/api/v1/cases/${id}/actions`,
        { action: "dispatch", targets: [{ unit_id: "c01.s01" }] });
    expect(refused.status === 403, `the server answered ${refused.status} to oversight`);
    await c.logout();

    // An intake clerk sees the case but no dispatch button, and the server refuses it too.
    await c.login("c01.clerk");
    await c.openCase(id);
    expect(!(await c.has("case.action.dispatch")), "an intake clerk was offered dispatch");
    const clerkRefused = await (await Api.as(base, "c01.clerk")).post(
        `/api/v1/cases/${id}/actions`,
        { action: "dispatch", targets: [{ unit_id: "c01.s01" }] });
    expect(clerkRefused.status === 403, `the server answered ${clerkRefused.status} to a clerk`);
    expect((await dispatcher.get(`/api/v1/cases/${id}`)).json.case.state === "registered",
           "a refused action changed the case");
  } catch (e) {
    await c.snap("failed");
    throw e;
  } finally {
    await c.page.context().close();
  }
}

async function meetingMode(browser, base, problems) {
  const c = await newClient(browser, base, "meeting", problems);
  try {
    await c.login("city.reviewer");
    await c.click("tab.meeting");
    // One view per county of the city, in order; the arrows step through them.
    await c.widget("meeting.view.c01");
    await c.widget("meeting.count.overdue");
    await c.snap("c01");
    await c.page.keyboard.press("ArrowRight");
    await c.widget("meeting.view.c02");
    await c.page.keyboard.press("ArrowLeft");
    await c.widget("meeting.view.c01");
    // By handler instead of by county.
    await c.click("meeting.by_handler");
    await c.widget("meeting.view.housing");
    await c.snap("by-handler");
    // Escape leaves the full-screen board.
    await c.page.keyboard.press("Escape");
    await c.widget("tab.board");
  } catch (e) {
    await c.snap("failed");
    throw e;
  } finally {
    await c.page.context().close();
  }
}

async function bulletins(browser, base, problems) {
  // A county housing head drafts last month's red/black list in the client and publishes it;
  // the public page then lists it.
  const c = await newClient(browser, base, "bulletins", problems);
  try {
    await c.login("c01.housing.head");
    await c.click("tab.supervision");
    await c.click("supervision.tab.bulletins");
    await c.click("bulletins.draft");
    await c.widget("bulletins.publish");
    await c.snap("draft");
    await c.click("bulletins.publish");
    const head = await Api.as(base, "c01.housing.head");
    const list = (await head.get("/api/v1/bulletins?county_id=c01")).json.items;
    expect(list.length === 1 && list[0].state === "published",
           `the issue is not published: ${JSON.stringify(list)}`);
    const page = await (await fetch(`${base}/public/`)).text();
    expect(page.includes(list[0].title), "the public page does not list the published issue");
    await c.snap("published");
  } catch (e) {
    await c.snap("failed");
    throw e;
  } finally {
    await c.page.context().close();
  }
}

async function weeklyReport(browser, base, problems) {
  // The discipline commission reads last week's package (computed now when not yet issued),
  // issues it, and a case of its overdue list opens from the report.
  const c = await newClient(browser, base, "weekly-report", problems);
  try {
    await c.login("city.discipline");
    await c.click("tab.reports");
    await c.widget("report.week");
    await c.click("report.issue");
    await c.widget("report.xlsx");  // shown once the package is issued
    const api = await Api.as(base, "city.discipline");
    const issued = (await api.get("/api/v1/reports/weekly")).json.packages;
    expect(issued.length >= 1, "no package was issued");
    await c.snap("issued");
    const overdue = await c.names("report.overdue.");
    if (overdue.length) {
      await c.click(overdue[0]);
      await c.widget(`case.number.${overdue[0].slice("report.overdue.".length)}`);
    }
  } catch (e) {
    await c.snap("failed");
    throw e;
  } finally {
    await c.page.context().close();
  }
}

async function sessionExpiry(browser, base, problems) {
  const admin = await Api.as(base, "admin");
  const users = (await admin.get("/api/v1/users")).json.users;
  const user = users.find((u) => u.login === "c01.s01.head");
  expect(user, "demo account c01.s01.head missing");
  const c = await newClient(browser, base, "session-expiry", problems);
  try {
    await c.login("c01.s01.head");
    // The administrator deactivates the account: its sessions end at once.
    expect((await admin.patch(`/api/v1/users/${user.id}`, { active: false })).status === 200,
           "deactivation refused");
    // The client's next request is refused (401) and it returns to the sign-in card.
    const refresh = await c.page.evaluate(() => window.pcsWidget("board.refresh"));
    if (refresh) await c.page.mouse.click(refresh.x + refresh.w / 2, refresh.y + refresh.h / 2);
    await c.widget("login.username");
    await c.snap("signed-out");
    expect((await admin.patch(`/api/v1/users/${user.id}`, { active: true })).status === 200,
           "reactivation refused");
    await c.login("c01.s01.head");
  } catch (e) {
    await c.snap("failed");
    throw e;
  } finally {
    await c.page.context().close();
  }
}

// ---- main ---------------------------------------------------------------------------------

if (!existsSync(path.join(args.webRoot, "pcs_client.wasm"))) {
  log(`no web build in ${args.webRoot}; skipped`);
  process.exit(kSkipped);
}
mkdirSync(args.out, { recursive: true });
const server = await startServer();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: [
  "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-quic",
  "--no-first-run", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--disable-extensions",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"] });
const tests = [["keyboard-login", keyboardLogin], ["session-expiry", sessionExpiry],
               ["lifecycle", lifecycle],
               ["drill-down", drillDown], ["no-right", noRight], ["meeting", meetingMode],
               ["bulletins", bulletins], ["weekly-report", weeklyReport]];
const shared = {};
let failed = 0;
try {
  for (const [name, fn] of tests) {
    if (args.only && args.only !== name) continue;
    const problems = [];
    const started = Date.now();
    try {
      await fn(browser, server.base, problems, shared);
      if (problems.length) throw new Error(problems.join("\n"));
      log(`PASS ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      log(`FAIL ${name}: ${e.message}`);
    }
  }
} finally {
  await browser.close();
  await stopServer(server);
}
process.exit(failed ? 1 : 0);
