// Sections: flags and rights | filters | the list | one case | audit trail
#include "oversight_screen.h"

#include <cstdint>
#include <iterator>

#include "imgui.h"
#include "pcs/date.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {
namespace {

struct Flag {
  const char* key;
  const char* zh;
  const char* tip;
};
// The oversight flags of GET /oversight/cases (docs/api.md "Oversight").
constexpr Flag kFlags[] = {
    {"not_handled", "未处理", "有承办单位未在期限内签收"},
    {"returned", "反复退回", "退回两次及以上"},
    {"answered_late", "答复超期", "超过办结期限才答复"},
    {"overdue", "逾期", "在办且已超过最早的未完成期限"},
};

const char* const kStates[] = {"registered",   "dispatched", "in_progress", "resolved",
                               "under_review", "closed",     "merged"};

// Chinese for an audit action: "case.<workflow action>", "pii.view", ...
std::string auditActionZh(const std::string& action) {
  if (action == "case.register") return "受理登记";
  if (action == "case.attachment") return "上传附件";
  if (action == "pii.view") return "查看完整联系方式";
  if (action == "pii.export") return "导出含个人信息的数据";
  if (action.rfind("case.", 0) == 0) return ui::actionZh(action.substr(5));
  return action;
}

}  // namespace

// ---- flags and rights -------------------------------------------------------------------------

OversightScreen::OversightScreen() : cases_("/api/v1/oversight/cases", false) {
  detail_.setReadOnly(true);
}

bool OversightScreen::shownTo(const Session& session) {
  const User& user = session.user();
  if (user.has(Role::Oversight)) return true;
  if (user.has(Role::Admin)) return false;
  if (!user.has(Role::UnitHead) && !user.has(Role::Dispatcher)) return false;
  const OrgUnit* unit = session.unit(user.unitId);
  return unit && unit->kind == UnitKind::Department && unit->handler == Handler::Housing &&
         unit->level == OrgLevel::City;
}

// ---- filters ----------------------------------------------------------------------------------

std::string OversightScreen::query() const {
  std::string q = "order=due";
  for (size_t i = 0; i < std::size(kFlags); ++i)
    if (flags_[i]) q += std::string("&flag=") + kFlags[i].key;
  if (!county_.empty()) q += "&county=" + urlEncode(county_);
  if (!state_.empty()) q += "&state=" + state_;
  // A date applies once it is a whole date; the text when Enter is pressed.
  if (Date::parse(from_)) q += "&from=" + from_;
  if (Date::parse(to_)) q += "&to=" + to_;
  if (!appliedText_.empty()) q += "&q=" + urlEncode(appliedText_);
  return q;
}

void OversightScreen::drawFilters(Session& session, float scale) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("监督标记（同时满足）：");
  for (size_t i = 0; i < std::size(kFlags); ++i) {
    ImGui::SameLine();
    ImGui::Checkbox(kFlags[i].zh, &flags_[i]);
    ImGui::SetItemTooltip("%s", kFlags[i].tip);
    exposeItem(std::string("oversight.flag.") + kFlags[i].key);
  }

  // County (city users), state, received between, text.
  if (session.userCountyId().empty()) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("县（区）");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120 * scale);
    const std::string current = county_.empty() ? std::string("全市") : session.unitName(county_);
    if (ImGui::BeginCombo("##county", current.c_str())) {
      if (ImGui::Selectable("全市", county_.empty())) county_.clear();
      for (const OrgUnit* c : session.childAreas("city")) {
        if (ImGui::Selectable(c->name.c_str(), c->id == county_)) county_ = c->id;
        exposeItem("oversight.county." + c->id);
      }
      ImGui::EndCombo();
    }
    exposeItem("oversight.county");
    ImGui::SameLine();
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("状态");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110 * scale);
  if (ImGui::BeginCombo("##state", state_.empty() ? "全部" : ui::caseStateZh(state_).c_str())) {
    if (ImGui::Selectable("全部", state_.empty())) state_.clear();
    for (const char* s : kStates)
      if (ImGui::Selectable(ui::caseStateZh(s).c_str(), state_ == s)) state_ = s;
    ImGui::EndCombo();
  }
  exposeItem("oversight.state");
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("收到日期");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110 * scale);
  ui::inputTextWithHint("##from", "自 YYYY-MM-DD", from_);
  exposeItem("oversight.from");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110 * scale);
  ui::inputTextWithHint("##to", "至 YYYY-MM-DD", to_);
  exposeItem("oversight.to");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(180 * scale);
  if (ui::inputTextWithHint("##text", "关键词，按回车查询", text_,
                            ImGuiInputTextFlags_EnterReturnsTrue))
    appliedText_ = text_;
  exposeItem("oversight.text");
  ImGui::SameLine();
  if (ImGui::Button("查询")) {
    appliedText_ = text_;
    stale_ = true;
  }
  exposeItem("oversight.refresh");
}

// ---- the list ---------------------------------------------------------------------------------

void OversightScreen::draw(Session& session, Navigator& nav, float scale) {
  drawFilters(session, scale);
  // Each change of a filter is a new query; the text fields apply as they are typed.
  cases_.setQuery(session, query());
  if (stale_) {
    stale_ = false;
    cases_.reload(session);
    if (!caseId_.empty()) {
      detail_.open(session, caseId_);
      auditFor_.clear();
    }
  }
  ImGui::Separator();
  const float listWidth = ImGui::GetContentRegionAvail().x * (caseId_.empty() ? 1.0f : 0.42f);
  ImGui::BeginChild("##oversight_list", ImVec2(listWidth, 0), true);
  drawList(session, scale);
  ImGui::EndChild();
  if (caseId_.empty()) return;
  ImGui::SameLine();
  ImGui::BeginChild("##oversight_case", ImVec2(0, 0), true);
  drawCase(session, nav, scale);
  ImGui::EndChild();
}

void OversightScreen::drawList(Session& session, float scale) {
  (void)scale;
  const std::vector<CaseSummary>& items = cases_.items();
  ImGui::Text(
      "%zu件%s", items.size(),
      cases_.complete() ? "" : (cases_.loading() ? "（正在载入…）" : "（向下滚动载入更多）"));
  if (cases_.complete()) exposeItem("oversight.count." + std::to_string(items.size()));
  ui::errorText(cases_.error());
  if (!ImGui::BeginTable(
          "##oversight_cases", 3,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY))
    return;
  // The number and the deadline badge keep their width; the complaint takes the rest.
  const float pad = ImGui::GetStyle().CellPadding.x * 2 + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("案件编号", ImGuiTableColumnFlags_WidthFixed,
                          ImGui::CalcTextSize("2026-000000").x + pad);
  ImGui::TableSetupColumn("状态与期限", ImGuiTableColumnFlags_WidthFixed,
                          ImGui::CalcTextSize("▲ 逾期365个工作日").x + pad);
  ImGui::TableSetupColumn("投诉内容", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  for (const CaseSummary& c : items) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (ImGui::Selectable(c.id.c_str(), c.id == caseId_, ImGuiSelectableFlags_SpanAllColumns))
      select(session, c.id);
    exposeItem("oversight.case." + c.id);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(ui::caseStateZh(c.state).c_str());
    ui::caseBadges(c);
    if (c.returns >= 2)
      ui::badge("退回" + std::to_string(c.returns) + "次", theme::kDueSoonBg, theme::kTextDark);
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    const std::string county = c.countyName.empty() ? session.unitName(c.countyId) : c.countyName;
    ImGui::TextDisabled("%s  %s", county.c_str(), c.receivedAt.c_str());
    ImGui::TextUnformatted(c.excerpt.c_str());
    ImGui::PopTextWrapPos();
  }
  // Load the next page when the end of the list comes into view.
  if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - ImGui::GetTextLineHeight() * 10 ||
      loadEverything())
    cases_.ensure(session, loadEverything() ? SIZE_MAX : items.size() + 1);
  ImGui::EndTable();
  if (items.empty() && cases_.complete()) ImGui::TextDisabled("没有符合条件的案件。");
}

// ---- one case ---------------------------------------------------------------------------------

void OversightScreen::select(Session& session, const std::string& caseId) {
  if (caseId == caseId_) return;
  caseId_ = caseId;
  audit_.clear();
  auditFor_.clear();
  auditError_.clear();
  detail_.open(session, caseId);
}

void OversightScreen::drawCase(Session& session, Navigator& nav, float scale) {
  if (ImGui::RadioButton("案件详情（只读）", pane_ == 0)) pane_ = 0;
  exposeItem("oversight.pane.case");
  ImGui::SameLine();
  if (ImGui::RadioButton("审计记录", pane_ == 1)) pane_ = 1;
  exposeItem("oversight.pane.audit");
  ImGui::SameLine();
  if (ImGui::SmallButton("关闭")) {
    caseId_.clear();
    return;
  }
  exposeItem("oversight.close");
  ImGui::Separator();
  if (pane_ == 0)
    detail_.draw(session, nav, scale);
  else
    drawAudit(session);
}

// ---- audit trail ------------------------------------------------------------------------------

void OversightScreen::loadAudit(Session& session) {
  auditFor_ = caseId_;
  auditLoading_ = true;
  const std::string id = caseId_;
  session.net().get(
      "/api/v1/oversight/cases/" + urlEncode(id) + "/audit", [this, id](const Response& r) {
        if (id != auditFor_) return;
        auditLoading_ = false;
        audit_.clear();
        if (!r.ok()) {
          auditError_ = r.errorText();
          return;
        }
        auditError_.clear();
        const JsonDoc doc = parseJson(r.body);
        if (!doc.valid()) return;
        for (const JsonValue* e : client::items(doc.root(), "entries"))
          audit_.push_back({integer(*e, "seq"), str(*e, "at"), str(*e, "user_name"),
                            str(*e, "unit_id"), str(*e, "action"), str(*e, "detail")});
      });
}

void OversightScreen::drawAudit(Session& session) {
  if (auditFor_ != caseId_) loadAudit(session);
  ImGui::Text("案件 %s 的审计记录（由早到晚，含查看个人信息的记录）", caseId_.c_str());
  ui::errorText(auditError_);
  if (auditLoading_) {
    ImGui::TextDisabled("正在载入…");
    return;
  }
  if (audit_.empty() && auditError_.empty()) {
    ImGui::TextDisabled("没有审计记录。");
    return;
  }
  if (!ImGui::BeginTable("##audit", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) return;
  const float pad = ImGui::GetStyle().CellPadding.x * 2 + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::TableSetupColumn("时间", ImGuiTableColumnFlags_WidthFixed,
                          ImGui::CalcTextSize("2026-12-04 09:31").x + pad);
  ImGui::TableSetupColumn("人员与单位", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("操作", ImGuiTableColumnFlags_WidthFixed,
                          ImGui::CalcTextSize("◆ 查看完整联系方式").x + pad);
  ImGui::TableSetupColumn("内容", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableHeadersRow();
  for (const AuditEntry& e : audit_) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(e.at.c_str());
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(e.userName.c_str());
    ImGui::TextDisabled("%s", session.unitName(e.unitId).c_str());
    ImGui::PopTextWrapPos();
    ImGui::TableNextColumn();
    // Views of personal data stand out by a mark and words, not colour alone.
    if (e.action.rfind("pii.", 0) == 0)
      ui::badge("◆ " + auditActionZh(e.action), theme::kUrgentBg, theme::kOnBrand);
    else
      ImGui::TextUnformatted(auditActionZh(e.action).c_str());
    exposeItem("oversight.audit." + std::to_string(e.seq) + "." + e.action);
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(e.detail.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndTable();
}

}  // namespace pcs::client
