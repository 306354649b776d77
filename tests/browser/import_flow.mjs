// Browser test of the ledger import screen (导入台账, client/import_screen.cpp): the real client
// in headless Chromium against a real server with the demo city. An intake clerk picks a messy
// county ledger through the browser's file picker, changes what the server guessed for one
// column, tries the import, runs it, opens an imported case from the report, and imports the
// same file again, which adds nothing.
//
//   node import_flow.mjs [--server PATH] [--web-root DIR] [--out DIR]
//
// The ledger is a CSV in GB18030, as county offices' Excel saves "CSV" on a Chinese Windows: a
// title row above odd headers (来电日期, 反映人, 反映内容, 所在小区, 备注), an empty row, a
// duplicate row, a row naming an estate that does not exist, dates written three ways. Node's
// TextEncoder only writes UTF-8, so the bytes are made here from a table of every two-byte
// GBK code (GB18030's two-byte part) built with TextDecoder("gbk"); the test refuses to run
// with a character outside it rather than write something else.
//
// Screens pass to out/import-<step>.png. Exit status: 0 passed, 1 failed, 77 skipped (no web
// build). Every request goes to 127.0.0.1.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
  };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i];
    if (argv[i] === "--server") a.server = path.resolve(value());
    else if (argv[i] === "--web-root") a.webRoot = path.resolve(value());
    else if (argv[i] === "--out") a.out = path.resolve(value());
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return a;
})();

const log = (m) => console.log(`import-flow: ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// ---- the ledger file ----------------------------------------------------------------------

// Every character GBK encodes in two bytes, mapped to its bytes (lead 0x81-0xFE, trail
// 0x40-0xFE without 0x7F): the two-byte part of GB18030, which holds all of GB2312.
function gbkTable() {
  const decoder = new TextDecoder("gbk", { fatal: true });
  const table = new Map();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      try {
        const ch = decoder.decode(new Uint8Array([lead, trail]));
        if (ch.length === 1 && !table.has(ch)) table.set(ch, [lead, trail]);
      } catch { /* unassigned */ }
    }
  }
  return table;
}

function toGb18030(text) {
  const table = gbkTable();
  const bytes = [];
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (code < 0x80) bytes.push(code);
    else if (table.has(ch)) bytes.push(...table.get(ch));
    else throw new Error(`no two-byte GB18030 code for ${ch} (U+${code.toString(16)})`);
  }
  // Checked the other way: the bytes read back as the text, and are no valid UTF-8.
  const buffer = Buffer.from(bytes);
  expect(new TextDecoder("gb18030").decode(buffer) === text, "GB18030 bytes do not read back");
  let utf8 = true;
  try { new TextDecoder("utf-8", { fatal: true }).decode(buffer); } catch { utf8 = false; }
  expect(!utf8, "the ledger bytes are valid UTF-8 too; the test would not test GB18030");
  return buffer;
}

// Row numbers are the sheet's own: 1 title, 2 headers, 3.. data, 4 empty, 7 repeats 3; 5 spells
// 翠湖小区 with a blank (matched to the record), 6 misspells 锦绣花园 (fails, proposed as one). 备注 (F) holds the place; the server maps it to nothing.
const kLedger = [
  "东湖区物业投诉台账（2026年11月）,,,,,",
  "来电日期,反映人,联系电话,反映内容,所在小区,备注",
  "2026年11月2日,测试甲,13900000041,台账导入测试：电梯夜间异响,锦绣花园,5号楼2单元",
  ",,,,,",
  "2026/11/03 14:05,测试乙,13900000042,台账导入测试：车库顶板漏水,翠湖 小区,地下车库",
  "2026.11.04,测试丙,13900000043,台账导入测试：路灯不亮,锦秀花园,",
  "2026年11月2日,测试甲,13900000041,台账导入测试：电梯夜间异响,锦绣花园,5号楼2单元",
  "",
].join("\r\n");
const kSearch = "台账导入测试";

// ---- server and browser -------------------------------------------------------------------

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
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "pcs-import-flow-"));
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
      if ((await fetch(`${base}/api/v1/health`)).ok) return { child, base, dataDir };
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

// Reads the server as one user, to check what the browser did.
async function apiAs(base, login) {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ login, password: kPassword }) });
  if (!r.ok) throw new Error(`API login ${login}: ${r.status} ${await r.text()}`);
  const cookie = r.headers.get("set-cookie").split(";")[0];
  return {
    async get(p) {
      const a = await fetch(base + p, { headers: { Cookie: cookie } });
      return { status: a.status, json: await a.json().catch(() => null) };
    },
  };
}

// The page, acting where the client says it drew a widget (client/test_hooks.h).
class Client {
  constructor(page) { this.page = page; }
  async widget(name, timeout = kWidgetTimeoutMs) {
    try {
      const handle = await this.page.waitForFunction(
          (n) => window.pcsWidget && window.pcsWidget(n), name, { timeout, polling: 50 });
      return await handle.jsonValue();
    } catch {
      const names = await this.names("");
      throw new Error(`widget ${name} not drawn within ${timeout} ms; drawn: ${names.join(" ")}`);
    }
  }
  async has(name) {
    return this.page.evaluate((n) => !!(window.pcsWidget && window.pcsWidget(n)), name);
  }
  async names(prefix) {
    const all = await this.page.evaluate(() => window.pcsWidgetNames ? window.pcsWidgetNames() : []);
    return all.filter((n) => n.startsWith(prefix));
  }
  // The numbers after `prefix` among the drawn names ("import.report.failed." -> [6]).
  async numbers(prefix) {
    return (await this.names(prefix)).map((n) => n.slice(prefix.length))
        .filter((s) => /^\d+$/.test(s)).map(Number).sort((a, b) => a - b);
  }
  async click(name) {
    const r = await this.widget(name);
    await this.page.mouse.click(r.x + Math.min(r.w / 2, 40), r.y + r.h / 2);
    await sleep(150);
  }
  async replaceText(name, text) {  // ASCII
    await this.click(name);
    await this.page.keyboard.press("Control+A");
    await this.page.keyboard.type(text, { delay: 10 });
  }
  async snap(step) {
    await this.page.screenshot({ path: path.join(args.out, `import-${step}.png`) });
  }
  // Clicks `button`, answers the browser's file picker with `file`, and waits for `ready`.
  async chooseFile(button, file, ready) {
    const [chooser] = await Promise.all([
      this.page.waitForEvent("filechooser", { timeout: kWidgetTimeoutMs }),
      this.click(button),
    ]);
    expect(!chooser.isMultiple(), "the picker offers several files");
    await chooser.setFiles(file);
    await this.widget(ready);
  }
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---- the test -----------------------------------------------------------------------------

async function importLedger(browser, base, problems, dir) {
  const csv = path.join(dir, "东湖区11月台账.csv");
  writeFileSync(csv, toGb18030(kLedger));
  const notXlsx = path.join(dir, "损坏的台账.xlsx");
  writeFileSync(notXlsx, "this is no spreadsheet\n");
  const clerk = await apiAs(base, "c01.clerk");
  const found = async () => (await clerk.get(`/api/v1/cases?q=${encodeURIComponent(kSearch)}`))
      .json.items.map((i) => i.id).sort();

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 },
    deviceScaleFactor: 1, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  const page = await context.newPage();
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.origin === base || url.protocol === "data:") return route.continue();
    problems.push(`blocked a request outside the test server: ${url.href}`);
    return route.abort();
  });
  page.on("pageerror", (e) => problems.push(`uncaught error: ${e.message}`));
  const c = new Client(page);
  try {
    await page.goto(`${base}/`);
    await page.waitForFunction(() => window.pcsReady === true, null, { timeout: 60_000 });
    await c.replaceText("login.username", "c01.clerk");
    await c.replaceText("login.password", kPassword);
    await c.click("login.submit");
    await c.click("tab.import");
    await c.widget("import.choose");
    await c.snap("1-empty");

    // A file named .xlsx that is none: the server's refusal is shown, nothing is kept.
    await c.chooseFile("import.choose", notXlsx, "import.error");
    expect(!(await c.has("import.mapping.0")), "a refused file showed a mapping");
    await c.snap("2-refused");

    // The ledger: read as GB18030, header in row 2 under the title, 备注 mapped to nothing.
    await c.chooseFile("import.choose", csv, "import.mapping.5");
    await c.widget("import.format.csv.gb18030");
    await c.widget("import.header.2");
    expect(!(await c.has("import.error")), "the ledger was refused");
    // No channel column: every previewed row waits for the channel the clerk picks.
    expect(same(await c.numbers("import.preview.channel."), [3, 5, 6, 7]),
           `preview rows: ${(await c.names("import.preview.")).join(" ")}`);
    expect(await c.has("import.mapped.5.none"), "备注 was mapped to a field");
    expect(await c.has("import.mapped.0.received_at") && await c.has("import.mapped.3.content"),
           `proposed: ${(await c.names("import.mapped.")).join(" ")}`);
    await c.snap("3-preview");
    await c.click("import.tab.names");
    await c.widget("import.names.matched.0");
    await c.widget("import.names.merge.0");
    expect(!(await c.has("import.names.matched.1")) && !(await c.has("import.names.merge.1")),
           `names: ${(await c.names("import.names.")).join(" ")}`);
    await c.snap("3-names");

    // The clerk maps 备注 (column F) to 地址 and gives the rows the channel 电话.
    await c.click("import.mapping.5");
    await c.click("import.mapping.option.location");
    await c.widget("import.mapped.5.location");
    await c.click("import.default_channel");
    await c.click("import.default_channel.option.phone");
    await c.snap("4-mapped");

    // A dry run: one row fails, the repeated row is skipped, nothing is stored.
    await c.click("import.dry_run");
    await c.widget("import.report.dry");
    expect(same(await c.numbers("import.report.failed."), [6]),
           `dry run failed rows: ${await c.numbers("import.report.failed.")}`);
    expect(same(await c.numbers("import.report.skipped."), [7]),
           `dry run skipped rows: ${await c.numbers("import.report.skipped.")}`);
    expect((await c.names("import.report.case.")).length === 0, "a dry run named cases");
    expect((await found()).length === 0, "the dry run stored cases");
    await c.snap("5-dry-run");

    // The import: rows 3 and 5 become cases, 7 is the same complaint as 3, 6 fails.
    await c.click("import.run");
    await c.widget("import.report.stored");
    expect(same(await c.numbers("import.report.imported."), [3, 5]),
           `imported rows: ${await c.numbers("import.report.imported.")}`);
    expect(same(await c.numbers("import.report.skipped."), [7]), "row 7 was not skipped");
    expect(same(await c.numbers("import.report.failed."), [6]), "row 6 did not fail");
    const shown = (await c.names("import.report.case.imported.")).map(
        (n) => n.slice("import.report.case.imported.".length)).sort();
    expect(shown.length === 2, `case links: ${shown}`);
    const duplicateOf = (await c.names("import.report.case.skipped."))
        .map((n) => n.slice("import.report.case.skipped.".length));
    expect(duplicateOf.length === 1 && shown.includes(duplicateOf[0]),
           `row 7 names ${duplicateOf}, not a case imported from row 3`);
    expect(same(await found(), shown), `the server finds ${await found()}, the report ${shown}`);
    await c.snap("6-imported");

    // What the cells said arrived, with the clerk's mapping and channel.
    const byContent = {};
    for (const id of shown) {
      const stored = (await clerk.get(`/api/v1/cases/${id}`)).json.case;
      byContent[stored.content] = stored;
    }
    // Cells are normalised on the way in: the full-width colon arrives as ASCII.
    const elevator = byContent["台账导入测试:电梯夜间异响"];
    expect(elevator, `stored contents: ${Object.keys(byContent)}`);
    expect(elevator.location === "5号楼2单元", `location stored as ${elevator.location}`);
    expect(elevator.channel === "phone", `channel stored as ${elevator.channel}`);
    expect(elevator.estate_id === "e-1", `estate stored as ${elevator.estate_id}`);
    const garage = byContent["台账导入测试:车库顶板漏水"];
    expect(garage && garage.location === "地下车库", "the garage row lost its place");
    expect(garage.estate_id === "e-3", `翠湖 小区 stored as ${garage.estate_id}`);

    // A case number in the report opens the case.
    await c.click(`import.report.case.imported.${elevator.id}`);
    await c.widget(`case.number.${elevator.id}`);
    await c.snap("7-case");

    // The same file again: nothing new, every good row is skipped as imported before.
    await c.click("tab.import");
    await c.chooseFile("import.choose", csv, "import.mapping.5");
    await c.click("import.mapping.5");
    await c.click("import.mapping.option.location");
    // The channel is chosen again for every file: without it, the screen says so and sends nothing.
    await c.click("import.run");
    await c.widget("import.error");
    expect(!(await c.has("import.report.stored")), "a run without a channel went ahead");
    await c.snap("8-no-channel");
    await c.click("import.default_channel");
    await c.click("import.default_channel.option.phone");
    await c.click("import.run");
    await c.widget("import.report.stored");
    expect((await c.numbers("import.report.imported.")).length === 0,
           `imported again: ${await c.numbers("import.report.imported.")}`);
    expect(same(await c.numbers("import.report.skipped."), [3, 5, 7]),
           `skipped on the second run: ${await c.numbers("import.report.skipped.")}`);
    expect(same(await c.numbers("import.report.failed."), [6]), "row 6 did not fail again");
    expect(same(await found(), shown), `the second import stored cases: ${await found()}`);
    await c.snap("9-again");
  } catch (e) {
    await c.snap("failed").catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
}

// ---- main ---------------------------------------------------------------------------------

if (!existsSync(path.join(args.webRoot, "pcs_client.wasm"))) {
  log(`no web build in ${args.webRoot}; skipped`);
  process.exit(kSkipped);
}
mkdirSync(args.out, { recursive: true });
const dir = mkdtempSync(path.join(os.tmpdir(), "pcs-import-file-"));
const server = await startServer();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: [
  "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-quic",
  "--no-first-run", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--disable-extensions",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"] });
let failed = false;
try {
  const problems = [];
  const started = Date.now();
  try {
    await importLedger(browser, server.base, problems, dir);
    if (problems.length) throw new Error(problems.join("\n"));
    log(`PASS import-ledger (${Date.now() - started} ms)`);
  } catch (e) {
    failed = true;
    log(`FAIL import-ledger: ${e.message}`);
  }
} finally {
  await browser.close();
  await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
