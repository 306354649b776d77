// 挂牌督办: matters the joint-meeting office lists for supervision (R16). The list with owner
// unit, due date, days left or late and the months without a progress report; the office's
// form to list a matter; one matter with its plan, its reports by month (late ones marked) and
// its cases; the monthly report (owner unit's staff or the office) and 销号清零 (the city housing
// authority's unit head) with a reason.
//
// Sections: loading | forms | list | one matter
#include <algorithm>

#include "imgui.h"
#include "joint_meeting.h"
#include "pcs/date.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {
namespace {

constexpr const char* kFilterQuery[] = {"?state=open", "?state=closed", ""};

}  // namespace

// ---- loading --------------------------------------------------------------------------------

JmListedView::Matter JmListedView::readMatter(const JsonValue& v) {
  Matter m;
  m.id = integer(v, "id");
  m.title = str(v, "title");
  m.ownerId = str(v, "owner_unit_id");
  m.ownerName = str(v, "owner_unit_name");
  m.startOn = str(v, "start_on");
  m.dueOn = str(v, "due_on");
  m.state = str(v, "state");
  m.overdue = flag(v, "overdue");
  m.hasDaysLeft = member(v, "days_left") != nullptr;
  m.daysLeft = static_cast<int>(integer(v, "days_left"));
  if (const JsonValue* last = member(v, "last_progress"); last && last->IsObject()) {
    m.hasLast = true;
    m.last = {str(*last, "month"), str(*last, "text"), str(*last, "reported_at"),
              flag(*last, "late")};
  }
  m.missing = strings(v, "missing_months");
  m.description = str(v, "description");
  m.plan = str(v, "plan");
  m.closedAt = str(v, "closed_at");
  m.closeReason = str(v, "close_reason");
  m.meetingId = integer(v, "meeting_id");
  m.caseIds = strings(v, "case_ids");
  for (const JsonValue* p : items(v, "progress"))
    m.progress.push_back(
        {str(*p, "month"), str(*p, "text"), str(*p, "reported_at"), flag(*p, "late")});
  return m;
}

void JmListedView::loadList(Session& session) {
  if (listLoading_) return;
  listLoading_ = true;
  const int filter = filter_;
  net_.get(session, std::string("/api/v1/listed-matters") + kFilterQuery[filter],
           [this, filter](const Response& r) {
             listLoading_ = false;
             if (filter != filter_) return;  // the filter changed meanwhile: ask again
             listLoaded_ = true;
             if (!r.ok()) {
               listError_ = r.errorText();
               return;
             }
             listError_.clear();
             matters_.clear();
             const JsonDoc doc = parseJson(r.body);
             if (!doc.valid()) return;
             for (const JsonValue* m : items(doc.root(), "matters"))
               matters_.push_back(readMatter(*m));
           });
}

void JmListedView::open(Session& session, int64_t id) {
  if (id != openId_) {
    form_ = Form::None;
    matter_ = Matter{};
  }
  openId_ = id;
  matterError_.clear();
  net_.get(session, "/api/v1/listed-matters/" + std::to_string(id), [this, id](const Response& r) {
    if (id != openId_) return;
    if (!r.ok()) {
      matterError_ = r.errorText();
      return;
    }
    const JsonDoc doc = parseJson(r.body);
    if (doc.valid()) matter_ = readMatter(doc.root());
  });
}

bool JmListedView::mayReport(const Session& session, const JmAccess& access) const {
  const User& u = session.user();
  const bool ownerStaff =
      u.unitId == matter_.ownerId &&
      (u.has(Role::Handler) || u.has(Role::UnitHead) || u.has(Role::Dispatcher));
  // One report a month: nothing to file once this month is in and no earlier one is missing.
  const std::string month = jm::monthText();
  const bool filed = std::any_of(matter_.progress.begin(), matter_.progress.end(),
                                 [&](const Progress& p) { return p.month == month; });
  return matter_.state == "open" && (ownerStaff || access.edit) &&
         (!filed || !matter_.missing.empty());
}

// ---- forms ----------------------------------------------------------------------------------

void JmListedView::send(Session& session) {
  std::string path, body, done;
  if (form_ == Form::Create) {
    if (jm::blank(title_) || jm::blank(description_) || jm::blank(plan_)) {
      formError_ = "请填写事项名称、基本情况和工作方案。";
      return;
    }
    if (ownerId_.empty()) {
      formError_ = "请选择责任单位。";
      return;
    }
    const auto start = Date::parse(startOn_), due = Date::parse(dueOn_);
    if (!start || !due) {
      formError_ = "开始日期和办结期限应为 YYYY-MM-DD。";
      return;
    }
    if (!(*start < *due)) {
      formError_ = "办结期限应晚于开始日期。";
      return;
    }
    JsonBuilder b;
    b.field("title", title_).field("description", description_).field("plan", plan_);
    b.field("owner_unit_id", ownerId_).field("start_on", startOn_).field("due_on", dueOn_);
    if (!jm::blank(meetingId_)) {
      const std::vector<std::string> words = jm::caseNumbers(meetingId_);
      const std::string digits = words.size() == 1 ? words[0] : std::string("x");
      if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 12) {
        formError_ = "关联会议应填写会议编号（数字），不关联则留空。";
        return;
      }
      b.field("meeting_id", static_cast<int64_t>(std::stoll(digits)));
    }
    b.beginArray("case_ids");
    for (const std::string& id : jm::caseNumbers(cases_)) b.value(id);
    b.endArray();
    path = "/api/v1/listed-matters";
    body = b.finish();
    done = "已挂牌督办。";
  } else if (form_ == Form::Progress) {
    if (month_.size() != 7 || !Date::parse(month_ + "-01")) {
      formError_ = "月份应为 YYYY-MM，例如 " + jm::monthText() + "。";
      return;
    }
    if (jm::blank(text_)) {
      formError_ = "请填写本月进展情况。";
      return;
    }
    path = "/api/v1/listed-matters/" + std::to_string(openId_) + "/progress";
    body = JsonBuilder().field("month", month_).field("text", text_).finish();
    done = "已报送 " + month_ + " 进展情况。";
  } else if (form_ == Form::Close) {
    if (jm::blank(reason_)) {
      formError_ = "请填写销号理由。";
      return;
    }
    path = "/api/v1/listed-matters/" + std::to_string(openId_) + "/close";
    body = JsonBuilder().field("reason", reason_).finish();
    done = "已销号清零。";
  } else {
    return;
  }
  sending_ = true;
  formError_.clear();
  const Form form = form_;
  net_.post(session, path, body, [this, form, done, &session](const Response& r) {
    sending_ = false;
    if (!r.ok()) {
      formError_ = r.errorText();
      return;
    }
    form_ = Form::None;
    notice_ = done;
    listLoaded_ = false;
    if (form == Form::Create) {
      const JsonDoc doc = parseJson(r.body);
      if (doc.valid()) open(session, integer(doc.root(), "id"));
    } else {
      open(session, openId_);
    }
  });
}

void JmListedView::drawForm(Session& session, float scale) {
  if (form_ == Form::None) return;
  ImGui::SeparatorText(form_ == Form::Create     ? "挂牌督办事项"
                       : form_ == Form::Progress ? "报送月度进展"
                                                 : "销号清零");
  if (form_ == Form::Create) {
    jm::labelledField("事项名称", "##title", "", title_, 420 * scale);
    exposeItem("jm.listed.form.title");
    ImGui::TextUnformatted("基本情况：");
    ui::inputMultiline("##description", description_, ImVec2(-FLT_MIN, 60 * scale));
    exposeItem("jm.listed.form.description");
    ImGui::TextUnformatted("工作方案：");
    ui::inputMultiline("##plan", plan_, ImVec2(-FLT_MIN, 60 * scale));
    exposeItem("jm.listed.form.plan");
    ImGui::TextUnformatted("责任单位：");
    jm::unitPicker("jm.listed.form.owner", session, ownerFilter_, ownerId_, nullptr, 110 * scale);
    jm::labelledField("开始日期", "##startOn", "YYYY-MM-DD", startOn_, 140 * scale);
    exposeItem("jm.listed.form.start");
    ImGui::SameLine();
    jm::labelledField("办结期限", "##dueOn", "YYYY-MM-DD", dueOn_, 140 * scale);
    exposeItem("jm.listed.form.due");
    jm::labelledField("关联会议编号（选填）", "##meetingId", "如 1", meetingId_, 140 * scale);
    exposeItem("jm.listed.form.meeting");
    ImGui::TextUnformatted("涉及案件（选填，可粘贴多个编号）：");
    ui::inputMultiline("##cases", cases_, ImVec2(-FLT_MIN, 40 * scale));
    exposeItem("jm.listed.form.cases");
  } else if (form_ == Form::Progress) {
    jm::labelledField("月份", "##month", "YYYY-MM", month_, 120 * scale);
    exposeItem("jm.listed.form.month");
    if (!matter_.missing.empty()) {
      ImGui::SameLine();
      std::string missing;
      for (const std::string& m : matter_.missing) missing += (missing.empty() ? "" : "、") + m;
      ImGui::TextDisabled("未报送：%s", missing.c_str());
    }
    ImGui::TextUnformatted("进展情况：");
    ui::inputMultiline("##text", text_, ImVec2(-FLT_MIN, 90 * scale));
    exposeItem("jm.listed.form.text");
  } else {
    ImGui::TextUnformatted("销号理由：");
    ui::inputMultiline("##reason", reason_, ImVec2(-FLT_MIN, 70 * scale));
    exposeItem("jm.listed.form.reason");
  }
  ui::errorText(formError_);
  if (!formError_.empty()) exposeItem("jm.listed.form.error");
  if (theme::primaryButton(sending_ ? "正在提交…###listedsubmit" : "提交###listedsubmit",
                           ImVec2(110 * scale, 0)) &&
      !sending_)
    send(session);
  exposeItem("jm.listed.form.submit");
  ImGui::SameLine();
  if (ImGui::Button("取消", ImVec2(110 * scale, 0))) form_ = Form::None;
  exposeItem("jm.listed.form.cancel");
  ImGui::Separator();
}

// ---- list -----------------------------------------------------------------------------------

void JmListedView::drawList(Session& session, const JmAccess& access, float scale) {
  (void)scale;
  const char* const filters[] = {"在办", "已销号", "全部"};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) ImGui::SameLine();
    if (ImGui::RadioButton(filters[i], filter_ == i)) {
      filter_ = i;
      listLoaded_ = false;
    }
  }
  if (access.edit) {
    ImGui::SameLine();
    if (ImGui::Button("挂牌督办")) {
      openId_ = 0;
      form_ = Form::Create;
      formError_.clear();
      title_.clear();
      description_.clear();
      plan_.clear();
      ownerId_.clear();
      ownerFilter_.clear();
      startOn_ = jm::todayText();
      dueOn_ = Date::parse(startOn_)->addMonths(3).toString();
      meetingId_.clear();
      cases_.clear();
    }
    exposeItem("jm.listed.new");
  }
  ui::errorText(listError_);
  if (!ImGui::BeginTable(
          "##matters", 5,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("督办事项", 0, 2.6f);
  ImGui::TableSetupColumn("责任单位", 0, 1.6f);
  ImGui::TableSetupColumn("办结期限", 0, 1.9f);
  ImGui::TableSetupColumn("缺报月份", 0, 1.2f);
  ImGui::TableSetupColumn("状态", 0, 0.9f);
  ImGui::TableHeadersRow();
  for (const Matter& m : matters_) {
    ImGui::PushID(static_cast<int>(m.id));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (ImGui::Selectable(m.title.c_str(), m.id == openId_)) open(session, m.id);
    exposeItem("jm.listed." + std::to_string(m.id));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(m.ownerName.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(m.dueOn.c_str());
    jm::dueMark(m.state != "open", m.overdue, m.hasDaysLeft, m.daysLeft, "天", "已销号");
    ImGui::TableNextColumn();
    if (m.missing.empty()) {
      ImGui::TextDisabled("—");
    } else {
      ui::badge("缺" + std::to_string(m.missing.size()) + "个月", theme::kDueSoonBg,
                theme::kTextDark);
      if (ImGui::IsItemHovered()) {
        std::string all;
        for (const std::string& month : m.missing) all += (all.empty() ? "" : "、") + month;
        ImGui::SetTooltip("未报送：%s", all.c_str());
      }
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(m.state == "open" ? "督办中" : "已销号");
    ImGui::PopID();
  }
  ImGui::EndTable();
  if (matters_.empty()) ImGui::TextDisabled(listLoading_ ? "正在载入…" : "没有督办事项。");
}

// ---- one matter -----------------------------------------------------------------------------

void JmListedView::drawMatter(Session& session, Navigator& nav, const JmAccess& access,
                              float scale) {
  if (openId_ == 0) {
    if (form_ == Form::Create)
      drawForm(session, scale);
    else
      ImGui::TextDisabled("选择左侧的一项督办事项。");
    return;
  }
  if (matter_.id != openId_) {
    ui::errorText(matterError_);
    if (matterError_.empty()) ImGui::TextDisabled("正在载入…");
    return;
  }
  const Matter& m = matter_;
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(m.title.c_str());
  ImGui::PopTextWrapPos();
  exposeItem("jm.listed.title");
  ui::badge(m.state == "open" ? "督办中" : "已销号",
            m.state == "open" ? theme::kBrand : theme::kOnTimeBg,
            m.state == "open" ? theme::kOnBrand : theme::kTextDark);
  exposeItem("jm.listed.state." + m.state);
  ImGui::SameLine();
  jm::dueMark(m.state != "open", m.overdue, m.hasDaysLeft, m.daysLeft, "天", "已销号");
  ImGui::TextDisabled(
      "责任单位 %s，%s 至 %s%s", m.ownerName.c_str(), m.startOn.c_str(), m.dueOn.c_str(),
      m.meetingId > 0 ? ("，由会议" + std::to_string(m.meetingId) + "挂牌").c_str() : "");

  if (mayReport(session, access)) {
    if (ImGui::Button("报送月度进展")) {
      form_ = Form::Progress;
      formError_.clear();
      month_ = m.missing.empty() ? jm::monthText() : m.missing.front();
      text_.clear();
    }
    exposeItem("jm.listed.report");
  }
  if (access.officeHead && m.state == "open") {
    if (mayReport(session, access)) ImGui::SameLine();
    if (ImGui::Button("销号清零")) {
      form_ = Form::Close;
      formError_.clear();
      reason_.clear();
    }
    exposeItem("jm.listed.close");
  }
  drawForm(session, scale);

  if (m.state != "open") {
    ImGui::SeparatorText("销号");
    ImGui::PushTextWrapPos(0.0f);
    ImGui::Text("%s：%s", m.closedAt.c_str(), m.closeReason.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::SeparatorText("基本情况");
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(m.description.c_str());
  ImGui::PopTextWrapPos();
  ImGui::SeparatorText("工作方案");
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(m.plan.c_str());
  ImGui::PopTextWrapPos();
  if (!m.caseIds.empty()) {
    ImGui::SeparatorText("涉及案件");
    for (const std::string& id : m.caseIds) {
      if (ImGui::SmallButton(id.c_str())) nav.openCase(id);
      exposeItem("jm.listed.case." + id);
      ImGui::SameLine();
    }
    ImGui::NewLine();
  }
  ImGui::SeparatorText("月度进展");
  if (!m.missing.empty()) {
    std::string missing;
    for (const std::string& month : m.missing) missing += (missing.empty() ? "" : "、") + month;
    ui::badge("● 未报送：" + missing, theme::kDueSoonBg, theme::kTextDark);
  }
  if (m.progress.empty()) ImGui::TextDisabled("尚无进展报告。");
  for (const Progress& p : m.progress) {
    ImGui::Text("%s", p.month.c_str());
    ImGui::SameLine();
    if (p.late) {
      ui::badge("▲ 逾期报送", theme::kOverdueBg, theme::kOnBrand);
      ImGui::SameLine();
    }
    ImGui::TextDisabled("报送于 %s", p.reportedAt.c_str());
    exposeItem("jm.listed.progress." + p.month);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(p.text.c_str());
    ImGui::PopTextWrapPos();
  }
}

void JmListedView::draw(Session& session, Navigator& nav, const JmAccess& access, float scale) {
  if (!listLoaded_) loadList(session);
  ui::noticeText(notice_);
  const float listWidth = ImGui::GetContentRegionAvail().x * 0.5f;
  ImGui::BeginChild("##matterList", ImVec2(listWidth, 0), true);
  drawList(session, access, scale);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##matter", ImVec2(0, 0), true);
  drawMatter(session, nav, access, scale);
  ImGui::EndChild();
}

}  // namespace pcs::client
