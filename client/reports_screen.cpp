#include "reports_screen.h"

#include <emscripten.h>

#include <ctime>

#include "imgui.h"
#include "pcs/date.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

// clang-format off
EM_JS(void, pcs_js_open_report, (const char* url), {
  window.open(UTF8ToString(url), "_blank", "noopener");
});
// clang-format on

namespace pcs::client {
namespace {

constexpr int kWeeksShown = 12;

// The Monday of the week `weeksBack` weeks before the current one (Beijing time).
Date mondayBack(int weeksBack) {
  const Date today = cstDate(static_cast<int64_t>(std::time(nullptr)));
  const Date thisMonday = today.addDays(1 - today.isoWeekday());
  return thisMonday.addDays(-7 * (weeksBack + 1));
}

std::string percent(const JsonValue& rate) {
  const JsonValue* r = member(rate, "rate");
  if (!r || !r->IsNumber()) return "—";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", r->GetDouble() * 100.0);
  return text;
}

}  // namespace

bool ReportsScreen::shownTo(const User& user) {
  return user.has(Role::Oversight) || user.has(Role::Admin) || user.has(Role::Reviewer) ||
         user.has(Role::UnitHead);
}

void ReportsScreen::load(Session& session) {
  const std::string week = mondayBack(week_).toString();
  const std::string query = scope_.empty() ? std::string() : "?scope=" + urlEncode(scope_);
  loadedFor_ = week + "|" + scope_;
  loading_ = true;
  error_.clear();
  const std::string key = loadedFor_;
  session.net().get("/api/v1/reports/weekly/" + week + query,
                    [this, &session, week, query, key](const Response& r) {
                      if (key != loadedFor_) return;
                      if (r.status == 404) {
                        // Not issued yet: compute it now, marked as a preview.
                        session.net().get("/api/v1/reports/weekly/" + week + "/preview" + query,
                                          [this, key](const Response& p) {
                                            if (key != loadedFor_) return;
                                            loading_ = false;
                                            if (!p.ok()) {
                                              error_ = p.errorText();
                                              return;
                                            }
                                            answer_ = parseJson(p.body);
                                            issued_ = false;
                                            version_ = 0;
                                          });
                        return;
                      }
                      loading_ = false;
                      if (!r.ok()) {
                        error_ = r.errorText();
                        return;
                      }
                      answer_ = parseJson(r.body);
                      issued_ = true;
                      const JsonValue* pkg = member(answer_.root(), "package");
                      version_ = pkg ? integer(*pkg, "version") : 0;
                    });
}

void ReportsScreen::issue(Session& session) {
  const std::string week = mondayBack(week_).toString();
  JsonBuilder body;
  if (!scope_.empty()) body.field("scope", scope_);
  if (!reason_.empty()) body.field("reason", reason_);
  session.net().post("/api/v1/reports/weekly/" + week + "/issue", body.finish(),
                     [this, &session](const Response& r) {
                       if (!r.ok()) {
                         notice_ = r.errorText();
                         return;
                       }
                       notice_ = "已发布。";
                       reason_.clear();
                       load(session);
                     });
}

void ReportsScreen::countButton(const JsonValue& figure, const std::string& title) {
  const int64_t n = integer(figure, "count");
  const std::string label = std::to_string(n) + "##" + title;
  if (n == 0) {
    ImGui::TextDisabled("0");
    return;
  }
  if (ImGui::SmallButton(label.c_str())) {
    popupTitle_ = title;
    popupCases_ = strings(figure, "cases");
    openPopup_ = true;
  }
}

void ReportsScreen::drawFigureTable(Navigator& nav, const char* id,
                                    const std::vector<const JsonValue*>& rows,
                                    const JsonValue& total, float scale) {
  (void)nav;
  const JsonValue* labels = member(answer_.root(), "report");
  labels = labels ? member(*labels, "labels") : nullptr;
  const JsonValue* totalFigures = member(total, "figures");
  if (!labels || !totalFigures) return;
  std::vector<std::pair<std::string, std::string>> figureKeys, rateKeys;
  for (const auto& m : labels->GetObject()) {
    const std::string key = m.name.GetString();
    const std::string label = m.value.IsString() ? m.value.GetString() : key;
    if (member(*totalFigures, key.c_str()))
      figureKeys.emplace_back(key, label);
    else if (const JsonValue* rates = member(total, "rates"); rates && member(*rates, key.c_str()))
      rateKeys.emplace_back(key, label);
  }
  const int columns = 1 + static_cast<int>(figureKeys.size() + rateKeys.size());
  if (!ImGui::BeginTable(id, columns,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollX |
                             ImGuiTableFlags_SizingFixedFit,
                         ImVec2(0, ImGui::GetTextLineHeightWithSpacing() *
                                       (static_cast<float>(rows.size()) + 3.5f))))
    return;
  ImGui::TableSetupScrollFreeze(1, 1);
  ImGui::TableSetupColumn("单位", ImGuiTableColumnFlags_WidthFixed, 200 * scale);
  for (const auto& [key, label] : figureKeys) ImGui::TableSetupColumn(label.c_str());
  for (const auto& [key, label] : rateKeys) ImGui::TableSetupColumn(label.c_str());
  ImGui::TableHeadersRow();
  auto row = [&](const std::string& name, const JsonValue& entry) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name.c_str());
    const JsonValue* figures = member(entry, "figures");
    const JsonValue* rates = member(entry, "rates");
    for (const auto& [key, label] : figureKeys) {
      ImGui::TableNextColumn();
      const JsonValue* f = figures ? member(*figures, key.c_str()) : nullptr;
      if (f) countButton(*f, name + " · " + label);
    }
    for (const auto& [key, label] : rateKeys) {
      ImGui::TableNextColumn();
      const JsonValue* r = rates ? member(*rates, key.c_str()) : nullptr;
      ImGui::TextUnformatted(r ? percent(*r).c_str() : "—");
    }
  };
  row("合计", total);
  for (const JsonValue* r : rows) row(str(*r, "name", str(*r, "unit_id")), *r);
  ImGui::EndTable();
}

void ReportsScreen::drawRankings() {
  const JsonValue* report = member(answer_.root(), "report");
  const JsonValue* rankings = report ? member(*report, "rankings") : nullptr;
  if (!rankings || !rankings->IsObject()) return;
  ImGui::SeparatorText("单位排名（案件数不足的单位不排名）");
  for (const auto& m : rankings->GetObject()) {
    const JsonValue& ranking = m.value;
    ImGui::PushID(m.name.GetString());
    ImGui::TextUnformatted(str(ranking, "title").c_str());
    if (ImGui::BeginTable("##rank", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) {
      ImGui::TableSetupColumn("名次");
      ImGui::TableSetupColumn("单位");
      ImGui::TableSetupColumn("比率");
      ImGui::TableSetupColumn("件数");
      ImGui::TableHeadersRow();
      for (const JsonValue* e : items(ranking, "entries")) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const JsonValue* rank = member(*e, "rank");
        if (rank && rank->IsInt())
          ImGui::Text("%d", rank->GetInt());
        else
          ImGui::TextDisabled("%s", str(*e, "note", "—").c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(str(*e, "unit").c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(percent(*e).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%lld/%lld", static_cast<long long>(integer(*e, "numerator")),
                    static_cast<long long>(integer(*e, "denominator")));
      }
      ImGui::EndTable();
    }
    ImGui::PopID();
  }
}

void ReportsScreen::drawHotSpots(Navigator& nav) {
  (void)nav;
  const JsonValue* report = member(answer_.root(), "report");
  const JsonValue* hot = report ? member(*report, "hot_spots") : nullptr;
  if (!hot) return;
  ImGui::SeparatorText("难点堵点");
  const std::pair<const char*, const char*> groups[] = {
      {"categories", "事项"}, {"estates", "小区"}, {"companies", "物业企业"}};
  if (!ImGui::BeginTable("##hot", 3, ImGuiTableFlags_SizingStretchSame)) return;
  for (const auto& [key, title] : groups) {
    ImGui::TableNextColumn();
    ImGui::PushID(key);
    ImGui::TextDisabled("%s", title);
    for (const JsonValue* h : items(*hot, key)) {
      ImGui::TextUnformatted(str(*h, "name").c_str());
      ImGui::SameLine();
      JsonValue figure(rapidjson::kObjectType);
      countButton(*h, std::string(title) + " · " + str(*h, "name"));
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

void ReportsScreen::drawOverdue(Navigator& nav) {
  const JsonValue* report = member(answer_.root(), "report");
  if (!report) return;
  const auto list = items(*report, "overdue");
  ImGui::SeparatorText(("逾期清单（" + std::to_string(list.size()) + "件）").c_str());
  if (list.empty()) return;
  if (!ImGui::BeginTable(
          "##overdue", 5,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("案件编号", 0, 1.2f);
  ImGui::TableSetupColumn("县（区）", 0, 1.0f);
  ImGui::TableSetupColumn("小区", 0, 1.4f);
  ImGui::TableSetupColumn("逾期", 0, 1.0f);
  ImGui::TableSetupColumn("未办单位", 0, 3.0f);
  ImGui::TableHeadersRow();
  for (const JsonValue* o : list) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const std::string id = str(*o, "case_id");
    if (ImGui::Selectable(id.c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) nav.openCase(id);
    exposeItem("report.overdue." + id);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(str(*o, "county").c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(str(*o, "estate").c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%lld个工作日", static_cast<long long>(integer(*o, "days_late")));
    ImGui::TableNextColumn();
    std::string owed;
    for (const JsonValue* w : items(*o, "owed"))
      owed += (owed.empty() ? "" : "；") + str(*w, "unit") + "（" + str(*w, "rule") + "，" +
              str(*w, "due") + "）";
    ImGui::TextUnformatted(owed.c_str());
  }
  ImGui::EndTable();
}

void ReportsScreen::drawCasePopup(Navigator& nav) {
  if (openPopup_) {
    ImGui::OpenPopup("##cases");
    openPopup_ = false;
  }
  if (!ImGui::BeginPopup("##cases")) return;
  ImGui::TextUnformatted(popupTitle_.c_str());
  ImGui::Separator();
  ImGui::BeginChild("##list", ImVec2(ImGui::GetFontSize() * 14, ImGui::GetFontSize() * 16));
  for (const std::string& id : popupCases_) {
    if (ImGui::Selectable(id.c_str())) {
      ImGui::CloseCurrentPopup();
      nav.openCase(id);
    }
    exposeItem("report.case." + id);
  }
  ImGui::EndChild();
  ImGui::EndPopup();
}

void ReportsScreen::draw(Session& session, Navigator& nav, float scale) {
  const std::string ownCounty = session.userCountyId();
  if (!ownCounty.empty()) scope_ = ownCounty;

  ImGui::SetNextItemWidth(260 * scale);
  const std::string weekLabel =
      "周报 " + mondayBack(week_).toString() + " 至 " + mondayBack(week_).addDays(6).toString();
  if (ImGui::BeginCombo("##week", weekLabel.c_str())) {
    for (int i = 0; i < kWeeksShown; ++i) {
      const std::string label =
          mondayBack(i).toString() + " 至 " + mondayBack(i).addDays(6).toString();
      if (ImGui::Selectable(label.c_str(), i == week_)) week_ = i;
    }
    ImGui::EndCombo();
  }
  exposeItem("report.week");
  if (ownCounty.empty()) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(160 * scale);
    const std::string current = scope_.empty() ? "全市" : session.unitName(scope_);
    if (ImGui::BeginCombo("##scope", current.c_str())) {
      if (ImGui::Selectable("全市", scope_.empty())) scope_.clear();
      for (const OrgUnit* county : session.childAreas("city"))
        if (ImGui::Selectable(county->name.c_str(), county->id == scope_)) scope_ = county->id;
      ImGui::EndCombo();
    }
    exposeItem("report.scope");
  }
  if (loadedFor_ != mondayBack(week_).toString() + "|" + scope_) load(session);

  const std::string week = mondayBack(week_).toString();
  const std::string scopeQuery = "?scope=" + urlEncode(scope_.empty() ? "city" : scope_) +
                                 (issued_ ? "&version=" + std::to_string(version_) : "");
  if (issued_) {
    ImGui::SameLine();
    if (ImGui::Button("下载Excel"))
      pcs_js_open_report(("/api/v1/reports/weekly/" + week + ".xlsx" + scopeQuery).c_str());
    exposeItem("report.xlsx");
    ImGui::SameLine();
    if (ImGui::Button("打印版"))
      pcs_js_open_report(("/api/v1/reports/weekly/" + week + ".html" + scopeQuery).c_str());
    exposeItem("report.print");
  }
  if (session.user().has(Role::Oversight) || session.user().has(Role::Admin)) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(220 * scale);
    ui::inputTextWithHint("##reason", issued_ ? "更正理由（重新发布时必填）" : "发布说明（选填）",
                          reason_);
    ImGui::SameLine();
    if (ImGui::Button(issued_ ? "发布更正版" : "发布本周报表")) issue(session);
    exposeItem("report.issue");
  }
  ui::noticeText(notice_);
  if (loading_) {
    ImGui::TextDisabled("正在计算…");
    return;
  }
  if (!error_.empty()) {
    ui::errorText(error_);
    return;
  }
  if (!answer_.valid()) return;
  const JsonValue* report = member(answer_.root(), "report");
  if (!report) return;
  if (issued_) {
    const JsonValue* pkg = member(answer_.root(), "package");
    ImGui::TextDisabled("已发布第%lld版，%s 由 %s 发布%s%s", static_cast<long long>(version_),
                        pkg ? str(*pkg, "issued_at").c_str() : "",
                        pkg ? str(*pkg, "issued_by_unit").c_str() : "",
                        pkg && !str(*pkg, "reason").empty() ? "，理由：" : "",
                        pkg ? str(*pkg, "reason").c_str() : "");
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, theme::kTextNotice);
    ImGui::TextUnformatted("本周报表尚未发布：以下为按截至周末的记录即时计算的结果。");
    ImGui::PopStyleColor();
  }

  ImGui::BeginChild("##report", ImVec2(0, 0));
  const JsonValue* total = member(*report, "total");
  if (total) {
    ImGui::SeparatorText((str(*report, "scope_name") + " 各县（区）").c_str());
    drawFigureTable(nav, "##counties", items(*report, "counties"), *total, scale);
    ImGui::SeparatorText("各单位");
    drawFigureTable(nav, "##units", items(*report, "units"), *total, scale);
  }
  drawRankings();
  drawHotSpots(nav);
  drawOverdue(nav);
  ImGui::EndChild();
  drawCasePopup(nav);
}

}  // namespace pcs::client
