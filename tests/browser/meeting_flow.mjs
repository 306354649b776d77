// Browser test of the joint meeting (R15, R16): the 联席会议 tab driven with real mouse and
// keyboard against a server with the demo city. Each step is checked against the server's data
// (through the API) and against the widgets the client drew; screenshots of the main screens go
// to out/meeting_flow--<step>.png for review.
//
//   node meeting_flow.mjs [--server PATH] [--web-root DIR] [--out DIR] [--only NAME]
//
// Tests:
//   meeting-end-to-end  the city housing dispatcher makes the district police a member unit,
//                       creates a meeting with agenda and attendees, holds it with minutes,
//                       adds a decided item with an owner unit and a due date, applies it to an
//                       open demo case with the deadline effect (the case's resolve deadline
//                       becomes rule D on that date), marks the item done and closes the
//                       meeting; lists a matter for supervision, publishes a work bulletin; the
//                       police user files the month's progress report and reads the bulletin;
//                       the unit head sees the progress on the meeting board and clears the
//                       matter
//   refusal-shown-in-form  the server's refusal (minutes before the meeting's date) shows in
//                       the form, which keeps its text; nothing is stored
//   hidden-from-others  a user outside the joint meeting sees no 联席会议 tab

import { apiLogin, expect, poll, runSuite, sleep } from "./harness.mjs";

const kViewport = { width: 1600, height: 1000 };
const kOwner = "c01.police";  // the district police: owner unit of the decision and the matter

// Today and a date `days` later in Beijing time, "YYYY-MM-DD" (the server counts in UTC+8).
function cstDate(days = 0) {
  const ms = Date.now() + 8 * 3600_000 + days * 86400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

// Replaces the text of field `name` with `text`: ASCII is typed key by key, other text is
// committed the way an input method delivers it.
async function fill(app, name, text) {
  await app.click(name);
  await poll(() => app.textFocused(), (v) => v, `text focus in ${name}`);
  await app.page.keyboard.press("Control+A");
  await app.page.keyboard.press("Delete");
  if (/^[\x20-\x7e]*$/.test(text)) await app.page.keyboard.type(text, { delay: 5 });
  else await app.insertText(text);
  await app.frames(2);
}

// Picks unit `unitId` in a picker or checklist named `picker` (filter, then the option).
async function pickUnit(app, picker, unitId, option = "option") {
  await fill(app, `${picker}.filter`, unitId);
  await app.click(`${picker}.${option}.${unitId}`);
}

async function signIn(app, login) {
  if (await app.hasWidget("app.logout")) {
    await app.click("app.logout");
    await app.widget("login.username");
  }
  await fill(app, "login.username", login);
  await fill(app, "login.password", "demo-2025-pcs");
  await app.click("login.submit");
  await app.widget("tab.board", 20_000);
}

// An open demo case in 东湖区 with an assignment still being handled (the deadline effect
// needs one), seen by the city housing authority.
async function openDemoCase(api) {
  for (const state of ["in_progress", "dispatched"]) {
    const list = await api.get(`/cases?state=${state}&county=c01&limit=50`);
    for (const item of list.items) {
      const { case: c } = await api.get(`/cases/${item.id}`);
      const handling = c.assignments.filter((a) =>
        ["dispatched", "accepted", "plan_submitted"].includes(a.state));
      if (handling.length) return { id: c.id, assignments: handling.map((a) => a.id) };
    }
  }
  throw new Error("the demo city has no open case in 东湖区 with an assignment in handling");
}

runSuite("meeting_flow", { demo: true }, [
  ["meeting-end-to-end", async ({ open, server, outFile }) => {
    const office = await apiLogin(server.base, "city.dispatcher");
    const target = await openDemoCase(office);
    const due = cstDate(20);
    const shot = (app, step) => app.screenshot(outFile(`-${step}.png`));

    const app = await open({ viewport: kViewport });
    await signIn(app, "city.dispatcher");
    await app.click("tab.joint");

    // 1. The district police join as a member unit with a liaison.
    await app.click("jm.tab.members");
    await app.click("jm.member.add");
    await pickUnit(app, "jm.member.form.unit", kOwner);
    await fill(app, "jm.member.form.name", "王测试");
    await fill(app, "jm.member.form.post", "治安大队联络员");
    await fill(app, "jm.member.form.phone", "13900001234");
    await app.click("jm.member.form.submit");
    await app.widget(`jm.member.${kOwner}`);
    const members = (await office.get("/joint-meeting/members")).members;
    const police = members.find((m) => m.unit_id === kOwner);
    expect(police && police.liaison_name === "王测试" && police.liaison_phone === "13900001234",
           `the member was not stored: ${JSON.stringify(members)}`);
    await app.click(`jm.member.${kOwner}.history`);
    await app.widget("jm.member.history");  // the joining and each liaison field, by whom
    await shot(app, "members");

    // 2. A meeting with two agenda lines and two attendee units.
    await app.click("jm.tab.meetings");
    await app.click("jm.meeting.new");
    await fill(app, "jm.form.title", "电梯安全专题联席会议");
    await app.click("jm.form.agenda");
    await app.insertText("老旧小区电梯停运问题");
    await app.page.keyboard.press("Enter");
    await app.insertText("消防通道占用整治");
    await pickUnit(app, "jm.form.attendee", "city.housing", "unit");
    await pickUnit(app, "jm.form.attendee", kOwner, "unit");
    await shot(app, "meeting-form");
    await app.click("jm.form.submit");
    const meetingId = (await poll(() => office.get("/meetings"),
                                  (r) => r.meetings.length > 0, "the new meeting")).meetings[0].id;
    let meeting = await office.get(`/meetings/${meetingId}`);
    expect(meeting.state === "draft" && meeting.date === cstDate(0),
           `meeting stored as ${JSON.stringify(meeting)}`);
    expect(JSON.stringify(meeting.agenda) === JSON.stringify(["老旧小区电梯停运问题",
                                                             "消防通道占用整治"]),
           `agenda stored as ${JSON.stringify(meeting.agenda)}`);
    expect(meeting.attendees.length === 2 && meeting.attendees.includes(kOwner),
           `attendees stored as ${JSON.stringify(meeting.attendees)}`);
    await app.widget("jm.meeting.state.draft");

    // 3. Held with minutes.
    await app.click("jm.meeting.hold");
    await app.click("jm.form.minutes");
    await app.insertText("会议研究了电梯停运问题，议定由公安分局协助处置。");
    await app.click("jm.form.submit");
    await app.widget("jm.meeting.state.held");
    meeting = await office.get(`/meetings/${meetingId}`);
    expect(meeting.minutes.includes("电梯停运"), `minutes stored as ${meeting.minutes}`);

    // 4. A decided item with the police as owner and a due date.
    await app.click("jm.meeting.add_item");
    await app.click("jm.form.item_text");
    await app.insertText("公安分局协助处置电梯停运引发的纠纷");
    await pickUnit(app, "jm.form.owner", kOwner);
    await app.click("jm.form.due_mode.date");
    await fill(app, "jm.form.due", due);
    await app.click("jm.form.submit");
    meeting = await poll(() => office.get(`/meetings/${meetingId}`), (m) => m.items.length === 1,
                         "the decided item");
    const item = meeting.items[0];
    expect(item.owner_unit_id === kOwner && item.due === due && item.state === "open",
           `item stored as ${JSON.stringify(item)}`);
    await app.widget(`jm.item.${item.id}.due.${due}`);

    // 5. Applied to the demo case with the deadline effect.
    await app.click(`jm.item.${item.id}.apply`);
    await fill(app, "jm.form.cases", target.id);
    await app.click("jm.form.effect.deadline");
    await app.click("jm.form.submit");
    await app.widget(`jm.item.${item.id}.case.${target.id}`);
    const { case: moved } = await office.get(`/cases/${target.id}`);
    for (const id of target.assignments) {
      const a = moved.assignments.find((x) => x.id === id);
      expect(a.resolve_due && a.resolve_due.due === due && a.resolve_due.rule_id === "D",
             `assignment ${id} resolve deadline is ${JSON.stringify(a.resolve_due)}`);
    }
    await shot(app, "meeting-held");

    // 6. The case opens from the item and shows the decided deadline (rule D).
    await app.click(`jm.item.${item.id}.case.${target.id}`);
    await app.widget(`case.number.${target.id}`);
    await app.widget(`case.deadline.resolve.${target.assignments[0]}.D.${due}`);
    await shot(app, "case-decided-deadline");

    // 7. The item done, the meeting closed.
    await app.click("tab.joint");
    await app.click(`jm.item.${item.id}.done`);
    await app.click("jm.form.note");
    await app.insertText("已协助处置，纠纷化解");
    await app.click("jm.form.submit");
    await app.widget(`jm.item.${item.id}.state.done`);
    await app.click("jm.meeting.close");
    await app.widget("jm.meeting.state.closed");
    meeting = await office.get(`/meetings/${meetingId}`);
    expect(meeting.state === "closed" && meeting.items[0].done_note.includes("纠纷化解"),
           `meeting after closing: ${JSON.stringify(meeting)}`);
    await shot(app, "meeting-closed");

    // 8. A matter listed for supervision, owned by the police, linked to the meeting and case.
    await app.click("jm.tab.listed");
    await app.click("jm.listed.new");
    await fill(app, "jm.listed.form.title", "某小区消防通道长期占用");
    await fill(app, "jm.listed.form.description", "多次投诉消防通道被车辆占用。");
    await fill(app, "jm.listed.form.plan", "公安分局牵头，每月清理一次并报送进展。");
    await pickUnit(app, "jm.listed.form.owner", kOwner);
    await fill(app, "jm.listed.form.meeting", String(meetingId));
    await fill(app, "jm.listed.form.cases", target.id);
    await app.click("jm.listed.form.submit");
    await app.widget("jm.listed.state.open");
    const matters = (await office.get("/listed-matters")).matters;
    expect(matters.length === 1 && matters[0].owner_unit_id === kOwner,
           `listed matters: ${JSON.stringify(matters)}`);
    const matter = await office.get(`/listed-matters/${matters[0].id}`);
    expect(matter.meeting_id === meetingId && matter.case_ids[0] === target.id,
           `matter stored as ${JSON.stringify(matter)}`);
    await shot(app, "listed");

    // 9. A work bulletin to the police, published.
    await app.click("jm.tab.bulletins");
    await app.click("jm.bulletin.new");
    await fill(app, "jm.bulletin.form.title", "第1期工作简报");
    await fill(app, "jm.bulletin.form.body", "本月联席会议议定事项已全部落实。");
    await pickUnit(app, "jm.bulletin.form.unit", kOwner, "unit");
    await app.click("jm.bulletin.form.submit");
    await app.widget("jm.bulletin.state.draft");
    await app.click("jm.bulletin.publish");
    await app.widget(`jm.bulletin.recipient.${kOwner}.unread`);
    const bulletin = (await office.get("/work-bulletins")).bulletins[0];
    expect(bulletin.state === "published", `bulletin: ${JSON.stringify(bulletin)}`);

    // 10. The police file this month's progress and read the bulletin.
    await signIn(app, kOwner);
    await app.click("tab.joint");
    await app.click("jm.tab.listed");
    await app.click(`jm.listed.${matter.id}`);
    await app.click("jm.listed.report");
    await app.click("jm.listed.form.text");
    await app.insertText("已清理通道两次，设置隔离桩。");
    await app.click("jm.listed.form.submit");
    const month = cstDate(0).slice(0, 7);
    await app.widget(`jm.listed.progress.${month}`);
    const reported = await office.get(`/listed-matters/${matter.id}`);
    expect(reported.last_progress && reported.last_progress.month === month &&
           !reported.last_progress.late, `progress: ${JSON.stringify(reported.last_progress)}`);
    await shot(app, "progress");
    await app.click("jm.tab.bulletins");
    await app.click(`jm.bulletin.${bulletin.id}`);
    await app.click("jm.bulletin.mark_read");
    await app.widget("jm.bulletin.read_done");
    const read = (await office.get("/work-bulletins")).bulletins[0];
    expect(read.recipients.find((r) => r.unit_id === kOwner).read,
           `read state: ${JSON.stringify(read.recipients)}`);

    // 11. The unit head sees the progress on the meeting board, then clears the matter.
    await signIn(app, "city.head");
    await app.widget("tab.joint");
    await app.click("tab.meeting");
    await app.click("meeting.auto");  // stop the rotation while we look
    await app.click("meeting.joint");
    await app.widget(`meeting.joint.matter.${matter.id}.progress.${month}`);
    expect(!(await app.hasWidget(`meeting.joint.owner.${kOwner}`)),
           "a done decided item still counts as open on the board");
    await shot(app, "meeting-board");
    await app.page.keyboard.press("Escape");
    await app.click("tab.joint");
    await app.click("jm.tab.listed");
    await app.click(`jm.listed.${matter.id}`);
    await app.click("jm.listed.close");
    await app.click("jm.listed.form.reason");
    await app.insertText("通道已清理，长效机制已建立");
    await app.click("jm.listed.form.submit");
    await app.widget("jm.listed.state.closed");
    const closed = await office.get(`/listed-matters/${matter.id}`);
    expect(closed.state === "closed" && closed.close_reason.includes("长效机制"),
           `matter after closing: ${JSON.stringify(closed)}`);
  }],

  ["refusal-shown-in-form", async ({ open, server }) => {
    // Minutes for a meeting dated tomorrow: the server refuses, the form says why and keeps
    // the text, and nothing is stored. (The 409 is expected, hence allowErrors.)
    const office = await apiLogin(server.base, "city.dispatcher");
    const app = await open({ viewport: kViewport, allowErrors: true });
    await signIn(app, "city.dispatcher");
    await app.click("tab.joint");
    await app.click("jm.tab.meetings");
    await app.click("jm.meeting.new");
    await fill(app, "jm.form.title", "下周调度会");
    await fill(app, "jm.form.date", cstDate(1));
    await app.click("jm.form.submit");
    await app.widget("jm.meeting.state.draft");
    await app.click("jm.meeting.hold");
    await app.click("jm.form.minutes");
    await app.insertText("提前写好的纪要");
    await app.click("jm.form.submit");
    await app.widget("jm.form.error");
    expect(await app.hasWidget("jm.form.minutes"), "the form closed after a refusal");
    const [m] = (await office.get("/meetings")).meetings.filter((x) => x.title === "下周调度会");
    const stored = await office.get(`/meetings/${m.id}`);
    expect(stored.state === "draft" && stored.minutes === "",
           `a refused hold changed the meeting: ${JSON.stringify(stored)}`);
  }],

  ["hidden-from-others", async ({ open, server }) => {
    const clerk = await apiLogin(server.base, "c01.clerk");
    expect((await clerk.get("/joint-meeting/access")).read === false,
           "a county clerk may read the joint meeting");
    const app = await open({ viewport: kViewport });
    await signIn(app, "c01.clerk");
    await app.widget("tab.supervision");
    await sleep(500);  // the access answer has long arrived
    expect(!(await app.hasWidget("tab.joint")), "a county clerk was shown the 联席会议 tab");
  }],
]);
