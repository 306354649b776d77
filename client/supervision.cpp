#include "supervision.h"

#include <algorithm>
#include <ctime>
#include <memory>

#include "imgui.h"
#include "pcs/date.h"
#include "pcs/handler.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {
namespace {

const std::string kOverdue = "overdue=true";
// The drill-down's "handler" for overdue cases that were never dispatched.
const std::string kNotDispatched = "not_dispatched";

std::string lateText(const CaseSummary& c) {
  return c.workingDaysLeft < 0 ? "逾期" + std::to_string(-c.workingDaysLeft) + "个工作日"
                               : std::string("—");
}

// The company's standing from the published red/black lists (GET /companies).
std::string listStandingZh(const Company& c) {
  if (c.listStatus == ListStatus::Red) return "红榜";
  if (c.listStatus != ListStatus::Black) return "—";
  return c.monthsOnBlackList > 0 ? "连续" + std::to_string(c.monthsOnBlackList) + "个月黑榜"
                                 : std::string("黑榜");
}

}  // namespace

void Supervision::invalidate() {
  ++generation_;
  counts_.clear();
  proposalsLoaded_ = false;
  casesStale_ = true;
  bulletins_.invalidate();
  surveys_.invalidate();
  procedures_.invalidate();
}

int64_t Supervision::count(Session& session, const std::string& query) {
  const auto it = counts_.find(query);
  if (it != counts_.end()) return it->second;
  counts_[query] = -1;
  const uint64_t generation = generation_;
  session.net().get("/api/v1/board/counts?" + query, [this, query, generation](const Response& r) {
    if (generation != generation_ || !r.ok()) return;
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) return;
    int64_t sum = 0;
    const JsonValue* counts = member(doc.root(), "counts");
    if (counts && counts->IsObject())
      for (const auto& m : counts->GetObject())
        if (m.value.IsInt64()) sum += m.value.GetInt64();
    counts_[query] = sum;
  });
  return -1;
}

void Supervision::draw(Session& session, Navigator& nav, float scale) {
  if (ImGui::RadioButton("逾期督办", tab_ == 0)) tab_ = 0;
  exposeItem("supervision.tab.overdue");
  ImGui::SameLine();
  if (ImGui::RadioButton("物业企业台账", tab_ == 1)) tab_ = 1;
  exposeItem("supervision.tab.ledger");
  ImGui::SameLine();
  if (ImGui::RadioButton("红黑榜与通报", tab_ == 2)) tab_ = 2;
  exposeItem("supervision.tab.bulletins");
  ImGui::SameLine();
  if (ImGui::RadioButton("满意度测评", tab_ == 3)) tab_ = 3;
  exposeItem("supervision.tab.surveys");
  ImGui::SameLine();
  if (ImGui::RadioButton("等级核查与退出", tab_ == 4)) tab_ = 4;
  exposeItem("supervision.tab.procedures");
  ImGui::SameLine();
  if (ImGui::SmallButton("刷新")) {
    invalidate();
    session.reloadCompanies();  // their red/black standing changes when a list is published
  }
  ImGui::Separator();
  if (tab_ == 0)
    drawDrillDown(session, nav, scale);
  else if (tab_ == 1)
    drawLedger(session, scale);
  else if (tab_ == 2)
    bulletins_.draw(session, nav, scale);
  else if (tab_ == 3)
    surveys_.draw(session, scale);
  else
    procedures_.draw(session, scale);
}

void Supervision::drawDrillDown(Session& session, Navigator& nav, float scale) {
  (void)scale;
  // A county user starts in their own county.
  const std::string ownCounty = session.userCountyId();
  if (!ownCounty.empty()) county_ = ownCounty;

  // Breadcrumb: 全市 > 县区 > 部门 > 企业; each step goes back up.
  if (ownCounty.empty()) {
    if (ImGui::SmallButton("全市")) county_.clear(), handler_.clear(), company_.clear();
    exposeItem("drill.crumb.city");
  }
  if (!county_.empty()) {
    if (ownCounty.empty()) ImGui::SameLine(), ImGui::TextUnformatted(">"), ImGui::SameLine();
    if (ImGui::SmallButton(session.unitName(county_).c_str())) handler_.clear(), company_.clear();
    exposeItem("drill.crumb.county");
  }
  if (!handler_.empty()) {
    ImGui::SameLine(), ImGui::TextUnformatted(">"), ImGui::SameLine();
    const std::string name =
        handler_ == kNotDispatched ? std::string("尚未分转") : ui::handlerZh(handler_);
    if (ImGui::SmallButton(name.c_str())) company_.clear();
    exposeItem("drill.crumb.handler");
  }
  if (!company_.empty()) {
    ImGui::SameLine(), ImGui::TextUnformatted(">"), ImGui::SameLine();
    const std::string name = session.companyName(company_);
    ImGui::TextUnformatted(name.empty() ? "（未登记企业）" : name.c_str());
  }
  ImGui::Spacing();

  if (county_.empty())
    drawCounties(session);
  else if (handler_.empty())
    drawHandlers(session);
  else if (company_.empty())
    drawCompanies(session);
  else
    drawCases(session, nav);
}

void Supervision::drawCounties(Session& session) {
  ImGui::TextUnformatted("各县（区）逾期案件（点击查看各承办部门）：");
  if (!ImGui::BeginTable("##counties", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) return;
  ImGui::TableSetupColumn("县（区）");
  ImGui::TableSetupColumn("逾期案件");
  ImGui::TableSetupColumn("在办案件");
  ImGui::TableHeadersRow();
  for (const OrgUnit* county : session.childAreas("city")) {
    const std::string q = "county=" + urlEncode(county->id);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (ImGui::Selectable(county->name.c_str(), false, ImGuiSelectableFlags_SpanAllColumns))
      county_ = county->id;
    exposeItem("drill.county." + county->id);
    ImGui::TableNextColumn();
    const int64_t overdue = count(session, kOverdue + "&" + q);
    if (overdue > 0)
      ui::badge("▲ " + std::to_string(overdue), theme::kOverdueBg, theme::kOnBrand);
    else
      ImGui::TextUnformatted(overdue < 0 ? "…" : "0");
    ImGui::TableNextColumn();
    const int64_t open = count(session, "open=true&" + q);
    ImGui::TextUnformatted(open < 0 ? "…" : std::to_string(open).c_str());
  }
  ImGui::EndTable();
}

void Supervision::drawHandlers(Session& session) {
  ImGui::TextUnformatted("各承办部门逾期案件（点击查看涉及的物业企业）：");
  if (!ImGui::BeginTable("##handlers", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) return;
  ImGui::TableSetupColumn("承办部门");
  ImGui::TableSetupColumn("逾期案件");
  ImGui::TableHeadersRow();
  const std::string base = kOverdue + "&county=" + urlEncode(county_);
  // Cases late before any dispatch sit with the county's property authority, not a handler.
  {
    const int64_t n = count(session, base + "&state=registered");
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (ImGui::Selectable("尚未分转（县区住建部门待分转）", false,
                          ImGuiSelectableFlags_SpanAllColumns))
      handler_ = kNotDispatched;
    exposeItem("drill.handler.not_dispatched");
    ImGui::TableNextColumn();
    if (n > 0)
      ui::badge("▲ " + std::to_string(n), theme::kOverdueBg, theme::kOnBrand);
    else
      ImGui::TextUnformatted(n < 0 ? "…" : "0");
  }
  for (const HandlerInfo& h : handlers()) {
    const int64_t n = count(session, base + "&handler=" + std::string(h.key));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (ImGui::Selectable(std::string(h.nameZh).c_str(), false,
                          ImGuiSelectableFlags_SpanAllColumns))
      handler_ = std::string(h.key);
    exposeItem("drill.handler." + std::string(h.key));
    ImGui::TableNextColumn();
    if (n > 0)
      ui::badge("▲ " + std::to_string(n), theme::kOverdueBg, theme::kOnBrand);
    else
      ImGui::TextUnformatted(n < 0 ? "…" : "0");
  }
  ImGui::EndTable();
}

void Supervision::drawCompanies(Session& session) {
  cases_.setQuery(session, kOverdue + "&order=due&county=" + urlEncode(county_) +
                               (handler_ == kNotDispatched ? std::string("&state=registered")
                                                           : "&handler=" + urlEncode(handler_)));
  if (casesStale_) {
    casesStale_ = false;
    cases_.reload(session);
  }
  cases_.ensure(session, 100000);  // the whole overdue list of one handler in one county
  struct Row {
    std::string companyId;
    int cases = 0;
    int worst = 0;
  };
  std::vector<Row> rows;
  for (const CaseSummary& c : cases_.items()) {
    auto it = std::find_if(rows.begin(), rows.end(),
                           [&](const Row& r) { return r.companyId == c.companyId; });
    if (it == rows.end()) {
      rows.push_back({c.companyId, 0, 0});
      it = rows.end() - 1;
    }
    ++it->cases;
    it->worst = std::min(it->worst, c.workingDaysLeft);
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.cases != b.cases ? a.cases > b.cases : a.companyId < b.companyId;
  });
  ImGui::TextUnformatted("涉及的物业企业（点击查看案件）：");
  if (!cases_.complete()) ImGui::TextDisabled("正在载入…");
  ui::errorText(cases_.error());
  if (!ImGui::BeginTable("##companies", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) return;
  ImGui::TableSetupColumn("物业服务企业");
  ImGui::TableSetupColumn("逾期案件");
  ImGui::TableSetupColumn("最长逾期");
  ImGui::TableHeadersRow();
  for (const Row& row : rows) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    std::string name = session.companyName(row.companyId);
    if (name.empty()) name = row.companyId.empty() ? "（无物业企业）" : row.companyId;
    if (ImGui::Selectable((name + "##" + row.companyId).c_str(), false,
                          ImGuiSelectableFlags_SpanAllColumns))
      company_ = row.companyId.empty() ? "-" : row.companyId;
    exposeItem("drill.company." + (row.companyId.empty() ? std::string("-") : row.companyId));
    ImGui::TableNextColumn();
    ImGui::Text("%d", row.cases);
    ImGui::TableNextColumn();
    ImGui::Text("逾期%d个工作日", -row.worst);
  }
  ImGui::EndTable();
}

void Supervision::drawCases(Session& session, Navigator& nav) {
  ImGui::TextUnformatted("逾期案件（点击打开）：");
  if (!ImGui::BeginTable(
          "##cases", 4,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("案件编号", 0, 1.2f);
  ImGui::TableSetupColumn("状态", 0, 1.0f);
  ImGui::TableSetupColumn("逾期", 0, 1.3f);
  ImGui::TableSetupColumn("投诉内容", 0, 5.0f);
  ImGui::TableHeadersRow();
  const std::string wanted = company_ == "-" ? std::string() : company_;
  for (const CaseSummary& c : cases_.items()) {
    if (c.companyId != wanted) continue;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (ImGui::Selectable(c.id.c_str(), false, ImGuiSelectableFlags_SpanAllColumns))
      nav.openCase(c.id);
    exposeItem("drill.case." + c.id);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(ui::caseStateZh(c.state).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(lateText(c).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(c.excerpt.c_str());
  }
  ImGui::EndTable();
  (void)session;
}

void Supervision::loadProposals(Session& session) {
  if (proposalsLoading_) return;
  proposalsLoading_ = true;
  session.net().get("/api/v1/admin/proposals?limit=500", [this](const Response& r) {
    proposalsLoading_ = false;
    proposalsLoaded_ = true;
    proposals_.clear();
    if (!r.ok()) {
      proposalsError_ = r.status == 403 ? "（您的单位不处理企业台账提议）" : r.errorText();
      return;
    }
    proposalsError_.clear();
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) return;
    for (const JsonValue* p : client::items(doc.root(), "items")) {
      Proposal item;
      item.id = integer(*p, "id");
      item.companyId = str(*p, "company_id");
      item.companyName = str(*p, "company_name");
      item.rule = str(*p, "rule");
      item.ruleZh = str(*p, "rule_zh");
      item.state = str(*p, "state");
      item.createdAt = integer(*p, "created_at");
      if (const JsonValue* ev = member(*p, "evidence"))
        if (const JsonValue* prop = member(*ev, "proposal"))
          item.explanation = str(*prop, "explanation_zh");
      proposals_.push_back(std::move(item));
    }
  });
}

void Supervision::decide(Session& session, int64_t id, bool confirm) {
  JsonBuilder body;
  body.field("decision", confirm ? "confirm" : "dismiss");
  if (!decisionNote_.empty()) body.field("note", decisionNote_);
  if (confirm && !decisionEstate_[id].empty()) body.field("estate_id", decisionEstate_[id]);
  session.net().post("/api/v1/admin/proposals/" + std::to_string(id) + "/decision", body.finish(),
                     [this](const Response& r) {
                       notice_ = r.ok() ? "已处理。" : r.errorText();
                       proposalsLoaded_ = false;
                       openedProcedure_ = 0;
                       const JsonDoc doc = parseJson(r.body);
                       if (r.ok() && doc.valid()) {
                         // Confirming a grade-review, regrade or exit proposal opens a procedure.
                         openedProcedure_ = integer(doc.root(), "procedure_id");
                         if (openedProcedure_ != 0) {
                           notice_ = "已确认，并已启动相应程序（编号" +
                                     std::to_string(openedProcedure_) + "）。";
                           procedures_.invalidate();
                         }
                       }
                     });
}

void Supervision::drawLedger(Session& session, float scale) {
  if (!proposalsLoaded_) loadProposals(session);
  ImGui::SeparatorText("待决定的台账提议（R10–R12）");
  ui::noticeText(notice_);
  if (openedProcedure_ != 0) {
    ImGui::SameLine();
    if (ImGui::SmallButton("打开该程序")) {
      tab_ = 4;
      procedures_.openProcedure(session, openedProcedure_);
      openedProcedure_ = 0;
    }
    exposeItem("ledger.open_procedure");
  }
  if (!proposalsError_.empty()) {
    ImGui::TextDisabled("%s", proposalsError_.c_str());
  } else if (proposals_.empty()) {
    ImGui::TextDisabled(proposalsLoading_ ? "正在载入…" : "没有提议。");
  } else {
    ImGui::SetNextItemWidth(320 * scale);
    ui::inputTextWithHint("##note", "决定说明（不采纳时必填）", decisionNote_);
    exposeItem("ledger.note");
    for (const Proposal& p : proposals_) {
      ImGui::PushID(static_cast<int>(p.id));
      ImGui::Text("%s：%s（%s）", p.ruleZh.c_str(), p.companyName.c_str(),
                  p.state == "open" ? "待决定" : (p.state == "confirmed" ? "已确认" : "未采纳"));
      if (!p.explanation.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, theme::kTextMuted);
        ImGui::TextWrapped("%s", p.explanation.c_str());
        ImGui::PopStyleColor();
      }
      if (p.state == "open") {
        // A grade review or exit is run for one estate of the company (optional in the API).
        if (p.rule == "grade_review" || p.rule == "regrade" || p.rule == "exit") {
          std::string& estate = decisionEstate_[p.id];
          const std::string name =
              estate.empty() ? std::string("核查小区（可不选）") : session.estateName(estate);
          ImGui::SetNextItemWidth(220 * scale);
          if (ImGui::BeginCombo("##estate", name.c_str())) {
            if (ImGui::Selectable("不指定", estate.empty())) estate.clear();
            for (const auto& [eid, e] : session.estates())
              if (e.companyId == p.companyId && ImGui::Selectable(e.name.c_str(), eid == estate))
                estate = eid;
            ImGui::EndCombo();
          }
          exposeItem("ledger.estate." + std::to_string(p.id));
          ImGui::SameLine();
        }
        if (ImGui::SmallButton("确认")) decide(session, p.id, true);
        exposeItem("ledger.confirm." + std::to_string(p.id));
        ImGui::SameLine();
        if (ImGui::SmallButton("不采纳")) decide(session, p.id, false);
        exposeItem("ledger.dismiss." + std::to_string(p.id));
      }
      ImGui::Separator();
      ImGui::PopID();
    }
  }

  ImGui::SeparatorText("物业服务企业（近12个月投诉）");
  const Date today = cstDate(static_cast<int64_t>(std::time(nullptr)));
  const std::string since = today.addDays(-365).toString();
  if (!ImGui::BeginTable(
          "##ledger", 6,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("企业", 0, 4.0f);
  ImGui::TableSetupColumn("服务等级", 0, 1.0f);
  ImGui::TableSetupColumn("信用等级", 0, 1.0f);
  ImGui::TableSetupColumn("红黑榜", 0, 1.4f);
  ImGui::TableSetupColumn("近12个月投诉", 0, 1.4f);
  ImGui::TableSetupColumn("逾期在办", 0, 1.2f);
  ImGui::TableHeadersRow();
  for (const auto& [id, c] : session.companies()) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(c.name.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(c.serviceGrade.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(c.creditRating.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(listStandingZh(c).c_str());
    // e.g. ledger.standing.co-2.black-3: the standing in the name, for the browser tests.
    exposeItem("ledger.standing." + id + "." + listStatusKey(c.listStatus) +
               (c.listStatus == ListStatus::Black ? "-" + std::to_string(c.monthsOnBlackList)
                                                  : std::string()));
    ImGui::TableNextColumn();
    const int64_t year = count(session, "company=" + urlEncode(id) + "&from=" + since);
    ImGui::TextUnformatted(year < 0 ? "…" : std::to_string(year).c_str());
    ImGui::TableNextColumn();
    const int64_t late = count(session, kOverdue + "&company=" + urlEncode(id));
    if (late > 0)
      ui::badge("▲ " + std::to_string(late), theme::kOverdueBg, theme::kOnBrand);
    else
      ImGui::TextUnformatted(late < 0 ? "…" : "0");
  }
  ImGui::EndTable();
}

}  // namespace pcs::client
