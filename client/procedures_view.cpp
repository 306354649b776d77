// Sections: helpers | list and filters | opening a procedure | one procedure | evidence and
// proposal | steps | actions | history
#include "procedures_view.h"

#include <cstdio>
#include <ctime>

#include "imgui.h"
#include "pcs/date.h"
#include "surveys_view.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {
namespace {

// ---- helpers --------------------------------------------------------------------------------

struct Kind {
  const char* key;
  const char* zh;
};
constexpr Kind kKinds[] = {{"grade_review", "等级核查"}, {"exit", "退出程序"}};

// Answers meant for a view that was replaced (another user signed in) never match the new
// one's generation, because each view starts from its own range.
uint64_t firstGeneration() {
  static uint64_t counter = 0;
  return counter += 1000000;
}

std::string today() {
  return cstDate(static_cast<int64_t>(std::time(nullptr))).toString();
}

bool blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

// The days-left mark of a step or procedure: ▲ on red when late, ● on amber for the last two
// days, plain otherwise; always with its words.
void daysBadge(const std::string& text, int64_t daysLeft, bool overdue) {
  if (text.empty()) return;
  if (overdue)
    ui::badge("▲ " + text, theme::kOverdueBg, theme::kOnBrand);
  else if (daysLeft <= ui::kDueSoonWorkingDays)
    ui::badge("● " + text, theme::kDueSoonBg, theme::kTextDark);
  else
    ui::badge(text, theme::kOnTimeBg, theme::kTextDark);
}

// A criterion's sentence: "textZh" in a procedure's proposal, "text_zh" in ledger evidence.
std::string criterionText(const JsonValue& c) {
  std::string text = str(c, "textZh");
  return text.empty() ? str(c, "text_zh") : text;
}

// A number of a criterion as written: a share as a percentage, a count as it is.
std::string criterionNumber(const JsonValue& c, const char* name) {
  const double v = number(c, name);
  char out[32];
  if (str(c, "what") == "satisfaction")
    std::snprintf(out, sizeof out, "%.1f%%", v * 100.0);
  else
    std::snprintf(out, sizeof out, "%g", v);
  return out;
}

void criteriaTable(const char* id, const std::vector<const JsonValue*>& criteria) {
  if (criteria.empty()) return;
  if (!ImGui::BeginTable(
          id, 3,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("依据", 0, 4.0f);
  ImGui::TableSetupColumn("实际", 0, 1.0f);
  ImGui::TableSetupColumn("标准", 0, 1.0f);
  ImGui::TableHeadersRow();
  for (const JsonValue* c : criteria) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(criterionText(*c).c_str());
    ImGui::PopTextWrapPos();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(criterionNumber(*c, "value").c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(criterionNumber(*c, "threshold").c_str());
  }
  ImGui::EndTable();
}

}  // namespace

// ---- list and filters -------------------------------------------------------------------------

void ProceduresView::load(Session& session) {
  listStale_ = false;
  loading_ = true;
  if (generation_ == 0) generation_ = firstGeneration();
  const uint64_t generation = ++generation_;
  std::string query;
  if (!kind_.empty()) query += "&kind=" + kind_;
  if (!state_.empty()) query += "&state=" + state_;
  if (overdueOnly_) query += "&overdue=1";
  if (!county_.empty()) query += "&county=" + urlEncode(county_);
  if (!query.empty()) query[0] = '?';
  session.net().get("/api/v1/procedures" + query, [this, generation](const Response& r) {
    if (generation != generation_) return;
    loading_ = false;
    items_.clear();
    if (!r.ok()) {
      listError_ = r.status == 403 ? "本单位不办理等级核查和退出程序。" : r.errorText();
      return;
    }
    listError_.clear();
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) return;
    for (const JsonValue* p : client::items(doc.root(), "items")) {
      Item item;
      item.id = integer(*p, "id");
      item.kindZh = str(*p, "kind_zh");
      item.companyName = str(*p, "company_name");
      item.estateName = str(*p, "estate_name");
      item.countyName = str(*p, "county_name");
      item.state = str(*p, "state");
      item.stageZh = str(*p, "stage_zh");
      item.outcomeZh = str(*p, "outcome_zh");
      item.currentDue = str(*p, "current_due");
      item.daysText = str(*p, "days_text");
      item.daysLeft = integer(*p, "days_left");
      item.overdue = flag(*p, "overdue");
      items_.push_back(std::move(item));
    }
  });
}

void ProceduresView::drawFilters(Session& session, float scale) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("类型");
  ImGui::SameLine();
  if (ImGui::RadioButton("全部##kind", kind_.empty())) kind_.clear(), listStale_ = true;
  exposeItem("procedure.filter.kind.all");
  for (const Kind& k : kKinds) {
    ImGui::SameLine();
    if (ImGui::RadioButton(k.zh, kind_ == k.key)) kind_ = k.key, listStale_ = true;
    exposeItem(std::string("procedure.filter.kind.") + k.key);
  }
  ImGui::SameLine(0, 24 * scale);
  struct StateChoice {
    const char* key;
    const char* zh;
  };
  for (const StateChoice s : {StateChoice{"open", "进行中"}, StateChoice{"closed", "已结束"},
                              StateChoice{"", "全部##state"}}) {
    if (ImGui::RadioButton(s.zh, state_ == s.key)) state_ = s.key, listStale_ = true;
    exposeItem(std::string("procedure.filter.state.") + (*s.key ? s.key : "all"));
    ImGui::SameLine();
  }
  ImGui::Dummy(ImVec2(12 * scale, 0));
  ImGui::SameLine();
  if (ImGui::Checkbox("仅逾期", &overdueOnly_)) listStale_ = true;
  exposeItem("procedure.filter.overdue");
  if (session.userCountyId().empty()) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110 * scale);
    const std::string current = county_.empty() ? std::string("全市") : session.unitName(county_);
    if (ImGui::BeginCombo("##county", current.c_str())) {
      if (ImGui::Selectable("全市", county_.empty())) county_.clear(), listStale_ = true;
      for (const OrgUnit* c : session.childAreas("city"))
        if (ImGui::Selectable(c->name.c_str(), c->id == county_))
          county_ = c->id, listStale_ = true;
      ImGui::EndCombo();
    }
    exposeItem("procedure.filter.county");
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("刷新##procedures")) {
    listStale_ = true;
    if (openId_ != 0) openProcedure(session, openId_);
  }
  if (SurveysView::mayManage(session)) {
    ImGui::SameLine();
    if (ImGui::SmallButton(showNew_ ? "收起" : "发起程序")) showNew_ = !showNew_;
    exposeItem("procedure.new");
  }
}

void ProceduresView::draw(Session& session, float scale) {
  if (listStale_ && !loading_) load(session);
  drawFilters(session, scale);
  if (showNew_) drawNew(session, scale);
  if (!listError_.empty()) {
    ImGui::TextDisabled("%s", listError_.c_str());
    return;
  }
  ImGui::BeginChild("##procedures", ImVec2(340 * scale, 0), true);
  drawList(session, scale);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##procedure", ImVec2(0, 0), true);
  drawDetail(session, scale);
  ImGui::EndChild();
}

void ProceduresView::drawList(Session& session, float scale) {
  (void)scale;
  if (items_.empty()) ImGui::TextDisabled(loading_ ? "正在载入…" : "没有符合条件的程序。");
  for (const Item& p : items_) {
    ImGui::PushID(static_cast<int>(p.id));
    const std::string label =
        p.kindZh + "  " + p.companyName + "\n" + p.estateName + "（" + p.countyName + "）  " +
        (p.state == "closed" ? "已结束" + (p.outcomeZh.empty() ? "" : "：" + p.outcomeZh)
                             : "当前：" + p.stageZh);
    if (ImGui::Selectable(label.c_str(), p.id == openId_)) openProcedure(session, p.id);
    exposeItem("procedure.item." + std::to_string(p.id));
    if (p.state != "closed" && !p.currentDue.empty()) {
      ImGui::TextDisabled("期限 %s", p.currentDue.c_str());
      ImGui::SameLine();
      daysBadge(p.daysText, p.daysLeft, p.overdue);
    }
    ImGui::Separator();
    ImGui::PopID();
  }
}

// ---- opening a procedure ----------------------------------------------------------------------

void ProceduresView::drawNew(Session& session, float scale) {
  ImGui::SeparatorText("发起等级核查或退出程序");
  for (const Kind& k : kKinds) {
    if (ImGui::RadioButton((std::string(k.zh) + "##new").c_str(), newKind_ == k.key))
      newKind_ = k.key;
    exposeItem(std::string("procedure.new.kind.") + k.key);
    ImGui::SameLine();
  }
  ImGui::BeginGroup();
  newEstate_.draw(session, "##new_estate", "小区（输入名称的一部分）", "procedure.new.estate",
                  220 * scale);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(280 * scale);
  ui::inputTextWithHint("##new_reason", "发起理由（必填）", newReason_);
  exposeItem("procedure.new.reason");
  ImGui::SameLine();
  if (theme::primaryButton("发起##procedure")) {
    if (newEstate_.estateId().empty()) {
      newError_ = "请先选择小区。";
    } else if (blank(newReason_)) {
      newError_ = "请填写发起理由。";
    } else {
      newError_.clear();
      session.net().post("/api/v1/procedures",
                         JsonBuilder()
                             .field("kind", newKind_)
                             .field("estate_id", newEstate_.estateId())
                             .field("reason", newReason_)
                             .finish(),
                         [this](const Response& r) {
                           if (!r.ok()) {
                             newError_ = r.errorText();
                             return;
                           }
                           showNew_ = false;
                           newEstate_.clear();
                           newReason_.clear();
                           notice_ = "已发起。";
                           listStale_ = true;
                           const JsonDoc doc = parseJson(r.body);
                           if (doc.valid()) {
                             openId_ = integer(doc.root(), "id");
                             procedure_ = doc;
                           }
                         });
    }
  }
  exposeItem("procedure.new.submit");
  ui::errorText(newError_);
  ImGui::Separator();
}

// ---- one procedure ----------------------------------------------------------------------------

void ProceduresView::openProcedure(Session& session, int64_t id) {
  if (id != openId_) {
    formAction_.clear();
    formError_.clear();
  }
  openId_ = id;
  session.net().get("/api/v1/procedures/" + std::to_string(id), [this, id](const Response& r) {
    if (id != openId_) return;
    if (!r.ok()) {
      detailError_ = r.errorText();
      return;
    }
    detailError_.clear();
    procedure_ = parseJson(r.body);
  });
}

void ProceduresView::drawDetail(Session& session, float scale) {
  if (openId_ == 0) {
    ImGui::TextDisabled("选择左侧的一个程序。");
    return;
  }
  ui::errorText(detailError_);
  if (!procedure_.valid() || integer(procedure_.root(), "id") != openId_) {
    ImGui::TextDisabled("正在载入…");
    return;
  }
  const JsonValue& p = procedure_.root();
  const bool closed = str(p, "state") == "closed";
  ImGui::Text("%s（编号%lld）  %s", str(p, "kind_zh").c_str(), static_cast<long long>(openId_),
              str(p, "company_name").c_str());
  exposeItem("procedure.detail." + std::to_string(openId_));
  ImGui::SameLine();
  if (closed) {
    const std::string outcome = str(p, "outcome_zh");
    ui::badge("已结束" + (outcome.empty() ? std::string() : "：" + outcome), theme::kBrand,
              theme::kOnBrand);
  } else {
    ui::badge("当前阶段：" + str(p, "stage_zh"), theme::kBrand, theme::kOnBrand);
    ImGui::SameLine();
    daysBadge(str(p, "days_text"), integer(p, "days_left"), flag(p, "overdue"));
    if (flag(p, "overdue")) exposeItem("procedure.overdue");
  }
  exposeItem("procedure.stage." + str(p, "stage"));

  if (ImGui::BeginTable("##fields", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, 100 * scale);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    ui::fieldRow("小区", str(p, "estate_name") + "（" + str(p, "county_name") + "）");
    ui::fieldRow("发起", str(p, "opened_at") + "  " + str(p, "opened_by_name"));
    ui::fieldRow("发起理由", str(p, "reason"));
    const std::string before = str(p, "grade_before"), after = str(p, "grade_after");
    if (!before.empty() || !after.empty())
      ui::fieldRow("服务等级", before + (after.empty() ? "" : " → " + after));
    if (!closed && !str(p, "current_due").empty()) ui::fieldRow("当前期限", str(p, "current_due"));
    if (const JsonValue* s = member(p, "survey"); s && s->IsObject()) {
      char rate[16];
      std::snprintf(rate, sizeof rate, "%.1f%%", number(*s, "satisfaction") * 100.0);
      std::string text = "测评" + std::to_string(integer(*s, "id")) + "：满意率" + rate +
                         "（有效答卷" + std::to_string(integer(*s, "counted")) + "份）";
      if (flag(*s, "refused_to_fix")) text += "；企业拒不整改";
      if (flag(*s, "fix_inadequate")) text += "；整改不到位";
      if (!str(*s, "published_on").empty()) text += "；" + str(*s, "published_on") + "公布";
      ui::fieldRow("调查结果", text);
    }
    ImGui::EndTable();
  }
  ui::noticeText(notice_);
  drawEvidence(p);
  drawActions(session, p, scale);
  drawSteps(p);
  drawEvents(p);
}

// ---- evidence and proposal --------------------------------------------------------------------

void ProceduresView::drawEvidence(const JsonValue& p) {
  // The ledger proposal the procedure was opened on: {"proposal":{...}} or the proposal itself.
  const JsonValue* evidence = member(p, "evidence");
  if (evidence && evidence->IsObject()) {
    const JsonValue* proposal = member(*evidence, "proposal");
    if (!proposal) proposal = evidence;
    ImGui::SeparatorText("发起依据（企业台账提议）");
    const std::string why = str(*proposal, "explanation_zh");
    if (!why.empty()) ImGui::TextWrapped("%s", why.c_str());
    criteriaTable("##evidence", client::items(*proposal, "criteria"));
  }

  const JsonValue* next = member(p, "next_proposal");
  if (next && next->IsObject()) {
    ImGui::SeparatorText("系统建议的下一步");
    const std::string action = str(*next, "action");
    ui::badge(action == "regrade" ? "建议：重新核定服务等级" : "建议：维持服务等级",
              action == "regrade" ? theme::kDueSoonBg : theme::kOnTimeBg, theme::kTextDark);
    exposeItem("procedure.proposal." + action);
    ImGui::TextWrapped("%s", str(*next, "text_zh").c_str());
    criteriaTable("##next", client::items(*next, "criteria"));
    ImGui::TextDisabled("系统只提出建议，由经办人决定。");
  }
}

// ---- steps ------------------------------------------------------------------------------------

void ProceduresView::drawSteps(const JsonValue& p) {
  ImGui::SeparatorText("办理步骤");
  if (!ImGui::BeginTable(
          "##steps", 6,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("步骤", 0, 2.2f);
  ImGui::TableSetupColumn("依据与责任单位", 0, 1.8f);
  ImGui::TableSetupColumn("起算", 0, 1.0f);
  ImGui::TableSetupColumn("期限", 0, 1.0f);
  ImGui::TableSetupColumn("剩余或逾期", 0, 1.3f);
  ImGui::TableSetupColumn("完成", 0, 1.8f);
  ImGui::TableHeadersRow();
  for (const JsonValue* s : client::items(p, "steps")) {
    const std::string state = str(*s, "state");
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const char* mark = state == "done"      ? "√"
                       : state == "current" ? "●"
                       : state == "skipped" ? "—"
                                            : "○";
    // The mark stays on the title's first line; the title wraps beside it.
    ImGui::TextUnformatted(mark);
    ImGui::SameLine();
    ImGui::PushTextWrapPos(0.0f);
    if (state == "current")
      ImGui::Text("%s（当前）", str(*s, "title_zh").c_str());
    else if (state == "skipped")
      ImGui::TextDisabled("%s（不适用）", str(*s, "title_zh").c_str());
    else
      ImGui::TextUnformatted(str(*s, "title_zh").c_str());
    ImGui::PopTextWrapPos();
    exposeItem("procedure.step." + str(*s, "stage") + "." + state);
    if (!str(*s, "explanation").empty())
      ImGui::SetItemTooltip("%s", str(*s, "explanation").c_str());
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted((str(*s, "rule_id") + " " + str(*s, "unit_name")).c_str());
    ImGui::PopTextWrapPos();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(str(*s, "from", "—").c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(str(*s, "due", "—").c_str());
    ImGui::TableNextColumn();
    if (state == "current") {
      daysBadge(str(p, "days_text"), integer(p, "days_left"), flag(p, "overdue"));
    } else if (state == "done") {
      if (flag(*s, "late"))
        ui::badge("▲ 逾期完成", theme::kOverdueBg, theme::kOnBrand);
      else
        ImGui::TextUnformatted("按期完成");
    }
    ImGui::TableNextColumn();
    if (state == "done") {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextUnformatted(str(*s, "done_by_name").c_str());
      ImGui::TextDisabled("%s", str(*s, "done_at").c_str());
      ImGui::PopTextWrapPos();
    }
  }
  ImGui::EndTable();
}

// ---- actions ----------------------------------------------------------------------------------

void ProceduresView::drawActions(Session& session, const JsonValue& p, float scale) {
  const std::vector<const JsonValue*> actions = client::items(p, "actions");
  if (actions.empty()) return;
  ImGui::SeparatorText("可办理的操作");
  bool first = true;
  for (const JsonValue* a : actions) {
    const std::string action = str(*a, "action");
    const std::string label = str(*a, "label_zh", action);
    if (!first) ImGui::SameLine();
    first = false;
    const bool active = formAction_ == action;
    if (active ? theme::primaryButton((label + "##action").c_str())
               : ImGui::Button((label + "##action").c_str()))
      beginForm(session, action, label);
    exposeItem("procedure.action." + action);
  }
  if (!formAction_.empty()) drawForm(session, scale);
}

void ProceduresView::beginForm(Session& session, const std::string& action,
                               const std::string& label) {
  formAction_ = action;
  formLabel_ = label;
  formError_.clear();
  text_.clear();
  newGrade_.clear();
  targetDate_.clear();
  publishedOn_ = today();
  surveyId_ = 0;
  if (action != "record_survey") return;

  // The closed surveys of the procedure's estate (of its company when it names no estate).
  surveys_.clear();
  surveysLoaded_ = false;
  const JsonValue& p = procedure_.root();
  const std::string estate = str(p, "estate_id");
  const std::string query = estate.empty() ? "company_id=" + urlEncode(str(p, "company_id"))
                                           : "estate_id=" + urlEncode(estate);
  const int64_t id = openId_;
  session.net().get("/api/v1/surveys?state=closed&" + query, [this, id](const Response& r) {
    if (id != openId_) return;
    surveysLoaded_ = true;
    if (!r.ok()) {
      formError_ = r.errorText();
      return;
    }
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) return;
    for (const JsonValue* s : client::items(doc.root(), "items")) {
      char rate[16];
      std::snprintf(rate, sizeof rate, "%.1f%%", number(*s, "satisfaction") * 100.0);
      surveys_.push_back({integer(*s, "id"), str(*s, "estate_name") + " " + str(*s, "period") +
                                                 "（满意率" + rate + "）"});
    }
  });
}

void ProceduresView::drawForm(Session& session, float scale) {
  ImGui::BeginChild("##procedure_form", ImVec2(0, 0),
                    ImGuiChildFlags_Border | ImGuiChildFlags_AutoResizeY);
  ImGui::Text("%s", formLabel_.c_str());
  if (formAction_ == "record_survey") {
    std::string current = "选择已结束的满意度测评";
    for (const SurveyChoice& s : surveys_)
      if (s.id == surveyId_) current = s.label;
    ImGui::SetNextItemWidth(320 * scale);
    if (ImGui::BeginCombo("##survey", current.c_str())) {
      for (const SurveyChoice& s : surveys_) {
        if (ImGui::Selectable(s.label.c_str(), s.id == surveyId_)) surveyId_ = s.id;
        exposeItem("procedure.form.survey." + std::to_string(s.id));
      }
      ImGui::EndCombo();
    }
    exposeItem("procedure.form.survey");
    if (surveysLoaded_ && surveys_.empty())
      ImGui::TextDisabled("该小区还没有已结束的满意度测评：请先在“满意度测评”中完成测评。");
    ImGui::SetNextItemWidth(120 * scale);
    ui::inputText("公布日期（YYYY-MM-DD）", publishedOn_);
    exposeItem("procedure.form.published_on");
  }
  if (formAction_ == "regrade") {
    ImGui::SetNextItemWidth(120 * scale);
    ui::inputTextWithHint("核定后的服务等级", "如 二级", newGrade_);
    exposeItem("procedure.form.new_grade");
  }
  if (formAction_ == "notify_owners") {
    ImGui::SetNextItemWidth(120 * scale);
    ui::inputTextWithHint("期限日期（选填）", "YYYY-MM-DD", targetDate_);
    exposeItem("procedure.form.target_date");
  }
  ImGui::TextUnformatted("说明");
  ui::inputMultiline("##text", text_, ImVec2(-FLT_MIN, 70 * scale));
  exposeItem("procedure.form.text");
  ui::errorText(formError_);
  if (theme::primaryButton(sending_ ? "正在提交…###procedure_submit" : "确定###procedure_submit",
                           ImVec2(100 * scale, 0)) &&
      !sending_)
    submitForm(session);
  exposeItem("procedure.form.submit");
  ImGui::SameLine();
  if (ImGui::Button("取消##procedure_form", ImVec2(100 * scale, 0))) formAction_.clear();
  exposeItem("procedure.form.cancel");
  ImGui::EndChild();
}

void ProceduresView::submitForm(Session& session) {
  // Checked here so the user is told at once; the server checks again.
  if (formAction_ == "record_survey" && surveyId_ == 0) {
    formError_ = "请选择满意度测评。";
    return;
  }
  if (formAction_ == "record_survey" && !Date::parse(publishedOn_)) {
    formError_ = "公布日期应为 YYYY-MM-DD。";
    return;
  }
  if (formAction_ == "regrade" && blank(newGrade_)) {
    formError_ = "请填写核定后的服务等级。";
    return;
  }
  if (formAction_ == "notify_owners" && !targetDate_.empty() && !Date::parse(targetDate_)) {
    formError_ = "期限日期应为 YYYY-MM-DD，或留空。";
    return;
  }
  JsonBuilder body;
  body.field("action", formAction_).field("version", integer(procedure_.root(), "version"));
  body.field("text", text_);
  if (formAction_ == "record_survey")
    body.field("survey_id", surveyId_).field("published_on", publishedOn_);
  if (formAction_ == "regrade") body.field("new_grade", newGrade_);
  if (formAction_ == "notify_owners" && !targetDate_.empty())
    body.field("target_date", targetDate_);

  sending_ = true;
  formError_.clear();
  const int64_t id = openId_;
  const std::string label = formLabel_;
  session.net().post("/api/v1/procedures/" + std::to_string(id) + "/actions", body.finish(),
                     [this, id, label, &session](const Response& r) {
                       sending_ = false;
                       if (id != openId_) return;
                       if (!r.ok()) {
                         formError_ = r.errorText();
                         // Someone else moved it on: show what it is now, keep what was typed.
                         if (r.status == 409) openProcedure(session, id);
                         return;
                       }
                       procedure_ = parseJson(r.body);
                       formAction_.clear();
                       notice_ = "已完成：" + label;
                       listStale_ = true;
                     });
}

// ---- history ----------------------------------------------------------------------------------

void ProceduresView::drawEvents(const JsonValue& p) {
  ImGui::SeparatorText("办理记录");
  const std::vector<const JsonValue*> events = client::items(p, "events");
  if (events.empty()) {
    ImGui::TextDisabled("无");
    return;
  }
  if (!ImGui::BeginTable(
          "##events", 4,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("时间", 0, 1.2f);
  ImGui::TableSetupColumn("人员与单位", 0, 1.8f);
  ImGui::TableSetupColumn("操作", 0, 1.2f);
  ImGui::TableSetupColumn("说明", 0, 3.0f);
  ImGui::TableHeadersRow();
  for (const JsonValue* e : events) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(str(*e, "at").c_str());
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::Text("%s（%s）", str(*e, "user_name").c_str(), str(*e, "unit_name").c_str());
    ImGui::PopTextWrapPos();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(str(*e, "action_zh", str(*e, "action")).c_str());
    exposeItem("procedure.event." + std::to_string(integer(*e, "seq")) + "." + str(*e, "action"));
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(str(*e, "text").c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndTable();
}

}  // namespace pcs::client
