// Sections: the issue list and drafting; one issue (header, entries, county figures, texts);
// the figure drill-down with its case and survey look-ups.
#include "bulletins_view.h"

#include <emscripten.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "imgui.h"
#include "pcs/date.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

// clang-format off
EM_JS(void, pcs_js_open_public, (const char* url), {
  window.open(UTF8ToString(url), "_blank", "noopener");
});
// clang-format on

namespace pcs::client {
namespace {

// Who drafted an issue the scheduler made (server/scheduler_publication.cpp).
const std::string kSystemDrafter = "system";
// Rows of a drill-down shown before it scrolls.
constexpr int kDrillRows = 8;

// The month before the current one (Beijing time), "YYYY-MM": the latest a draft may cover.
std::string lastMonth() {
  const Date today = cstDate(static_cast<int64_t>(std::time(nullptr)));
  const Date firstOfMonth = today.addDays(1 - std::stoi(today.toString().substr(8, 2)));
  return firstOfMonth.addDays(-1).toString().substr(0, 7);
}

// Who drafted or published an issue: the scheduler, the signed-in user by name, or a user id
// (the client knows no other user's name).
std::string personZh(const Session& session, const std::string& userId) {
  if (userId == kSystemDrafter) return "系统自动起草";
  if (userId == session.user().id) return session.user().displayName + "（本人）";
  return userId;
}

std::string percentText(double rate) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", rate * 100.0);
  return text;
}

// The size of an array member, 0 when it is absent.
int64_t listSize(const JsonValue* cases, const char* figure) {
  const JsonValue* list = cases ? member(*cases, figure) : nullptr;
  return list && list->IsArray() ? static_cast<int64_t>(list->Size()) : 0;
}

// One figure button of an entry or of the county: the key of its case list in `cases`
// (server/publication_issues.cpp), its text, and the number it shows.
struct Figure {
  const char* key;
  std::string label;
  std::string heading;  // above its drill-down
  int64_t count;        // what the issue counted; its list may be empty for old issues
};

std::vector<Figure> entryFigures(const JsonValue& ev) {
  const int64_t complaints = integer(ev, "complaints");
  const int64_t complainants = integer(ev, "complainants");
  const int64_t substantiated = integer(ev, "substantiated");
  const int64_t closed = integer(ev, "closed");
  const int64_t overdue = integer(ev, "overdue");
  const int64_t responses = integer(ev, "survey_responses");
  const JsonValue* rate = member(ev, "satisfaction");
  const std::string satisfaction = rate && rate->IsNumber()
                                       ? "满意率" + percentText(rate->GetDouble()) + "（答卷" +
                                             std::to_string(responses) + "份）"
                                       : std::string("满意率—（无测评答卷）");
  return {
      {"complaints",
       "投诉" + std::to_string(complaints) + "件（" + std::to_string(complainants) + "名投诉人）",
       "本月投诉", complaints},
      {"substantiated", "属实投诉涉及" + std::to_string(substantiated) + "名投诉人", "本月属实投诉",
       substantiated},
      {"closed", "办结" + std::to_string(closed) + "件", "本月办结", closed},
      {"overdue", "逾期未办结" + std::to_string(overdue) + "件", "逾期未办结", overdue},
      {"surveys", satisfaction, "计入满意率的测评", responses},
  };
}

std::vector<Figure> countyFigures(const JsonValue& figures, const JsonValue* cases) {
  const int64_t complaints = integer(figures, "complaints");
  const int64_t substantiated = integer(figures, "substantiated_complainants");
  const int64_t closed = integer(figures, "closed");
  const int64_t overdue = integer(figures, "overdue");
  const int64_t surveys = listSize(cases, "surveys");
  return {
      {"complaints", "投诉" + std::to_string(complaints) + "件", "全县（区）本月投诉", complaints},
      {"substantiated", "属实投诉涉及" + std::to_string(substantiated) + "名投诉人",
       "全县（区）本月属实投诉", substantiated},
      {"closed", "办结" + std::to_string(closed) + "件", "全县（区）本月办结", closed},
      {"overdue", "逾期未办结" + std::to_string(overdue) + "件", "全县（区）逾期未办结", overdue},
      {"surveys", "满意度测评" + std::to_string(surveys) + "次", "计入满意率的测评", surveys},
  };
}

// A small button on the current line when it still fits, else on the next one.
bool flowButton(const std::string& label, bool first) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float width =
      ImGui::CalcTextSize(label.c_str(), nullptr, true).x + style.FramePadding.x * 2;
  if (!first) {
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
  }
  return ImGui::SmallButton(label.c_str());
}

}  // namespace

// ---- the issue list and drafting -------------------------------------------------------------

void BulletinsView::invalidate() {
  loaded_ = false;
  cases_.clear();
  surveys_.clear();
}

void BulletinsView::load(Session& session) {
  if (loading_) return;
  loading_ = true;
  const uint64_t generation = generation_;
  session.net().get("/api/v1/bulletins", [this, generation, &session](const Response& r) {
    if (generation != generation_) return;
    loading_ = false;
    loaded_ = true;
    issues_.clear();
    if (!r.ok()) {
      error_ =
          r.status == 403 ? "本单位不审核通报，可在公开页面查看已发布的红黑榜。" : r.errorText();
      return;
    }
    error_.clear();
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) return;
    for (const JsonValue* i : client::items(doc.root(), "items"))
      issues_.push_back({integer(*i, "id"), str(*i, "county_id"), str(*i, "month"),
                         str(*i, "state"), str(*i, "title"), str(*i, "drafted_by")});
    if (!openAfterLoad_.empty()) {
      const size_t bar = openAfterLoad_.find('|');
      const Issue* existing =
          issueFor(openAfterLoad_.substr(0, bar), openAfterLoad_.substr(bar + 1));
      openAfterLoad_.clear();
      if (existing) open(session, existing->id);
    }
  });
}

const BulletinsView::Issue* BulletinsView::issueFor(const std::string& county,
                                                    const std::string& month) const {
  const Issue* found = nullptr;
  for (const Issue& i : issues_)
    if (i.countyId == county && i.month == month && (!found || i.id > found->id)) found = &i;
  return found;
}

void BulletinsView::open(Session& session, int64_t id) {
  if (id != openId_) drillCompany_.clear(), drillFigure_.clear();
  openId_ = id;
  const uint64_t generation = generation_;
  const std::string path = "/api/v1/bulletins/" + std::to_string(id);
  session.net().get(path, [this, id, generation](const Response& r) {
    if (generation != generation_ || id != openId_) return;
    if (!r.ok()) {
      notice_ = r.errorText();
      return;
    }
    issue_ = parseJson(r.body);
  });
  // The county's figures drill down to the cases of every company the issue considered.
  countyCases_ = JsonDoc();
  session.net().get(path + "/cases", [this, id, generation](const Response& r) {
    if (generation != generation_ || id != openId_) return;
    if (!r.ok()) {
      notice_ = r.errorText();
      return;
    }
    countyCases_ = parseJson(r.body);
  });
}

void BulletinsView::draftLastMonth(Session& session, const std::string& county) {
  const std::string month = lastMonth();
  const uint64_t generation = generation_;
  session.net().post("/api/v1/bulletins",
                     JsonBuilder().field("county_id", county).field("month", month).finish(),
                     [this, generation, county, month, &session](const Response& r) {
                       if (generation != generation_) return;
                       loaded_ = false;
                       if (r.ok()) {
                         notice_ = "已起草，请审核后发布。";
                         const JsonDoc doc = parseJson(r.body);
                         if (doc.valid()) open(session, integer(doc.root(), "id"));
                       } else if (r.status == 409) {
                         // Drafted meanwhile by the scheduler or a colleague: show that one
                         // instead.
                         notice_ = "该月通报已由系统或他人起草，已为您打开。";
                         openAfterLoad_ = county + "|" + month;
                       } else {
                         notice_ = r.errorText();
                       }
                     });
}

void BulletinsView::drawDraftControls(Session& session) {
  const std::string county = session.userCountyId();
  const User& user = session.user();
  if (county.empty() || !(user.has(Role::Admin) || user.has(Role::UnitHead))) return;
  // Unknown yet whether a draft exists; or the unit may not read the issues (403), so it may
  // not draft either.
  if (!loaded_ || !error_.empty()) return;

  const std::string month = lastMonth();
  const Issue* existing = issueFor(county, month);
  ImGui::SameLine();
  if (!existing) {
    const std::string label = "起草" + month + "通报";
    if (ImGui::Button(label.c_str())) draftLastMonth(session, county);
    exposeItem("bulletins.draft");
    return;
  }
  const bool draft = existing->state != "published";
  ImGui::AlignTextToFramePadding();
  if (draft)
    ImGui::Text("%s通报已有草稿，起草人：%s", month.c_str(),
                personZh(session, existing->draftedBy).c_str());
  else
    ImGui::Text("%s通报已发布", month.c_str());
  ImGui::SameLine();
  if (ImGui::Button(draft ? "打开草稿" : "打开")) open(session, existing->id);
  exposeItem("bulletins.existing");
}

void BulletinsView::draw(Session& session, Navigator& nav, float scale) {
  if (!loaded_) load(session);
  if (ImGui::Button("公开页面（红黑榜）")) pcs_js_open_public("/public/");
  exposeItem("bulletins.public");
  drawDraftControls(session);
  ui::noticeText(notice_);
  if (!error_.empty()) {
    ImGui::TextDisabled("%s", error_.c_str());
    return;
  }

  const float listWidth = 320 * scale;
  ImGui::BeginChild("##issues", ImVec2(listWidth, 0), true);
  if (issues_.empty()) ImGui::TextDisabled(loading_ ? "正在载入…" : "暂无通报");
  for (const Issue& i : issues_) {
    const std::string state = i.state == "published"          ? "已发布"
                              : i.draftedBy == kSystemDrafter ? "草稿·系统起草"
                                                              : "草稿";
    const std::string label =
        session.unitName(i.countyId) + " " + i.month + "（" + state + "）##" + std::to_string(i.id);
    if (ImGui::Selectable(label.c_str(), i.id == openId_)) open(session, i.id);
    exposeItem("bulletins.issue." + std::to_string(i.id));
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##issue", ImVec2(0, 0), true);
  if (!issue_.valid() || openId_ == 0)
    ImGui::TextDisabled("选择左侧的一期通报。");
  else
    drawIssue(session, nav);
  ImGui::EndChild();
}

// ---- one issue --------------------------------------------------------------------------------

void BulletinsView::drawIssue(Session& session, Navigator& nav) {
  const JsonValue& root = issue_.root();
  const bool published = str(root, "state") == "published";
  const User& user = session.user();
  const bool mayPublish = user.has(Role::Admin) || user.has(Role::UnitHead);

  // Header: title, state, who drafted and published it, and the one action it allows.
  ImGui::TextUnformatted(str(root, "title").c_str());
  ImGui::SameLine();
  ui::badge(published ? "已发布" : "草稿", published ? theme::kBrand : theme::kDueSoonBg,
            published ? theme::kOnBrand : theme::kTextDark);
  if (published) {
    ImGui::SameLine();
    if (ImGui::SmallButton("在公开页面打开"))
      pcs_js_open_public(("/public/bulletins/" + std::to_string(openId_)).c_str());
  } else if (mayPublish) {
    ImGui::SameLine();
    if (ImGui::SmallButton("审核无误，发布")) {
      const int64_t id = openId_;
      const uint64_t generation = generation_;
      session.net().post("/api/v1/bulletins/" + std::to_string(id) + "/publish", "{}",
                         [this, id, generation, &session](const Response& r) {
                           if (generation != generation_) return;
                           notice_ = r.ok() ? "已发布。" : r.errorText();
                           loaded_ = false;
                           // Publishing sets the companies' red/black standing.
                           if (r.ok()) session.reloadCompanies();
                           open(session, id);
                         });
    }
    exposeItem("bulletins.publish");
  }
  const std::string drafter = str(root, "drafted_by");
  ImGui::PushStyleColor(ImGuiCol_Text, theme::kTextMuted);
  ImGui::Text("起草人：%s，%s", personZh(session, drafter).c_str(),
              ui::timeText(integer(root, "drafted_at")).c_str());
  exposeItem("bulletins.drafter." + (drafter == kSystemDrafter ? drafter : std::string("person")));
  if (published) {
    ImGui::SameLine();
    ImGui::Text("  发布人：%s，%s", personZh(session, str(root, "published_by")).c_str(),
                ui::timeText(integer(root, "published_at")).c_str());
  }
  ImGui::PopStyleColor();

  // The red and black entries, each with its figures, scroll below the header, which keeps
  // the publish button in sight.
  ImGui::BeginChild("##body", ImVec2(0, 0), false);
  for (const char* list : {"red", "black"}) {
    ImGui::SeparatorText(std::string(list) == "red" ? "红榜（表扬）" : "黑榜（批评）");
    bool any = false;
    for (const JsonValue* e : client::items(root, "entries")) {
      if (str(*e, "list") != list) continue;
      any = true;
      ImGui::PushID(static_cast<int>(integer(*e, "id")));
      ImGui::Bullet();
      ImGui::TextWrapped("%s：%s", str(*e, "company_name").c_str(), str(*e, "reasons").c_str());
      ImGui::Indent();
      drawFigures(session, nav, str(*e, "company_id"), member(*e, "evidence"), member(*e, "cases"));
      ImGui::Unindent();
      ImGui::PopID();
    }
    if (!any) ImGui::TextDisabled("无");
  }

  ImGui::SeparatorText("全县（区）情况");
  if (const JsonValue* figures = member(root, "figures")) {
    ImGui::Text("涉及物业服务企业%lld家。", static_cast<long long>(integer(*figures, "companies")));
    ImGui::PushID("county");
    const JsonValue* cases = countyCases_.valid() ? member(countyCases_.root(), "cases") : nullptr;
    drawFigures(session, nav, "", figures, cases);
    ImGui::PopID();
  }

  ImGui::SeparatorText("通报正文");
  ImGui::TextWrapped("%s", str(root, "praise_text").c_str());
  ImGui::TextWrapped("%s", str(root, "criticism_text").c_str());
  ImGui::EndChild();
}

// ---- the figure drill-down ------------------------------------------------------------------

void BulletinsView::drawFigures(Session& session, Navigator& nav, const std::string& companyId,
                                const JsonValue* evidence, const JsonValue* cases) {
  if (!evidence) return;
  const bool county = companyId.empty();
  const std::vector<Figure> figures =
      county ? countyFigures(*evidence, cases) : entryFigures(*evidence);
  const std::string prefix = "bulletins.figure." + (county ? std::string("county") : companyId);

  const Figure* chosen = nullptr;
  bool first = true;
  for (const Figure& f : figures) {
    const bool selected = drillCompany_ == companyId && drillFigure_ == f.key;
    if (selected) {
      chosen = &f;
      for (const ImGuiCol part : {ImGuiCol_Button, ImGuiCol_ButtonHovered, ImGuiCol_ButtonActive})
        ImGui::PushStyleColor(part, theme::kBrand);
      ImGui::PushStyleColor(ImGuiCol_Text, theme::kOnBrand);
    }
    const bool clicked = flowButton(f.label + "##" + f.key, first);
    if (selected) ImGui::PopStyleColor(4);
    exposeItem(prefix + "." + f.key);
    first = false;
    if (clicked) {
      // A second click on the chosen figure folds its list away.
      drillCompany_ = companyId;
      drillFigure_ = selected ? std::string() : std::string(f.key);
      chosen = selected ? nullptr : &f;
      revealDrill_ = !selected;
    }
  }
  if (!chosen) return;

  const JsonValue* list = cases ? member(*cases, chosen->key) : nullptr;
  if (county && !countyCases_.valid()) {
    ImGui::TextDisabled("正在载入…");
    return;
  }
  const int64_t size = list && list->IsArray() ? static_cast<int64_t>(list->Size()) : 0;
  if (size == 0) {
    // Issues drafted before the server kept the cases (schema version 8) have no lists.
    ImGui::TextDisabled(chosen->count > 0 ? "本期起草时尚未保存明细，无法列出。" : "无");
    return;
  }
  const bool surveys = std::string(chosen->key) == "surveys";
  const std::string heading = chosen->heading + "（" + std::to_string(size) +
                              (surveys ? "次" : "件，点击打开案件") + "）：";
  drawDrillDown(session, nav, heading, list, surveys);
}

void BulletinsView::drawDrillDown(Session& session, Navigator& nav, const std::string& label,
                                  const JsonValue* list, bool surveys) {
  ImGui::TextUnformatted(label.c_str());
  const int rows = static_cast<int>(list->Size());
  const float rowHeight = ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2;
  const float height = rowHeight * static_cast<float>(std::min(rows, kDrillRows) + 1) +
                       ImGui::GetStyle().CellPadding.y * 2;
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##drill", 3, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(surveys ? "测评编号" : "案件编号", 0, 1.0f);
  ImGui::TableSetupColumn(surveys ? "小区（期别）" : "当前状态", 0, 1.5f);
  ImGui::TableSetupColumn(surveys ? "满意率" : "受理时间", 0, 1.5f);
  ImGui::TableHeadersRow();

  // Facts are looked up only for the rows in sight, one request each.
  ImGuiListClipper clipper;
  clipper.Begin(rows, rowHeight);
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const JsonValue& item = (*list)[static_cast<rapidjson::SizeType>(i)];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (surveys) {
        const int64_t id = item.IsInt64() ? item.GetInt64() : 0;
        ImGui::Text("第%lld号", static_cast<long long>(id));
        exposeItem("bulletins.survey." + std::to_string(id));
        const Facts& f = surveyFacts(session, id);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(!f.error.empty() ? f.error.c_str()
                               : f.loaded       ? f.detail.c_str()
                                                : "…");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(f.loaded ? f.state.c_str() : "");
        continue;
      }
      const std::string id = item.IsString() ? item.GetString() : std::string();
      if (ImGui::Selectable(id.c_str(), false, ImGuiSelectableFlags_SpanAllColumns))
        nav.openCase(id);
      exposeItem("bulletins.case." + id);
      const Facts& f = caseFacts(session, id);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(!f.error.empty() ? f.error.c_str()
                             : f.loaded       ? ui::caseStateZh(f.state).c_str()
                                              : "…");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(f.when.c_str());
    }
  }
  clipper.End();
  ImGui::EndTable();

  // A list just opened below the fold (the county's figures sit low) scrolls into sight.
  if (revealDrill_) {
    revealDrill_ = false;
    if (ImGui::GetCursorScreenPos().y > ImGui::GetWindowPos().y + ImGui::GetWindowHeight())
      ImGui::SetScrollHereY(1.0f);
  }
}

const BulletinsView::Facts& BulletinsView::caseFacts(Session& session, const std::string& caseId) {
  const auto found = cases_.find(caseId);
  if (found != cases_.end()) return found->second;
  Facts& facts = cases_[caseId];
  const uint64_t generation = generation_;
  session.net().get("/api/v1/cases/" + urlEncode(caseId),
                    [this, caseId, generation](const Response& r) {
                      if (generation != generation_) return;
                      Facts& f = cases_[caseId];
                      f.loaded = true;
                      const JsonDoc doc = parseJson(r.body);
                      const JsonValue* c = doc.valid() ? member(doc.root(), "case") : nullptr;
                      if (!r.ok() || !c) {
                        f.error = r.status == 404 ? "（无权查看）" : r.errorText();
                        return;
                      }
                      f.state = str(*c, "state");
                      f.when = ui::timeText(integer(*c, "received_at"));
                    });
  return facts;
}

const BulletinsView::Facts& BulletinsView::surveyFacts(Session& session, int64_t surveyId) {
  const auto found = surveys_.find(surveyId);
  if (found != surveys_.end()) return found->second;
  Facts& facts = surveys_[surveyId];
  const uint64_t generation = generation_;
  session.net().get("/api/v1/surveys/" + std::to_string(surveyId), [this, surveyId,
                                                                    generation](const Response& r) {
    if (generation != generation_) return;
    Facts& f = surveys_[surveyId];
    f.loaded = true;
    const JsonDoc doc = parseJson(r.body);
    if (!r.ok() || !doc.valid()) {
      f.error = r.status == 404 ? "（无权查看）" : r.errorText();
      return;
    }
    const JsonValue& s = doc.root();
    f.detail = str(s, "estate_name") + "（" + str(s, "period") + "）";
    const JsonValue* rate = member(s, "satisfaction");
    f.state = rate && rate->IsNumber() ? percentText(rate->GetDouble()) : std::string("未结束");
  });
  return facts;
}

}  // namespace pcs::client
