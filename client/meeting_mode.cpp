#include "meeting_mode.h"

#include <algorithm>
#include <ctime>

#include "imgui.h"
#include "pcs/date.h"
#include "pcs/handler.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {
namespace {

const char* const kStates[] = {"registered", "dispatched", "in_progress", "resolved",
                               "under_review"};
constexpr int kRows = 12;               // cases listed per table: what a wall shows legibly
const std::string kJointKey = "joint";  // the joint meeting's page, after the places

}  // namespace

std::vector<MeetingMode::View> MeetingMode::views(Session& session) {
  std::vector<View> out;
  if (byHandler_) {
    const std::string county = session.userCountyId();
    for (const HandlerInfo& h : handlers()) {
      std::string q = "handler=" + std::string(h.key);
      if (!county.empty()) q += "&county=" + urlEncode(county);
      out.push_back({std::string(h.key), std::string(h.nameZh), q});
    }
  } else {
    const std::string own = session.userCountyId();
    for (const OrgUnit* county : session.childAreas("city"))
      if (own.empty() || own == county->id)
        out.push_back({county->id, county->name, "county=" + urlEncode(county->id)});
  }
  if (!out.empty() && joint_.readable(session)) out.push_back({kJointKey, "联席会议督办", ""});
  return out;
}

void MeetingMode::show(Session& session, const View& view) {
  shownKey_ = view.key;
  shownAt_ = ImGui::GetTime();
  stateCounts_.clear();
  const uint64_t generation = ++generation_;
  if (view.key == kJointKey) {
    joint_.load(session);
    return;
  }
  session.net().get("/api/v1/board/counts?" + view.query, [this, generation](const Response& r) {
    if (generation != generation_ || !r.ok()) return;
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) return;
    const JsonValue* counts = member(doc.root(), "counts");
    if (counts && counts->IsObject())
      for (const auto& m : counts->GetObject())
        if (m.value.IsInt64()) stateCounts_[m.name.GetString()] = m.value.GetInt64();
  });
  late_.setQuery(session, view.query + "&overdue=true&order=due");
  urgent_.setQuery(session, view.query + "&urgent=true&open=true&order=due");
}

void MeetingMode::draw(Session& session, Navigator& nav, const CanvasSize& canvas,
                       ImFont* heading) {
  const float s = canvas.pixelRatio;
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(
      ImVec2(static_cast<float>(canvas.width), static_cast<float>(canvas.height)));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(32 * s, 24 * s));
  ImGui::Begin(
      "##meeting", nullptr,
      ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  ImGui::PopStyleVar(2);

  const std::vector<View> all = views(session);
  if (all.empty()) {
    ImGui::TextUnformatted("正在载入…");
    ImGui::End();
    return;
  }
  if (index_ >= all.size()) index_ = 0;

  // Keys: arrows move, Escape leaves; the view also advances on its own.
  if (ImGui::IsKeyPressed(ImGuiKey_Escape)) nav.show(ScreenId::Board);
  if (ImGui::IsKeyPressed(ImGuiKey_RightArrow)) index_ = (index_ + 1) % all.size();
  if (ImGui::IsKeyPressed(ImGuiKey_LeftArrow)) index_ = (index_ + all.size() - 1) % all.size();
  if (autoAdvance_ && shownAt_ >= 0 && ImGui::GetTime() - shownAt_ > kAdvanceSeconds)
    index_ = (index_ + 1) % all.size();
  const View& view = all[index_];
  if (view.key != shownKey_) show(session, view);

  // Title line in the heading font; the place's name in large body text beside it.
  ImGui::PushFont(heading);
  ImGui::SetWindowFontScale(1.4f);
  ImGui::TextUnformatted("调度会议大屏");
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::SetWindowFontScale(kTextScale * 1.3f);
  ImGui::TextUnformatted(view.title.c_str());
  exposeItem("meeting.title");
  exposeItem("meeting.view." + view.key);
  ImGui::SetWindowFontScale(1.0f);
  ImGui::SameLine();
  ImGui::TextDisabled("（第 %zu / %zu 页）", index_ + 1, all.size());
  ImGui::SameLine();
  ImGui::SetCursorPosX(ImGui::GetWindowWidth() - 560 * s);
  if (ImGui::Checkbox("按承办部门", &byHandler_)) index_ = 0, shownKey_.clear();
  exposeItem("meeting.by_handler");
  ImGui::SameLine();
  ImGui::Checkbox("自动轮播", &autoAdvance_);
  exposeItem("meeting.auto");
  ImGui::SameLine();
  if (all.back().key == kJointKey) {
    if (ImGui::Button("联席会议")) index_ = all.size() - 1;
    exposeItem("meeting.joint");
    ImGui::SameLine();
  }
  if (ImGui::Button("下一页 →")) index_ = (index_ + 1) % all.size();
  exposeItem("meeting.next");
  ImGui::SameLine();
  if (ImGui::Button("退出大屏 (Esc)")) nav.show(ScreenId::Board);
  exposeItem("meeting.exit");

  ImGui::SetWindowFontScale(kTextScale);
  if (view.key == kJointKey) {
    joint_.draw(s);
    drawProgress(canvas);
    ImGui::SetWindowFontScale(1.0f);
    ImGui::End();
    return;
  }
  // The counts per state as big tiles.
  const float tileWidth =
      (ImGui::GetContentRegionAvail().x - 6 * ImGui::GetStyle().ItemSpacing.x) / 6;
  const float tileHeight = ImGui::GetTextLineHeight() * 2.6f;
  auto tile = [&](const std::string& label, int64_t n, ImU32 bg, ImU32 fg, const char* name) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + tileWidth, p.y + tileHeight), bg, 8 * s);
    dl->AddText(ImVec2(p.x + 12 * s, p.y + 6 * s), fg, label.c_str());
    const std::string number = n < 0 ? "…" : std::to_string(n);
    dl->AddText(ImVec2(p.x + 12 * s, p.y + 6 * s + ImGui::GetTextLineHeight()), fg, number.c_str());
    ImGui::Dummy(ImVec2(tileWidth, tileHeight));
    exposeItem(name);
    ImGui::SameLine();
  };
  for (const char* state : kStates) {
    const auto it = stateCounts_.find(state);
    tile(ui::caseStateZh(state), it == stateCounts_.end() ? 0 : it->second,
         IM_COL32(0xE3, 0xEA, 0xF4, 0xFF), theme::kTextDark,
         (std::string("meeting.count.") + state).c_str());
  }
  if (late_.total() > 0)
    tile("▲ 逾期", late_.total(), theme::kOverdueBg, theme::kOnBrand, "meeting.count.overdue");
  else
    tile("逾期", late_.total(), theme::kOnTimeBg, theme::kTextDark, "meeting.count.overdue");
  ImGui::NewLine();

  // Two tables side by side: overdue first, then urgent.
  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  auto table = [&](const char* id, const char* title, CaseList& list) {
    ImGui::BeginChild(id, ImVec2(half, 0), false);
    ImGui::TextUnformatted(title);
    if (ImGui::BeginTable(
            "##t", 4,
            ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp)) {
      ImGui::TableSetupColumn("案件编号", 0, 1.5f);
      ImGui::TableSetupColumn("街道·小区", 0, 2.2f);
      ImGui::TableSetupColumn("状态", 0, 1.0f);
      ImGui::TableSetupColumn("时限", 0, 2.3f);
      ImGui::TableHeadersRow();
      int rows = 0;
      for (const CaseSummary& c : list.items()) {
        if (rows++ == kRows) break;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.id.c_str());
        ImGui::TableNextColumn();
        std::string place = session.unitName(c.streetId);
        const std::string estate = session.estateName(c.estateId);
        if (!estate.empty()) place += "·" + estate;
        ImGui::TextUnformatted(place.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ui::caseStateZh(c.state).c_str());
        ImGui::TableNextColumn();
        ui::BadgeStyle due;
        if (ui::dueBadgeStyle(c, due)) ui::badge(due.text, due.background, due.foreground);
      }
      ImGui::EndTable();
      if (list.items().empty())
        ImGui::TextDisabled(list.loading() || list.total() < 0 ? "正在载入…" : "无");
    }
    ImGui::EndChild();
  };
  table("##late", "逾期案件（按逾期时长）", late_);
  ImGui::SameLine();
  table("##urgent", "◆ 紧急在办案件", urgent_);
  ImGui::SetWindowFontScale(1.0f);
  drawProgress(canvas);
  ImGui::End();
}

void MeetingMode::drawProgress(const CanvasSize& canvas) const {
  // Progress of the rotation along the bottom edge.
  if (!autoAdvance_) return;
  const float s = canvas.pixelRatio;
  const float t = static_cast<float>((ImGui::GetTime() - shownAt_) / kAdvanceSeconds);
  ImDrawList* fg = ImGui::GetForegroundDrawList();
  fg->AddRectFilled(ImVec2(0, canvas.height - 4 * s),
                    ImVec2(canvas.width * std::clamp(t, 0.0f, 1.0f), canvas.height), theme::kBrand);
}

}  // namespace pcs::client
