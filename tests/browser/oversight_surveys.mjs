// Browser test: satisfaction surveys (督办查询 > 满意度测评) and the oversight screen (监督检查),
// driven with the real mouse and keyboard against a real server with the demo city.
//
//   node oversight_surveys.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]
//
// Tests (screens saved to out/oversight_surveys--<test>-<step>.png for review):
//   survey     a county housing head opens a survey for an estate, adds a contact to the
//              company's staff register, records answers: one counted, the same household
//              written another way refused as a duplicate (409), the staff member refused
//              (403, kept as 已拒收), two more counted; the rate on screen is the server's;
//              closes it with 企业拒不整改. Nothing else may fail on the page.
//   oversight  the county's discipline commission ticks 逾期 and then also 反复退回: the list
//              follows GET /oversight/cases with the same flags; a case opens read-only (no
//              action buttons) and its 审计记录 lists a view of the complainant's contact.

import { apiLogin, expect, imeInto, poll, runSuite, signIn, sleep, watchRefusals }
  from "./harness.mjs";

async function surveyTest({ open, server, outFile }) {
  const head = await apiLogin(server.base, "c01.housing.head");
  // An estate of 东湖区 with a company and no survey yet.
  const { estates } = await head.get("/estates?county=c01&limit=500");
  let estate = null;
  for (const e of estates) {
    if (e.county_id !== "c01" || !e.company_id) continue;
    const { items } = await head.get(`/surveys?estate_id=${encodeURIComponent(e.id)}`);
    if (items.length === 0) { estate = e; break; }
  }
  expect(estate, "no estate in 东湖区 with a company and without a survey");
  const staffPhone = "13900007777";

  // The page's refusals are checked below: exactly the two expected ones. The page is tall
  // enough for the whole survey without scrolling.
  const app = await open({ allowErrors: true, viewport: { width: 1280, height: 1500 } });
  const refusals = watchRefusals(app);
  await signIn(app, "c01.housing.head");
  await app.click("tab.supervision");
  await app.click("supervision.tab.surveys");

  // Open the survey for the estate, picked by typing part of its name.
  await app.click("survey.new");
  await imeInto(app, "survey.new.estate", estate.name);
  await app.click(`survey.new.estate.option.${estate.id}`);
  await app.click("survey.new.submit");
  await app.widget("survey.state.open");
  const surveys = (await head.get(`/surveys?estate_id=${encodeURIComponent(estate.id)}`)).items;
  expect(surveys.length === 1 && surveys[0].state === "open",
         `the survey was not opened: ${JSON.stringify(surveys)}`);
  const surveyId = surveys[0].id;

  // A staff member of the company goes on its register.
  await app.typeInto("survey.staff.contacts", staffPhone);
  await app.click("survey.staff.add");
  await app.widget("survey.staff.done");

  const answer = async (household, rating, { contact = "" } = {}) => {
    // A refused household stays in the field for correction: imeInto replaces it.
    await imeInto(app, "survey.household", household);
    await app.click(`survey.rating.${rating}`);
    if (contact) await app.typeInto("survey.contact", contact);
    await app.click("survey.record");
  };

  // 1. Counted; the household is shown as the server normalised it.
  await answer("3栋2单元301", "satisfied");
  await app.widget("survey.verdict.counted");
  await app.widget("survey.counted.1");
  // 2. The same household written another way: refused, nothing stored.
  await answer("3幢2单元301室", "dissatisfied");
  await app.widget("survey.verdict.duplicate");
  await app.widget("survey.counted.1");
  await app.screenshot(outFile("-duplicate.png"));
  // 3. The staff member: refused and kept as 已拒收.
  await answer("6-1-202", "satisfied", { contact: "139 0000 7777" });
  await app.widget("survey.verdict.refused");
  await app.widget("survey.refused.1");
  await app.screenshot(outFile("-refused.png"));
  // 4, 5. Two more counted: 1 satisfied + 1 basic of 3 counted = 66.7%.
  await answer("5栋1单元101", "dissatisfied");
  await app.widget("survey.counted.2");
  await answer("7-1-101", "basic");
  await app.widget("survey.counted.3");
  const live = await head.get(`/surveys/${surveyId}`);
  expect(live.counts.counted === 3 && live.counts.refused === 1,
         `server counts ${JSON.stringify(live.counts)}`);
  const shownRate = `survey.rate.${(live.satisfaction * 100).toFixed(1)}`;
  expect(shownRate === "survey.rate.66.7", `server rate ${live.satisfaction}`);
  await app.widget(shownRate);
  const refusedRow = live.responses.find((r) => r.status === "refused");
  expect(refusedRow && refusedRow.refusal.includes("员工名册"),
         `the staff answer was not kept as refused: ${JSON.stringify(live.responses)}`);
  await app.widget(`survey.response.${refusedRow.id}.refused`);
  expect(live.responses.filter((r) => r.household === "3-2-301").length === 1,
         "the duplicate household was stored");

  // Close with the finding that the company refused to fix.
  await app.click("survey.close.refused_to_fix");
  await app.click("survey.close");
  await app.click("survey.close.confirm");
  await app.widget("survey.state.closed");
  await sleep(300);
  await app.screenshot(outFile("-closed.png"));
  const closed = await head.get(`/surveys/${surveyId}`);
  expect(closed.state === "closed" && closed.refused_to_fix === true && !closed.fix_inadequate,
         `closed survey ${JSON.stringify(closed)}`);
  expect(Math.abs(closed.satisfaction - 2 / 3) < 1e-9, `closed rate ${closed.satisfaction}`);

  // watchRefusals leaves out the start-up question whether a session is open.
  const expected = [`409 POST /api/v1/surveys/${surveyId}/responses`,
                    `403 POST /api/v1/surveys/${surveyId}/responses`];
  expect(JSON.stringify(refusals) === JSON.stringify(expected),
         `refusals seen: ${JSON.stringify(refusals)}, expected ${JSON.stringify(expected)}`);
  const errors = app.console.filter((l) => l.startsWith("console.error") &&
                                          !/status of (401|403|409)/.test(l));
  expect(errors.length === 0, `console errors: ${errors.join("\n")}`);
}

async function oversightTest({ open, server, outFile }) {
  const watcher = await apiLogin(server.base, "c01.discipline");
  const list = async (query) => {
    const r = await watcher.get(`/oversight/cases?${query}&order=due&limit=500`);
    expect(!r.next_cursor, `more than 500 cases for ${query}`);
    return r.items;
  };
  const notHandled = await list("flag=not_handled");
  const both = await list("flag=not_handled&flag=overdue");
  expect(both.length > 0, "the demo city has no overdue case left unaccepted in 东湖区");
  // A handled case among the first rows of the unfiltered list (in sight when the screen
  // opens; which one depends on the demo city's clock): 未处理 must drop it.
  const top = (await watcher.get("/oversight/cases?order=due&limit=5")).items;
  const first = top.find((c) => !notHandled.some((n) => n.id === c.id));
  expect(first, `the first five cases ${top.map((c) => c.id)} are all not handled`);

  const app = await open();
  await signIn(app, "c01.discipline");
  await app.click("tab.oversight");
  await app.widget(`oversight.case.${first.id}`);

  // 未处理: the list is the server's, the first case of the unfiltered list leaves it.
  await app.click("oversight.flag.not_handled");
  await app.widget(`oversight.count.${notHandled.length}`);
  await app.widget(`oversight.case.${notHandled[0].id}`);
  expect(!(await app.hasWidget(`oversight.case.${first.id}`)),
         `${first.id} (handled) is listed under 未处理`);
  await app.screenshot(outFile("-not-handled.png"));

  // Flags combine: 未处理 and 逾期 must both hold.
  await app.click("oversight.flag.overdue");
  await app.widget(`oversight.count.${both.length}`);
  const target = both[0];
  await app.widget(`oversight.case.${target.id}`);

  // The owner's dispatcher looks up the complainant's contact: an audited view of personal data.
  const owner = target.owner_unit_id;  // "c01.housing" or "city.housing"
  const dispatcher = await apiLogin(server.base, `${owner.split(".")[0]}.dispatcher`);
  await dispatcher.get(`/cases/${target.id}/contact?purpose=${encodeURIComponent("回访核实")}`);

  // The case opens read-only, and its audit trail shows that view.
  await app.click(`oversight.case.${target.id}`);
  await app.widget(`case.number.${target.id}`);
  await sleep(300);
  const offered = await app.page.evaluate(() => window.pcsWidgetNames()
    .filter((n) => n.startsWith("case.action.") || n === "case.contact"));
  expect(offered.length === 0, `oversight was offered ${offered.join(", ")}`);
  await app.screenshot(outFile("-case.png"));
  await app.click("oversight.pane.audit");
  const { entries } = await watcher.get(`/oversight/cases/${target.id}/audit`);
  const view = entries.find((e) => e.action === "pii.view");
  expect(view, `no pii.view entry in ${JSON.stringify(entries)}`);
  expect(entries.every((e, i) => i === 0 || entries[i - 1].seq < e.seq), "audit not oldest first");
  await app.widget(`oversight.audit.${entries[0].seq}.${entries[0].action}`);
  await app.widget(`oversight.audit.${view.seq}.pii.view`);
  await sleep(300);
  await app.screenshot(outFile("-audit.png"));
}

runSuite("oversight_surveys", { demo: true }, [
  ["survey", surveyTest],
  ["oversight", oversightTest],
]);
