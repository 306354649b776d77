// 会议: joint meetings (联席会议) and dispatch meetings (调度会). The list with each meeting's
// open and overdue decided items; one meeting with agenda, attendees and minutes; and the
// office's forms, one at a time, for what the meeting's state allows:
//   draft   修改议题 (agenda, attendees), 登记纪要 (held, with minutes)
//   held    新增议定事项, 落实到案件 (改派承办单位 / 按议定调整时限), 办结, 关闭会议
// A decided item shows its due date, the working days left or the days late (marked with
// words and a shape), and the cases it was applied to, each opening the case.
//
// Sections: loading | forms | list | one meeting | decided items
#include <algorithm>

#include "imgui.h"
#include "joint_meeting.h"
#include "pcs/date.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {
namespace {

const char* kindZh(const std::string& kind) {
  return kind == "joint" ? "联席会议" : (kind == "dispatch" ? "调度会" : "会议");
}

const char* meetingStateZh(const std::string& state) {
  if (state == "draft") return "筹备中";
  if (state == "held") return "已召开";
  if (state == "closed") return "已关闭";
  return "—";
}

std::string effectZh(const std::string& effect) {
  return effect == "handler" ? "改派承办单位" : (effect == "deadline" ? "按议定调整时限" : effect);
}

}  // namespace

// ---- loading --------------------------------------------------------------------------------

void JmMeetingsView::loadList(Session& session) {
  net_.load(session, "/api/v1/meetings", listLoading_, listLoaded_, listError_,
            [this](const JsonDoc& doc) {
              meetings_.clear();
              for (const JsonValue* m : items(doc.root(), "meetings"))
                meetings_.push_back({integer(*m, "id"), str(*m, "kind"), str(*m, "title"),
                                     str(*m, "date"), str(*m, "state"),
                                     static_cast<int>(integer(*m, "items")),
                                     static_cast<int>(integer(*m, "items_open")),
                                     static_cast<int>(integer(*m, "items_overdue"))});
            });
}

void JmMeetingsView::open(Session& session, int64_t id) {
  if (id != openId_) {
    form_ = Form::None;
    meeting_ = Meeting{};
  }
  openId_ = id;
  meetingError_.clear();
  net_.get(session, "/api/v1/meetings/" + std::to_string(id), [this, id](const Response& r) {
    if (id != openId_) return;
    if (!r.ok()) {
      meetingError_ = r.errorText();
      return;
    }
    const JsonDoc doc = parseJson(r.body);
    if (doc.valid()) readMeeting(doc.root());
  });
}

void JmMeetingsView::readMeeting(const JsonValue& root) {
  Meeting m;
  m.id = integer(root, "id");
  m.kind = str(root, "kind");
  m.title = str(root, "title");
  m.date = str(root, "date");
  m.state = str(root, "state");
  m.minutes = str(root, "minutes");
  m.heldAt = str(root, "held_at");
  m.closedAt = str(root, "closed_at");
  m.agenda = strings(root, "agenda");
  m.attendees = strings(root, "attendees");
  for (const JsonValue* i : items(root, "items")) {
    Item item;
    item.id = integer(*i, "id");
    item.text = str(*i, "text");
    item.ownerId = str(*i, "owner_unit_id");
    item.ownerName = str(*i, "owner_unit_name");
    item.due = str(*i, "due");
    item.dueRule = str(*i, "due_rule");
    item.state = str(*i, "state");
    item.doneAt = str(*i, "done_at");
    item.doneNote = str(*i, "done_note");
    item.hasLeft = member(*i, "working_days_left") != nullptr;
    item.left = static_cast<int>(integer(*i, "working_days_left"));
    for (const JsonValue* c : items(*i, "cases"))
      item.cases.push_back(
          {str(*c, "case_id"), str(*c, "effect"), str(*c, "detail"), str(*c, "applied_at")});
    m.items.push_back(std::move(item));
  }
  meeting_ = std::move(m);
}

// ---- forms ----------------------------------------------------------------------------------

void JmMeetingsView::beginForm(Session& session, Form form, const Item* item) {
  (void)session;
  form_ = form;
  formItem_ = item ? item->id : 0;
  formError_.clear();
  switch (form) {
    case Form::Create:
      kind_ = 0;
      title_.clear();
      date_ = jm::todayText();
      agenda_.clear();
      attendees_.clear();
      attendeeFilter_.clear();
      break;
    case Form::Agenda: {
      kind_ = meeting_.kind == "dispatch" ? 1 : 0;
      title_ = meeting_.title;
      date_ = meeting_.date;
      agenda_.clear();
      for (const std::string& a : meeting_.agenda) agenda_ += a + "\n";
      attendees_ = meeting_.attendees;
      attendeeFilter_.clear();
      break;
    }
    case Form::Hold:
      minutes_.clear();
      break;
    case Form::Item:
      itemText_.clear();
      ownerId_.clear();
      ownerFilter_.clear();
      dueByDate_ = false;
      workingDays_ = 5;
      itemDue_ = jm::todayText();
      break;
    case Form::Apply:
      applyCases_.clear();
      applyUnit_ = item ? item->ownerId : std::string();
      applyFilter_.clear();
      effect_ = 1;
      break;
    case Form::Done:
      doneNote_.clear();
      break;
    case Form::None:
      break;
  }
}

void JmMeetingsView::send(Session& session, Navigator& nav) {
  const std::string base = "/api/v1/meetings/" + std::to_string(openId_);
  std::string path, body, done;
  std::vector<std::string> appliedTo;
  switch (form_) {
    case Form::Create:
    case Form::Agenda: {
      if (jm::blank(title_)) {
        formError_ = "请填写会议名称。";
        return;
      }
      if (!Date::parse(date_)) {
        formError_ = "会议日期应为 YYYY-MM-DD，例如 " + jm::todayText() + "。";
        return;
      }
      JsonBuilder b;
      b.field("kind", kind_ == 0 ? "joint" : "dispatch").field("title", title_);
      b.field("date", date_).beginArray("agenda");
      for (const std::string& line : jm::lines(agenda_)) b.value(line);
      b.endArray().beginArray("attendees");
      for (const std::string& u : attendees_) b.value(u);
      b.endArray();
      body = b.finish();
      path = form_ == Form::Create ? std::string("/api/v1/meetings") : base + "/agenda";
      done = form_ == Form::Create ? "已新建会议。" : "已修改议题。";
      break;
    }
    case Form::Hold:
      if (jm::blank(minutes_)) {
        formError_ = "请填写会议纪要。";
        return;
      }
      path = base + "/hold";
      body = JsonBuilder().field("minutes", minutes_).finish();
      done = "已登记会议纪要，会议已召开。";
      break;
    case Form::Item: {
      if (jm::blank(itemText_)) {
        formError_ = "请填写议定事项。";
        return;
      }
      if (ownerId_.empty()) {
        formError_ = "请选择责任单位。";
        return;
      }
      JsonBuilder b;
      b.field("text", itemText_).field("owner_unit_id", ownerId_);
      if (dueByDate_) {
        if (!Date::parse(itemDue_)) {
          formError_ = "办结日期应为 YYYY-MM-DD。";
          return;
        }
        b.field("due", itemDue_);
      } else {
        b.field("working_days", workingDays_);
      }
      path = base + "/items";
      body = b.finish();
      done = "已增加议定事项。";
      break;
    }
    case Form::Apply: {
      appliedTo = jm::caseNumbers(applyCases_);
      if (appliedTo.empty()) {
        formError_ = "请填写案件编号，可一次粘贴多个（以空格、逗号或换行分隔）。";
        return;
      }
      JsonBuilder b;
      b.beginArray("case_ids");
      for (const std::string& id : appliedTo) b.value(id);
      b.endArray().field("effect", effect_ == 0 ? "handler" : "deadline");
      if (effect_ == 0 && !applyUnit_.empty()) b.field("unit_id", applyUnit_);
      path = base + "/items/" + std::to_string(formItem_) + "/apply";
      body = b.finish();
      done = "已落实到" + std::to_string(appliedTo.size()) + "件案件。";
      break;
    }
    case Form::Done:
      if (jm::blank(doneNote_)) {
        formError_ = "请填写办结情况。";
        return;
      }
      path = base + "/items/" + std::to_string(formItem_) + "/done";
      body = JsonBuilder().field("note", doneNote_).finish();
      done = "议定事项已办结。";
      break;
    case Form::None:
      return;
  }

  sending_ = true;
  formError_.clear();
  const Form form = form_;
  net_.post(session, path, body, [this, form, done, appliedTo, &session, &nav](const Response& r) {
    sending_ = false;
    if (!r.ok()) {
      formError_ = r.errorText();
      return;
    }
    form_ = Form::None;
    notice_ = done;
    listLoaded_ = false;
    // The cases a decision moved changed: boards and lists showing them reload.
    for (const std::string& id : appliedTo) nav.caseChanged(id);
    if (form == Form::Create) {
      const JsonDoc doc = parseJson(r.body);
      if (doc.valid()) open(session, integer(doc.root(), "id"));
    } else if (form == Form::Apply) {
      const JsonDoc doc = parseJson(r.body);  // the answer is the meeting
      if (doc.valid()) readMeeting(doc.root());
    } else {
      open(session, openId_);
    }
  });
}

void JmMeetingsView::closeMeeting(Session& session) {
  const int64_t id = openId_;
  net_.post(session, "/api/v1/meetings/" + std::to_string(id) + "/close", "{}",
            [this, id, &session](const Response& r) {
              if (r.ok()) {
                notice_ = "会议已关闭。";
                meetingError_.clear();
              } else {
                meetingError_ = r.errorText();
              }
              listLoaded_ = false;
              if (id == openId_) open(session, id);
            });
}

void JmMeetingsView::drawForm(Session& session, Navigator& nav, float scale) {
  if (form_ == Form::None) return;
  const char* title = "";
  switch (form_) {
    case Form::Create:
      title = "新建会议";
      break;
    case Form::Agenda:
      title = "修改议题和参会单位";
      break;
    case Form::Hold:
      title = "登记会议纪要";
      break;
    case Form::Item:
      title = "新增议定事项";
      break;
    case Form::Apply:
      title = "议定事项落实到案件";
      break;
    case Form::Done:
      title = "议定事项办结";
      break;
    case Form::None:
      break;
  }
  ImGui::SeparatorText(title);
  exposeItem("jm.form");
  if (form_ == Form::Create || form_ == Form::Agenda) {
    if (ImGui::RadioButton("联席会议", kind_ == 0)) kind_ = 0;
    exposeItem("jm.form.kind.joint");
    ImGui::SameLine();
    if (ImGui::RadioButton("调度会", kind_ == 1)) kind_ = 1;
    exposeItem("jm.form.kind.dispatch");
    jm::labelledField("会议名称", "##title", "", title_, 420 * scale);
    exposeItem("jm.form.title");
    jm::labelledField("会议日期", "##date", "YYYY-MM-DD", date_, 140 * scale);
    exposeItem("jm.form.date");
    ImGui::TextUnformatted("议题（每行一项）：");
    ui::inputMultiline("##agenda", agenda_, ImVec2(-FLT_MIN, 90 * scale));
    exposeItem("jm.form.agenda");
    ImGui::TextUnformatted("参会单位：");
    jm::unitChecklist("jm.form.attendee", session, attendeeFilter_, attendees_, nullptr,
                      130 * scale);
  } else if (form_ == Form::Hold) {
    ImGui::TextUnformatted("会议纪要（登记后会议即为已召开，议题不能再改）：");
    ui::inputMultiline("##minutes", minutes_, ImVec2(-FLT_MIN, 140 * scale));
    exposeItem("jm.form.minutes");
  } else if (form_ == Form::Item) {
    ImGui::TextUnformatted("议定事项：");
    ui::inputMultiline("##itemText", itemText_, ImVec2(-FLT_MIN, 70 * scale));
    exposeItem("jm.form.item_text");
    ImGui::TextUnformatted("责任单位：");
    jm::unitPicker("jm.form.owner", session, ownerFilter_, ownerId_, nullptr, 110 * scale);
    ImGui::TextUnformatted("办结时限：");
    ImGui::SameLine();
    if (ImGui::RadioButton("自会议之日起工作日数", !dueByDate_)) dueByDate_ = false;
    exposeItem("jm.form.due_mode.days");
    ImGui::SameLine();
    if (ImGui::RadioButton("指定日期", dueByDate_)) dueByDate_ = true;
    exposeItem("jm.form.due_mode.date");
    if (dueByDate_) {
      jm::labelledField("办结日期", "##itemDue", "YYYY-MM-DD", itemDue_, 140 * scale);
      exposeItem("jm.form.due");
    } else {
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted("自会议之日起");
      ImGui::SameLine();
      ImGui::SetNextItemWidth(140 * scale);
      ImGui::InputInt("个工作日", &workingDays_);
      workingDays_ = std::clamp(workingDays_, 1, 250);
      exposeItem("jm.form.working_days");
    }
  } else if (form_ == Form::Apply) {
    const auto it = std::find_if(meeting_.items.begin(), meeting_.items.end(),
                                 [&](const Item& i) { return i.id == formItem_; });
    if (it != meeting_.items.end()) {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextDisabled("议定事项%lld：%s（时限 %s）", static_cast<long long>(it->id),
                          it->text.c_str(), it->due.c_str());
      ImGui::PopTextWrapPos();
    }
    ImGui::TextUnformatted("案件编号（可粘贴多个，以空格、逗号或换行分隔）：");
    ui::inputMultiline("##cases", applyCases_, ImVec2(-FLT_MIN, 60 * scale));
    exposeItem("jm.form.cases");
    ImGui::TextUnformatted("落实方式：");
    ImGui::SameLine();
    if (ImGui::RadioButton("改派承办单位", effect_ == 0)) effect_ = 0;
    exposeItem("jm.form.effect.handler");
    ImGui::SameLine();
    if (ImGui::RadioButton("按议定调整时限", effect_ == 1)) effect_ = 1;
    exposeItem("jm.form.effect.deadline");
    if (effect_ == 0) {
      ImGui::TextUnformatted("分转至（默认为责任单位）：");
      jm::unitPicker("jm.form.unit", session, applyFilter_, applyUnit_, nullptr, 110 * scale);
    } else {
      ImGui::TextDisabled("各案件正在办理的承办，办结时限改为议定事项的时限（规则 D）。");
    }
  } else if (form_ == Form::Done) {
    ImGui::TextUnformatted("办结情况：");
    ui::inputMultiline("##note", doneNote_, ImVec2(-FLT_MIN, 70 * scale));
    exposeItem("jm.form.note");
  }
  ui::errorText(formError_);
  if (!formError_.empty()) exposeItem("jm.form.error");
  if (theme::primaryButton(sending_ ? "正在提交…###jmsubmit" : "提交###jmsubmit",
                           ImVec2(110 * scale, 0)) &&
      !sending_)
    send(session, nav);
  exposeItem("jm.form.submit");
  ImGui::SameLine();
  if (ImGui::Button("取消", ImVec2(110 * scale, 0))) form_ = Form::None;
  exposeItem("jm.form.cancel");
  ImGui::Separator();
}

// ---- list -----------------------------------------------------------------------------------

void JmMeetingsView::drawList(Session& session, const JmAccess& access, float scale) {
  (void)scale;
  if (access.edit) {
    if (ImGui::Button("新建会议")) {
      openId_ = 0;
      beginForm(session, Form::Create);
    }
    exposeItem("jm.meeting.new");
  }
  ui::errorText(listError_);
  if (meetings_.empty()) ImGui::TextDisabled(listLoading_ ? "正在载入…" : "还没有会议。");
  for (const Summary& m : meetings_) {
    ImGui::PushID(static_cast<int>(m.id));
    const std::string label = std::string("[") + kindZh(m.kind) + "] " + m.title;
    if (ImGui::Selectable((label + "##m").c_str(), m.id == openId_)) open(session, m.id);
    exposeItem("jm.meeting." + std::to_string(m.id));
    ImGui::TextDisabled("  %s  %s  议定事项%d项，未办结%d项", m.date.c_str(),
                        meetingStateZh(m.state), m.items, m.open);
    if (m.overdue > 0) {
      ImGui::SameLine();
      ui::badge("▲ 逾期" + std::to_string(m.overdue) + "项", theme::kOverdueBg, theme::kOnBrand);
    }
    ImGui::Separator();
    ImGui::PopID();
  }
}

// ---- one meeting ----------------------------------------------------------------------------

void JmMeetingsView::drawMeeting(Session& session, Navigator& nav, const JmAccess& access,
                                 float scale) {
  if (openId_ == 0) {
    if (form_ == Form::Create)
      drawForm(session, nav, scale);
    else
      ImGui::TextDisabled("选择左侧的一次会议。");
    return;
  }
  if (meeting_.id != openId_) {
    ui::errorText(meetingError_);
    if (meetingError_.empty()) ImGui::TextDisabled("正在载入…");
    return;
  }
  const Meeting& m = meeting_;
  ImGui::Text("[%s] %s", kindZh(m.kind), m.title.c_str());
  exposeItem("jm.meeting.title");
  ImGui::SameLine();
  ui::badge(meetingStateZh(m.state), m.state == "held" ? theme::kBrand : theme::kOnTimeBg,
            m.state == "held" ? theme::kOnBrand : theme::kTextDark);
  exposeItem("jm.meeting.state." + m.state);
  ImGui::TextDisabled("会议日期 %s%s%s", m.date.c_str(),
                      m.heldAt.empty() ? "" : ("，纪要登记于 " + m.heldAt).c_str(),
                      m.closedAt.empty() ? "" : ("，关闭于 " + m.closedAt).c_str());

  // The office's actions for this state.
  if (access.edit) {
    if (m.state == "draft") {
      if (ImGui::Button("修改议题")) beginForm(session, Form::Agenda);
      exposeItem("jm.meeting.edit_agenda");
      ImGui::SameLine();
      if (ImGui::Button("登记纪要（会议已召开）")) beginForm(session, Form::Hold);
      exposeItem("jm.meeting.hold");
    } else if (m.state == "held") {
      if (ImGui::Button("新增议定事项")) beginForm(session, Form::Item);
      exposeItem("jm.meeting.add_item");
      ImGui::SameLine();
      if (ImGui::Button("关闭会议")) closeMeeting(session);
      exposeItem("jm.meeting.close");
    }
  }
  ui::errorText(meetingError_);
  if (!meetingError_.empty()) exposeItem("jm.meeting.error");
  drawForm(session, nav, scale);

  ImGui::SeparatorText("议题");
  if (m.agenda.empty()) ImGui::TextDisabled("（无）");
  for (size_t i = 0; i < m.agenda.size(); ++i) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::Text("%zu. %s", i + 1, m.agenda[i].c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::SeparatorText("参会单位");
  std::string names;
  for (const std::string& u : m.attendees)
    names += (names.empty() ? "" : "、") + session.unitName(u);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(names.empty() ? "（未登记）" : names.c_str());
  ImGui::PopTextWrapPos();
  ImGui::SeparatorText("会议纪要");
  ImGui::PushTextWrapPos(0.0f);
  if (m.minutes.empty())
    ImGui::TextDisabled("会议召开后登记。");
  else
    ImGui::TextUnformatted(m.minutes.c_str());
  ImGui::PopTextWrapPos();
  exposeItem("jm.meeting.minutes");
  drawItems(session, nav, access);
}

// ---- decided items --------------------------------------------------------------------------

void JmMeetingsView::drawItems(Session& session, Navigator& nav, const JmAccess& access) {
  ImGui::SeparatorText("议定事项");
  if (meeting_.items.empty()) {
    ImGui::TextDisabled(meeting_.state == "draft" ? "会议召开（登记纪要）后录入议定事项。"
                                                  : "（无）");
    return;
  }
  if (!ImGui::BeginTable(
          "##items", 5,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("议定事项", 0, 3.0f);
  ImGui::TableSetupColumn("责任单位", 0, 1.6f);
  ImGui::TableSetupColumn("时限", 0, 1.9f);
  ImGui::TableSetupColumn("落实到案件", 0, 2.2f);
  ImGui::TableSetupColumn("操作", 0, 1.4f);
  ImGui::TableHeadersRow();
  for (const Item& item : meeting_.items) {
    const std::string key = "jm.item." + std::to_string(item.id);
    ImGui::PushID(static_cast<int>(item.id));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::Text("%lld. %s", static_cast<long long>(item.id), item.text.c_str());
    if (item.state == "done")
      ImGui::TextDisabled("办结于 %s：%s", item.doneAt.c_str(), item.doneNote.c_str());
    ImGui::PopTextWrapPos();
    exposeItem(key + ".state." + item.state);
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(item.ownerName.c_str());
    ImGui::PopTextWrapPos();
    ImGui::TableNextColumn();
    ImGui::Text("%s（%s）", item.due.c_str(), item.dueRule.c_str());
    exposeItem(key + ".due." + item.due);
    jm::dueMark(item.state == "done", item.state == "overdue", item.hasLeft, item.left, "个工作日",
                "已办结");
    ImGui::TableNextColumn();
    if (item.cases.empty()) ImGui::TextDisabled("（未落实到案件）");
    for (const AppliedCase& c : item.cases) {
      if (ImGui::SmallButton((c.caseId + "##" + c.effect).c_str())) nav.openCase(c.caseId);
      exposeItem(key + ".case." + c.caseId);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", c.detail.c_str());
      ImGui::SameLine();
      ImGui::TextDisabled("%s", effectZh(c.effect).c_str());
    }
    ImGui::TableNextColumn();
    if (access.edit && meeting_.state == "held" && item.state != "done") {
      if (ImGui::SmallButton("落实到案件")) beginForm(session, Form::Apply, &item);
      exposeItem(key + ".apply");
      if (ImGui::SmallButton("办结")) beginForm(session, Form::Done, &item);
      exposeItem(key + ".done");
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

void JmMeetingsView::draw(Session& session, Navigator& nav, const JmAccess& access, float scale) {
  if (!listLoaded_) loadList(session);
  ui::noticeText(notice_);
  ImGui::BeginChild("##meetingList", ImVec2(340 * scale, 0), true);
  drawList(session, access, scale);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##meeting", ImVec2(0, 0), true);
  drawMeeting(session, nav, access, scale);
  ImGui::EndChild();
}

}  // namespace pcs::client
