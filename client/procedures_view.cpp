// Sections: helpers | list and filters | opening a procedure | one procedure | evidence and
// proposal | steps | actions | history
#include "procedures_view.h"

#include <cstdio>
#include <ctime>
#include <optional>

#include "imgui.h"
#include "pcs/date.h"
#include "pcs/ledger.h"
#include "pcs/procedure.h"
#include "pcs/workflow.h"
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

// Text wrapped to the space left on the line. ImGui breaks lines only at spaces and after ASCII
// punctuation, so a Chinese sentence breaks at its first "." ("33." / "3%"). Chinese may break
// between any two characters: this does, but keeps a run of ASCII letters, digits and signs
// ("33.3%", "2026-12-05") together, closing punctuation with the character before it and opening
// brackets with the one after.
void wrapped(std::string_view text) {
  auto isClosing = [](std::string_view t) {
    static constexpr std::string_view kClosing[] = {"，", "。", "；", "：", "、",
                                                    "）", "！", "？", "”",  "》"};
    for (std::string_view c : kClosing)
      if (t == c) return true;
    return false;
  };
  auto isOpening = [](std::string_view t) { return t == "（" || t == "“" || t == "《"; };
  // The unbreakable pieces: a run of ASCII non-blanks, a blank, a line break, or one other
  // character with the opening brackets before it and the closing marks after it.
  std::vector<std::string_view> pieces;
  bool open = false;  // the last piece ends in an opening bracket
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i + 1;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80 && c != ' ' && c != '\n') {
      while (j < text.size() && static_cast<unsigned char>(text[j]) < 0x80 && text[j] != ' ' &&
             text[j] != '\n')
        ++j;
    } else if (c >= 0x80) {
      while (j < text.size() && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80) ++j;
    }
    const std::string_view piece = text.substr(i, j - i);
    const bool join = !pieces.empty() && pieces.back() != " " && pieces.back() != "\n" &&
                      piece != " " && piece != "\n" && (open || isClosing(piece));
    if (join)
      pieces.back() =
          text.substr(pieces.back().data() - text.data(), pieces.back().size() + piece.size());
    else
      pieces.push_back(piece);
    open = isOpening(piece);
    i = j;
  }
  const float width = ImGui::GetContentRegionAvail().x;
  std::string out;
  float line = 0;
  for (const std::string_view piece : pieces) {
    if (piece == "\n") {
      out += '\n';
      line = 0;
      continue;
    }
    const float w = ImGui::CalcTextSize(piece.data(), piece.data() + piece.size()).x;
    if (line > 0 && line + w > width) {
      out += '\n';
      line = 0;
      if (piece == " ") continue;
    }
    out += piece;
    line += w;
  }
  ImGui::PushTextWrapPos(-1.0f);  // broken here already; no second wrap by ImGui
  ImGui::TextUnformatted(out.c_str());
  ImGui::PopTextWrapPos();
}

void wrappedMuted(std::string_view text) {
  ImGui::PushStyleColor(ImGuiCol_Text, theme::kTextMuted);
  wrapped(text);
  ImGui::PopStyleColor();
}

// An integer member that may be null ("days_left" of a step without a due date).
std::optional<int64_t> optInteger(const JsonValue& v, const char* name) {
  const JsonValue* m = member(v, name);
  if (!m || !m->IsNumber()) return std::nullopt;
  return integer(v, name);
}

// The days-left mark of a procedure's current step: ▲ on red when late, ● on amber for the last
// two days, plain otherwise; always with its words. Without a due date (an exit step, for which
// the notice sets no limit) only the words.
void daysBadge(const std::string& text, std::optional<int64_t> daysLeft, bool overdue) {
  if (text.empty()) return;
  if (overdue)
    ui::badge("▲ " + text, theme::kOverdueBg, theme::kOnBrand);
  else if (daysLeft && *daysLeft <= ui::kDueSoonWorkingDays)
    ui::badge("● " + text, theme::kDueSoonBg, theme::kTextDark);
  else
    ui::badge(text, theme::kOnTimeBg, theme::kTextDark);
}

// `brief`: where the row already says the date is a target a person set (目标日期, 自定), the
// server's "剩余2日（自定目标日期）" loses its bracket so that it fits a narrow column.
void daysBadge(const JsonValue& p, bool brief = false) {
  std::string text = str(p, "days_text");
  if (brief && !flag(p, "current_due_statutory")) text = text.substr(0, text.find("（"));
  daysBadge(text, optInteger(p, "days_left"), flag(p, "overdue"));
}

// A share as a percentage ("33.3%"), "—" when not measured (null).
std::string percent(const JsonValue& v, const char* name) {
  const JsonValue* m = member(v, name);
  if (!m || !m->IsNumber()) return "—";
  char out[16];
  std::snprintf(out, sizeof out, "%.1f%%", m->GetDouble() * 100.0);
  return out;
}

std::string roleName(const std::string& key) {
  const std::optional<Role> role = roleFromKey(key);
  return role ? std::string(roleZh(*role)) : key;
}

// A criterion's sentence: "textZh" in a procedure's proposal, "text_zh" in ledger evidence.
std::string criterionText(const JsonValue& c) {
  std::string text = str(c, "textZh");
  return text.empty() ? str(c, "text_zh") : text;
}

// A number of a criterion as written: a share as a percentage, complainants and months with
// their unit; a flag (low credit, refusal to fix, inadequate fixing) is 是 and has no threshold.
std::string criterionNumber(const JsonValue& c, const char* name) {
  const std::string what = str(c, "what");
  const bool threshold = std::string_view(name) == "threshold";
  if (what == "low_credit" || what == "refused_to_fix" || what == "fix_inadequate")
    return threshold ? "—" : (number(c, name) != 0 ? "是" : "否");
  if (what == "satisfaction") return (threshold ? "低于" : "") + percent(c, name);
  char out[32];
  std::snprintf(out, sizeof out, "%g", number(c, name));
  const char* unit = what == "black_list_months" ? "个月" : "名";
  return (threshold ? (what == "black_list_months" ? "连续" : "超过") : "") + std::string(out) +
         unit;
}

// The criteria of a proposal, each row exposed as "<name>.criterion.<what>.<actual value>".
void criteriaTable(const char* id, const std::string& name,
                   const std::vector<const JsonValue*>& criteria) {
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
    wrapped(criterionText(*c));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(criterionNumber(*c, "value").c_str());
    exposeItem(name + ".criterion." + str(*c, "what") + "." + criterionNumber(*c, "value"));
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
      item.currentUnitName = str(*p, "current_unit_name");
      item.currentDue = str(*p, "current_due");
      item.dueStatutory = flag(*p, "current_due_statutory");
      item.daysText = str(*p, "days_text");
      item.daysLeft = optInteger(*p, "days_left");
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
  exposeItem("procedure.refresh");
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
  exposeItem("procedure.pane");
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
    if (p.state != "closed") {
      ImGui::TextDisabled("%s", p.currentUnitName.c_str());
      if (!p.currentDue.empty()) {
        ImGui::TextDisabled("%s %s", p.dueStatutory ? "期限" : "目标日期", p.currentDue.c_str());
        ImGui::SameLine();
      }
      daysBadge(p.dueStatutory ? p.daysText : p.daysText.substr(0, p.daysText.find("（")),
                p.daysLeft, p.overdue);
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
                         [this, &session](const Response& r) {
                           if (!r.ok()) {
                             newError_ = r.errorText();
                             return;
                           }
                           showNew_ = false;
                           newEstate_.clear();
                           newReason_.clear();
                           listStale_ = true;
                           const JsonDoc doc = parseJson(r.body);
                           if (doc.valid()) openProcedure(session, integer(doc.root(), "id"));
                           notice_ = "已发起。";
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
    notice_.clear();
  }
  openId_ = id;
  session.net().get("/api/v1/procedures/" + std::to_string(id),
                    [this, id, &session](const Response& r) {
                      if (id != openId_) return;
                      if (!r.ok()) {
                        detailError_ = r.errorText();
                        return;
                      }
                      detailError_.clear();
                      procedure_ = parseJson(r.body);
                      if (procedure_.valid())
                        loadGrade(session, str(procedure_.root(), "estate_id"));
                    });
}

void ProceduresView::loadGrade(Session& session, const std::string& estateId) {
  if (estateId != gradeEstate_) {
    grade_.clear();
    companyGrade_.clear();
    gradeHistory_.clear();
  }
  gradeEstate_ = estateId;
  if (estateId.empty()) return;
  session.net().get(
      "/api/v1/estates/" + urlEncode(estateId) + "/grade", [this, estateId](const Response& r) {
        if (estateId != gradeEstate_ || !r.ok()) return;
        const JsonDoc doc = parseJson(r.body);
        if (!doc.valid()) return;
        grade_ = str(doc.root(), "grade");
        companyGrade_ = str(doc.root(), "company_grade");
        gradeHistory_.clear();
        for (const JsonValue* h : client::items(doc.root(), "history"))
          gradeHistory_.push_back(
              {str(*h, "grade"), str(*h, "at"), str(*h, "by_name"), integer(*h, "procedure_id")});
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
    daysBadge(p);
    if (flag(p, "overdue")) exposeItem("procedure.overdue");
  }
  exposeItem("procedure.stage." + str(p, "stage"));

  if (ImGui::BeginTable("##fields", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, 100 * scale);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    ui::fieldRow("小区", str(p, "estate_name") + "（" + str(p, "county_name") + "）");
    ui::fieldRow("发起", str(p, "opened_at") + "  " + str(p, "opened_by_name"));
    ui::fieldRow("发起理由", str(p, "reason"));
    if (closed) ui::fieldRow("结束", str(p, "closed_at") + "  " + str(p, "outcome_zh"));
    const std::string before = str(p, "grade_before"), after = str(p, "grade_after");
    if (!before.empty() || !after.empty()) {
      ui::fieldRow("服务等级", (before.empty() ? std::string("（未登记）") : before) +
                                   (after.empty() ? "" : " → " + after));
      exposeItem("procedure.grade." + before + "." + after);
    }
    if (!closed) {
      ui::fieldRow("当前责任单位", str(p, "current_unit_name"));
      exposeItem("procedure.current_unit." + str(p, "current_unit_id"));
      const std::string due = str(p, "current_due");
      if (!due.empty()) {
        const bool statutory = flag(p, "current_due_statutory");
        ui::fieldRow(statutory ? "当前期限" : "目标日期",
                     due + (statutory ? "" : "（自定，非规定时限）"));
        exposeItem("procedure.current_due." + due);
      }
    }
    if (const JsonValue* s = member(p, "survey"); s && s->IsObject()) {
      std::string text = "测评" + std::to_string(integer(*s, "id")) + "：满意率" +
                         percent(*s, "satisfaction") + "（有效答卷" +
                         std::to_string(integer(*s, "counted")) + "份）";
      if (flag(*s, "refused_to_fix")) text += "；企业拒不整改";
      if (flag(*s, "fix_inadequate")) text += "；整改不到位";
      if (!str(*s, "published_on").empty()) text += "；" + str(*s, "published_on") + "公布";
      ui::fieldRow("调查结果", text);
      exposeItem("procedure.survey." + std::to_string(integer(*s, "id")));
    }
    ImGui::EndTable();
  }
  ui::noticeText(notice_);
  drawEvidence(p);
  drawActions(session, p, scale);
  drawSteps(p);
  drawEvents(p);
  drawGrade();
}

// ---- evidence and proposal --------------------------------------------------------------------

void ProceduresView::drawEvidence(const JsonValue& p) {
  // The ledger proposal the procedure was opened on: {"proposal":{...}} or the proposal itself.
  const JsonValue* evidence = member(p, "evidence");
  if (evidence && evidence->IsObject()) {
    const JsonValue* proposal = member(*evidence, "proposal");
    if (!proposal) proposal = evidence;
    const int64_t proposalId = integer(p, "proposal_id");
    const std::string heading =
        "发起依据（企业台账提议" + (proposalId ? std::to_string(proposalId) : std::string()) + "）";
    ImGui::SeparatorText(heading.c_str());
    exposeItem("procedure.evidence." + std::to_string(proposalId));
    const std::string why = str(*proposal, "explanation_zh");
    if (!why.empty()) wrapped(why);
    // The complainant count behind the rule, when it counts complainants.
    if (const JsonValue* count = member(*proposal, "count"); count && count->IsObject()) {
      std::string window;
      if (const JsonValue* w = member(*count, "window"); w && w->IsObject()) {
        LedgerWindow lw;
        lw.unbounded = flag(*w, "unbounded");
        const auto start = Date::parse(str(*w, "start")), end = Date::parse(str(*w, "end"));
        if (start) lw.start = *start;
        if (end) {
          lw.end = *end;
          window = lw.describeZh();
        }
      }
      ImGui::TextDisabled("统计期 %s：%s投诉%lld件，不同投诉人%lld名", window.c_str(),
                          flag(*count, "substantiated_only") ? "属实" : "",
                          static_cast<long long>(integer(*count, "complaints")),
                          static_cast<long long>(integer(*count, "distinct_complainants")));
    }
    criteriaTable("##evidence", "procedure.evidence", client::items(*proposal, "criteria"));
  }

  const JsonValue* next = member(p, "next_proposal");
  if (next && next->IsObject()) {
    // After the regrade step it is kept as the record of what the system proposed.
    const bool pending = str(p, "stage") == "regrade";
    ImGui::SeparatorText(pending ? "系统建议的下一步" : "调查后的系统建议");
    const std::string action = str(*next, "action");
    ui::badge(action == "regrade" ? "建议：重新核定服务等级" : "建议：维持服务等级",
              action == "regrade" ? theme::kDueSoonBg : theme::kOnTimeBg, theme::kTextDark);
    exposeItem("procedure.proposal." + action);
    wrapped(str(*next, "text_zh"));
    criteriaTable("##next", "procedure.proposal", client::items(*next, "criteria"));
    if (pending) ImGui::TextDisabled("系统只提出建议，由经办人决定。");
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
    if (state == "current")
      wrapped(str(*s, "title_zh") + "（当前）");
    else if (state == "skipped")
      wrappedMuted(str(*s, "title_zh") + "（不适用）");
    else
      wrapped(str(*s, "title_zh"));
    exposeItem("procedure.step." + str(*s, "stage") + "." + state);
    if (!str(*s, "explanation").empty())
      ImGui::SetItemTooltip("%s", str(*s, "explanation").c_str());
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    const std::string rule = str(*s, "rule_id");
    ImGui::TextUnformatted(
        ((rule.empty() ? std::string("无规定时限") : rule) + " " + str(*s, "unit_name")).c_str());
    ImGui::PopTextWrapPos();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(str(*s, "from", "—").c_str());
    ImGui::TableNextColumn();
    const std::string due = str(*s, "due");
    ImGui::TextUnformatted(due.empty() ? "—" : due.c_str());
    if (!due.empty()) {
      exposeItem("procedure.step." + str(*s, "stage") + ".due." + due);
      // Counted across a year whose holiday arrangement is not yet published.
      if (flag(*s, "provisional")) {
        ImGui::TextDisabled("（暂定）");
        ImGui::SetItemTooltip("跨入尚未公布节假日安排的年份，公布后将重新计算");
      }
      if (rule.empty()) ImGui::TextDisabled("（自定）");
    }
    ImGui::TableNextColumn();
    if (state == "current") {
      daysBadge(p, true);
    } else if (state == "done") {
      if (flag(*s, "late"))
        ui::badge("▲ 逾期完成", theme::kOverdueBg, theme::kOnBrand);
      else
        ImGui::TextUnformatted(due.empty() ? "已完成" : "按期完成");
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
  // How the current step's due date was counted, in the server's words (every step's is in its
  // row's tooltip).
  for (const JsonValue* s : client::items(p, "steps"))
    if (str(*s, "state") == "current" && !str(*s, "explanation").empty())
      wrappedMuted("期限计算：" + str(*s, "explanation"));
}

// ---- grade history ----------------------------------------------------------------------------

void ProceduresView::drawGrade() {
  if (gradeEstate_.empty() || grade_.empty()) return;
  ImGui::SeparatorText("小区服务等级");
  ImGui::Text("当前等级：%s", grade_.c_str());
  exposeItem("procedure.estate_grade." + grade_);
  if (!companyGrade_.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("（企业服务等级：%s）", companyGrade_.c_str());
  }
  if (gradeHistory_.empty()) {
    ImGui::TextDisabled("尚无重新核定记录。");
    return;
  }
  for (const GradeRow& g : gradeHistory_) {
    const std::string from =
        g.procedureId ? "（等级核查" + std::to_string(g.procedureId) + "）" : std::string();
    ImGui::BulletText("%s  核定为%s  %s%s", g.at.c_str(), g.grade.c_str(), g.byName.c_str(),
                      from.c_str());
  }
}

// ---- actions ----------------------------------------------------------------------------------

void ProceduresView::drawActions(Session& session, const JsonValue& p, float scale) {
  const std::vector<const JsonValue*> actions = client::items(p, "actions");
  // A form stays open only while the server still offers its action (after a reload on 409 it
  // may not); the refusal is then shown on its own.
  bool offered = false;
  for (const JsonValue* a : actions) offered = offered || str(*a, "action") == formAction_;
  if (!offered && !formAction_.empty()) formAction_.clear();
  if (actions.empty()) {
    ui::errorText(formError_);
    return;
  }
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
  if (!formAction_.empty())
    drawForm(session, scale);
  else
    ui::errorText(formError_);
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
    for (const JsonValue* s : client::items(doc.root(), "items"))
      surveys_.push_back({integer(*s, "id"), str(*s, "estate_name") + " " + str(*s, "period") +
                                                 "（满意率" + percent(*s, "satisfaction") + "）"});
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
    // Re-grading only goes down the list (一级 best): the grades below the one before.
    const std::string before = str(procedure_.root(), "grade_before");
    bool below = before.empty();
    ImGui::SetNextItemWidth(160 * scale);
    if (ImGui::BeginCombo("核定后的服务等级", newGrade_.empty() ? "选择等级" : newGrade_.c_str())) {
      for (const std::string& g : serviceGrades()) {
        if (below && ImGui::Selectable(g.c_str(), g == newGrade_)) newGrade_ = g;
        if (below) exposeItem("procedure.form.grade." + g);
        below = below || g == before;
      }
      ImGui::EndCombo();
    }
    exposeItem("procedure.form.new_grade");
    if (!before.empty()) {
      ImGui::SameLine();
      ImGui::TextDisabled("原等级：%s（只能降级；不降级请选“决定不降级”）", before.c_str());
    }
  }
  if (formAction_ == "notify_owners") {
    ImGui::SetNextItemWidth(120 * scale);
    ui::inputTextWithHint("期限日期（选填）", "YYYY-MM-DD", targetDate_);
    exposeItem("procedure.form.target_date");
  }
  // The server requires a text for every action but these two.
  const bool optional = formAction_ == "record_survey" || formAction_ == "regrade";
  ImGui::TextUnformatted(optional ? "说明（选填）" : "说明（必填）");
  ui::inputMultiline("##text", text_, ImVec2(-FLT_MIN, 70 * scale));
  exposeItem("procedure.form.text");
  ui::errorText(formError_);
  if (!formError_.empty()) exposeItem("procedure.form.error." + std::to_string(formStatus_));
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
  formStatus_ = 0;
  if (formAction_ == "record_survey" && surveyId_ == 0) {
    formError_ = "请选择满意度测评。";
    return;
  }
  if (formAction_ == "record_survey" && !Date::parse(publishedOn_)) {
    formError_ = "公布日期应为 YYYY-MM-DD。";
    return;
  }
  if (formAction_ == "regrade" && blank(newGrade_)) {
    formError_ = "请选择核定后的服务等级。";
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
                         formStatus_ = r.status;
                         // Someone else moved it on: show what it is now, keep what was typed.
                         if (r.status == 409) openProcedure(session, id);
                         return;
                       }
                       procedure_ = parseJson(r.body);
                       formAction_.clear();
                       notice_ = "已完成：" + label;
                       listStale_ = true;
                       // A regrade adds a row to the estate's grade history.
                       if (procedure_.valid())
                         loadGrade(session, str(procedure_.root(), "estate_id"));
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
  ImGui::TableSetupColumn("时间", 0, 1.1f);
  ImGui::TableSetupColumn("人员与单位", 0, 1.8f);
  ImGui::TableSetupColumn("操作", 0, 1.2f);
  ImGui::TableSetupColumn("说明、办理结果与通知单位", 0, 3.4f);
  ImGui::TableHeadersRow();
  for (const JsonValue* e : events) {
    const std::string seq = std::to_string(integer(*e, "seq"));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(str(*e, "at").c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%s（%s）", str(*e, "user_name").c_str(), str(*e, "unit_name").c_str());
    if (!str(*e, "role").empty()) ImGui::TextDisabled("%s", roleName(str(*e, "role")).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(str(*e, "action_zh", str(*e, "action")).c_str());
    exposeItem("procedure.event." + seq + "." + str(*e, "action"));
    ImGui::TableNextColumn();
    // The person's words, then what the step changed, then who was told.
    const std::string text = str(*e, "text");
    if (!text.empty()) wrapped(text);
    const std::string detail = str(*e, "detail");
    if (!detail.empty()) wrappedMuted(detail);
    std::string notified;
    for (const JsonValue* u : client::items(*e, "notified"))
      notified += (notified.empty() ? "" : "、") + str(*u, "unit_name");
    if (!notified.empty()) {
      wrappedMuted("已通知：" + notified);
      for (const JsonValue* u : client::items(*e, "notified"))
        exposeItem("procedure.event." + seq + ".notified." + str(*u, "unit_id"));
    }
    ImGui::PopTextWrapPos();
  }
  ImGui::EndTable();
}

}  // namespace pcs::client
