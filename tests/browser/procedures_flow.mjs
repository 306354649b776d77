// Browser test: a grade review (督办查询 > 等级核查与退出, R11, T10-T13) run end to end in the
// client with the real mouse and keyboard against a real server with the demo city.
//
//   node procedures_flow.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]
//
// Test (screens saved to out/procedures_flow--grade-review-<step>.png for review):
//   grade-review  东湖区's housing head confirms an open 等级核查 proposal in 物业企业台账 (the demo
//                 city's daily ledger run raises them at start-up), which opens the procedure;
//                 打开该程序 shows it with the proposal's evidence. A survey of the estate is
//                 opened, answered (1 of 3 satisfied) and closed through the API; the head
//                 records it (登记调查结果), sees the system's regrade proposal with its criterion
//                 (33.3%, below 60%) and regrades one grade down. The county's market regulation
//                 user then sees the procedure with no action button while the server refuses
//                 its transfer; the development and reform user's 移交市场监管部门 with an empty
//                 text is refused in the form (the server's 400) with nothing stored, then sent
//                 with a text; market regulation records the penalty. The closed procedure shows
//                 every step done with the due dates the server computed, the event history
//                 with the units notified, and the estate's new grade.

import { apiLogin, expect, imeInto, poll, runSuite, signIn, sleep, watchRefusals }
  from "./harness.mjs";

// Signs in through the sign-in card and opens 督办查询 > 等级核查与退出.
async function signInToProcedures(app, login) {
  await signIn(app, login);
  await app.click("tab.supervision");
  await app.click("supervision.tab.procedures");
}

// Scrolls with the mouse wheel over widget `over` (the page's middle when null) until widget
// `name` is drawn (the widget registry only holds what is in sight): down until two turns of
// the wheel move nothing, then up.
async function reveal(app, name, over) {
  const drawn = () => app.page.evaluate(
    () => JSON.stringify(window.pcsWidgetNames().map((n) => [n, window.pcsWidget(n)])));
  for (const dy of [300, -300]) {
    let still = 0;
    for (let i = 0; i < 40 && still < 2; i++) {
      if (await app.hasWidget(name)) return app.widget(name);
      const { width, height } = app.page.viewportSize();
      const r = over ? await app.widget(over) : { x: 0, y: 0, w: width, h: height };
      const before = await drawn();
      await app.page.mouse.move(r.x + r.w / 2, r.y + r.h / 2);
      await app.page.mouse.wheel(0, dy);
      await app.frames(4);
      still = (await drawn()) === before ? still + 1 : 0;
    }
  }
  return app.widget(name);
}

// Names of the widgets drawn in the last frame that start with `prefix`.
async function widgetsStarting(app, prefix) {
  return app.page.evaluate((p) => window.pcsWidgetNames().filter((n) => n.startsWith(p)), prefix);
}

// The last procedure response body the page received for procedure `id`'s actions.
function watchActionBodies(app, id) {
  const bodies = [];
  app.page.on("response", async (r) => {
    if (new URL(r.url()).pathname === `/api/v1/procedures/${id}/actions`) {
      bodies.push({ status: r.status(), body: await r.json().catch(() => null) });
    }
  });
  return bodies;
}

// "YYYY-MM" of today in Beijing time.
// The CST month `back` months before the current one, as YYYY-MM (surveys may be opened for the
// current month and the 12 before it).
function thisMonth(back = 0) {
  const d = new Date(Date.now() + 8 * 3600_000);
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - back);
  return d.toISOString().slice(0, 7);
}

async function gradeReviewTest({ open, server, outFile }) {
  const head = await apiLogin(server.base, "c01.housing.head");
  const drc = await apiLogin(server.base, "c01.development_reform");
  const market = await apiLogin(server.base, "c01.market_regulation");

  // An open 等级核查 proposal about a company with an estate in 东湖区 that can be regraded
  // (its service grade is not the lowest).
  const { estates } = await head.get("/estates?county=c01&limit=500");
  const { items: proposals } = await head.get("/admin/proposals?limit=500");
  let proposal = null;
  for (const p of proposals) {
    if (p.rule !== "grade_review" || p.state !== "open") continue;
    const estate = estates.find((e) => e.company_id === p.company_id);
    if (!estate) continue;
    const grade = await head.get(`/estates/${estate.id}/grade`);
    if (grade.company_grade && grade.company_grade !== "五级") { proposal = p; break; }
  }
  expect(proposal, "the demo city raised no open grade-review proposal in 东湖区 at start-up");

  // 1. The head confirms it in the ledger; the procedure opens and 打开该程序 shows it.
  const app = await open({ allowErrors: true, viewport: { width: 1280, height: 1400 } });
  const refusals = watchRefusals(app);
  await signInToProcedures(app, "c01.housing.head");
  await app.click("supervision.tab.ledger");
  await reveal(app, `ledger.confirm.${proposal.id}`, null);
  // The decision note becomes the procedure's reason.
  await reveal(app, "ledger.note", null);
  await imeInto(app, "ledger.note", "信用评价等级低，启动等级核查");
  await reveal(app, `ledger.confirm.${proposal.id}`, null);
  await app.click(`ledger.confirm.${proposal.id}`);
  await reveal(app, "ledger.open_procedure", null);
  const { items: opened } = await head.get(`/procedures?company_id=${proposal.company_id}`);
  expect(opened.length === 1 && opened[0].proposal_id === proposal.id,
         `confirming proposal ${proposal.id} opened ${JSON.stringify(opened)}`);
  const id = opened[0].id;
  const decided = (await head.get("/admin/proposals?limit=500")).items
    .find((p) => p.id === proposal.id);
  expect(decided.state === "confirmed", `proposal ${proposal.id} is ${decided.state}`);
  await app.click("ledger.open_procedure");
  await app.widget(`procedure.detail.${id}`);
  let p = await head.get(`/procedures/${id}`);
  expect(p.reason === "信用评价等级低，启动等级核查" && p.stage === "survey",
         `opened ${JSON.stringify({ reason: p.reason, stage: p.stage })}`);
  await app.widget(`procedure.item.${id}`);
  await app.widget("procedure.stage.survey");
  await app.widget(`procedure.current_unit.${p.current_unit_id}`);
  await app.widget(`procedure.current_due.${p.current_due}`);
  await app.widget(`procedure.evidence.${proposal.id}`);
  for (const c of p.evidence.proposal.criteria) {
    const shown = (await widgetsStarting(app, `procedure.evidence.criterion.${c.what}.`));
    expect(shown.length === 1, `evidence criterion ${c.what} shown as ${JSON.stringify(shown)}`);
  }
  await app.widget(`procedure.step.survey.due.${p.steps[0].due}`);
  await app.widget("procedure.step.survey.current");
  const offered = async () => (await widgetsStarting(app, "procedure.action.")).sort();
  expect(JSON.stringify(await offered()) ===
         JSON.stringify(p.actions.map((a) => `procedure.action.${a.action}`).sort()),
         `head offered ${JSON.stringify(await offered())}, server ${JSON.stringify(p.actions)}`);
  await sleep(300);
  await app.screenshot(outFile("-opened.png"));

  // 2. A survey of the estate, answered and closed (the survey screen has its own test).
  let survey = null;
  for (const period of [thisMonth(), thisMonth(1)]) {
    try {
      survey = await head.post("/surveys",
                               { estate_id: p.estate_id, period, note: "等级核查调查" });
      break;
    } catch (e) {
      if (!String(e.message).includes("HTTP 409")) throw e;
    }
  }
  expect(survey, "could not open a survey for the estate");
  for (const [household, rating] of [["1-1-101", "satisfied"], ["1-1-102", "dissatisfied"],
                                     ["1-1-103", "dissatisfied"]]) {
    await head.post(`/surveys/${survey.id}/responses`, { household, rating });
  }
  await head.post(`/surveys/${survey.id}/close`,
                  { refused_to_fix: false, fix_inadequate: false, note: "入户调查" });

  // 3. 登记调查结果: the closed survey picked in the form, published today (the default).
  await app.click("procedure.action.record_survey");
  await app.click("procedure.form.survey");
  await app.click(`procedure.form.survey.${survey.id}`);
  await imeInto(app, "procedure.form.text", "调查结果已在小区公告栏公示");
  await app.click("procedure.form.submit");
  await app.widget("procedure.stage.regrade");
  p = await head.get(`/procedures/${id}`);
  expect(p.survey && p.survey.id === survey.id && p.next_proposal?.action === "regrade",
         `after the survey: ${JSON.stringify({ survey: p.survey, next: p.next_proposal })}`);
  await app.widget(`procedure.survey.${survey.id}`);
  await app.widget("procedure.proposal.regrade");
  const satisfaction = p.next_proposal.criteria.find((c) => c.what === "satisfaction");
  expect(satisfaction && Math.abs(satisfaction.value - 1 / 3) < 1e-9,
         `regrade criteria ${JSON.stringify(p.next_proposal.criteria)}`);
  await app.widget("procedure.proposal.criterion.satisfaction.33.3%");
  await app.widget(`procedure.step.regrade.due.${p.steps[1].due}`);
  await sleep(300);
  await app.screenshot(outFile("-proposal.png"));

  // 4. Regrade one grade down: only the grades below the one before are offered.
  const grades = ["一级", "二级", "三级", "四级", "五级"];
  const before = p.grade_before;
  const lower = grades.slice(grades.indexOf(before) + 1);
  await app.click("procedure.action.regrade");
  await app.click("procedure.form.new_grade");
  const choices = (await widgetsStarting(app, "procedure.form.grade.")).sort();
  expect(JSON.stringify(choices) ===
         JSON.stringify(lower.map((g) => `procedure.form.grade.${g}`).sort()),
         `grades offered below ${before}: ${JSON.stringify(choices)}`);
  await app.click(`procedure.form.grade.${lower[0]}`);
  await app.click("procedure.form.submit");
  await app.widget("procedure.stage.fee");
  p = await head.get(`/procedures/${id}`);
  expect(p.grade_before === before && p.grade_after === lower[0],
         `grades ${p.grade_before} -> ${p.grade_after}`);
  await app.widget(`procedure.grade.${before}.${lower[0]}`);
  await reveal(app, `procedure.estate_grade.${lower[0]}`, "procedure.pane");
  const grade = await head.get(`/estates/${p.estate_id}/grade`);
  expect(grade.grade === lower[0] && grade.history.length === 1 &&
         grade.history[0].procedure_id === id, `estate grade ${JSON.stringify(grade)}`);
  const regradeEvent = p.events.find((e) => e.action === "regrade");
  await reveal(app, `procedure.event.${regradeEvent.seq}.regrade`, "procedure.pane");
  for (const u of regradeEvent.notified) {
    const notified = `procedure.event.${regradeEvent.seq}.notified.${u.unit_id}`;
    await reveal(app, notified, "procedure.pane");
  }
  expect(regradeEvent.notified.some((u) => u.unit_id === "c01.development_reform") &&
         regradeEvent.notified.some((u) => u.unit_id === "c01.market_regulation"),
         `the downgrade was pushed to ${JSON.stringify(regradeEvent.notified)}`);
  await sleep(300);
  await app.screenshot(outFile("-regraded.png"));

  // 5. Market regulation reads the procedure at the fee step: no action button, and the
  //    server refuses its transfer with nothing changed.
  const mr = await open({ allowErrors: true, viewport: { width: 1280, height: 1400 } });
  const mrRefusals = watchRefusals(mr);
  await signInToProcedures(mr, "c01.market_regulation");
  await mr.click(`procedure.item.${id}`);
  await mr.widget("procedure.stage.fee");
  await mr.widget("procedure.step.fee.current");
  await sleep(300);
  expect((await widgetsStarting(mr, "procedure.action.")).length === 0,
         `market regulation is offered ${await widgetsStarting(mr, "procedure.action.")}`);
  expect((await market.get(`/procedures/${id}`)).actions.length === 0,
         "the server offers market regulation an action at the fee step");
  let refused = null;
  await market.post(`/procedures/${id}/actions`, { action: "transfer", text: "越权移交" })
    .catch((e) => { refused = e.message; });
  expect(refused && refused.includes("HTTP 403"), `market regulation's transfer: ${refused}`);
  const unchanged = await head.get(`/procedures/${id}`);
  expect(unchanged.version === p.version && unchanged.stage === "fee",
         `a refused transfer changed the procedure: ${unchanged.version} ${unchanged.stage}`);

  // 6. Development and reform: 移交市场监管部门 with an empty text is refused in the form.
  const dr = await open({ allowErrors: true, viewport: { width: 1280, height: 1400 } });
  const drRefusals = watchRefusals(dr);
  const drBodies = watchActionBodies(dr, id);
  await signInToProcedures(dr, "c01.development_reform");
  await dr.click(`procedure.item.${id}`);
  await dr.widget("procedure.stage.fee");
  const drOffered = (await widgetsStarting(dr, "procedure.action.")).sort();
  expect(JSON.stringify(drOffered) ===
         JSON.stringify(["procedure.action.fee_complied", "procedure.action.transfer"]),
         `development and reform offered ${JSON.stringify(drOffered)}`);
  await dr.click("procedure.action.transfer");
  await dr.click("procedure.form.submit");
  await dr.widget("procedure.form.error.400");
  const refusal = await poll(async () => drBodies.at(-1), (b) => b && b.body, "the refusal body");
  expect(refusal.status === 400 && /不能为空/.test(refusal.body.error),
         `empty text refused with ${JSON.stringify(refusal)}`);
  const afterRefusal = await drc.get(`/procedures/${id}`);
  expect(afterRefusal.version === p.version && afterRefusal.stage === "fee" &&
         afterRefusal.events.length === p.events.length,
         "the refused transfer stored something");
  await dr.widget("procedure.form.text");  // the form stays open for the text
  await sleep(300);
  await dr.screenshot(outFile("-refused.png"));
  await imeInto(dr, "procedure.form.text", "企业拒不执行核定后的收费标准，移交市场监管部门");
  await dr.click("procedure.form.submit");
  await dr.widget("procedure.stage.penalty");
  expect(!(await dr.hasWidget("procedure.form.error.400")), "the old refusal is still shown");
  expect((await widgetsStarting(dr, "procedure.action.")).length === 0,
         "development and reform is offered an action at the penalty step");
  p = await head.get(`/procedures/${id}`);
  expect(p.stage === "penalty" && p.current_unit_id === "c01.market_regulation",
         `after the transfer: ${p.stage} ${p.current_unit_id}`);

  // 7. Market regulation refreshes and records the penalty: closed.
  await mr.click("procedure.refresh");
  await mr.widget("procedure.stage.penalty");
  await mr.click("procedure.action.record_penalty");
  await imeInto(mr, "procedure.form.text", "已责令退还多收费用并处罚款");
  await mr.click("procedure.form.submit");
  await mr.widget("procedure.stage.closed");
  p = await head.get(`/procedures/${id}`);
  expect(p.state === "closed" && p.outcome === "penalised" && p.closed_at,
         `closed ${JSON.stringify({ state: p.state, outcome: p.outcome, at: p.closed_at })}`);

  // 8. The head sees the closed procedure: every step done, due dates as the server computed,
  //    the history with who was told, no action left.
  await app.click("procedure.refresh");
  await reveal(app, "procedure.stage.closed", "procedure.pane");
  expect(p.steps.length === 4 && p.steps.every((s) => s.state === "done" && s.due),
         `steps ${JSON.stringify(p.steps.map((s) => [s.stage, s.state, s.due]))}`);
  for (const s of p.steps) {
    await reveal(app, `procedure.step.${s.stage}.done`, "procedure.pane");
    await app.widget(`procedure.step.${s.stage}.due.${s.due}`);
  }
  expect((await widgetsStarting(app, "procedure.action.")).length === 0,
         "an action is offered on a closed procedure");
  expect(JSON.stringify(p.events.map((e) => e.action)) ===
         JSON.stringify(["open", "record_survey", "regrade", "transfer", "record_penalty"]),
         `events ${JSON.stringify(p.events.map((e) => e.action))}`);
  for (const e of p.events) {
    await reveal(app, `procedure.event.${e.seq}.${e.action}`, "procedure.pane");
    for (const u of e.notified) {
      await reveal(app, `procedure.event.${e.seq}.notified.${u.unit_id}`, "procedure.pane");
    }
  }
  await sleep(300);
  await app.screenshot(outFile("-closed.png"));
  await reveal(app, `procedure.estate_grade.${lower[0]}`, "procedure.pane");
  await sleep(300);
  await app.screenshot(outFile("-history.png"));

  // The only refusal any page saw: the empty text.
  for (const [who, seen, expected] of [
    ["head", refusals, []], ["market regulation", mrRefusals, []],
    ["development and reform", drRefusals, [`400 POST /api/v1/procedures/${id}/actions`]]]) {
    expect(JSON.stringify(seen) === JSON.stringify(expected),
           `${who}'s page saw ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`);
  }
  for (const page of [app, mr, dr]) {
    const errors = page.console.filter((l) => l.startsWith("console.error") &&
                                             !/status of (401|400)/.test(l));
    expect(errors.length === 0, `console errors: ${errors.join("\n")}`);
  }
}

runSuite("procedures_flow", { demo: true }, [
  ["grade-review", gradeReviewTest],
]);
