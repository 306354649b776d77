#include "board.h"

#include <algorithm>
#include <cstdint>

#include "imgui_internal.h"
#include "pcs/handler.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {
namespace {

// Column width and card height in CSS pixels; a card shows four lines of body text.
constexpr float kColumnWidth = 300.0f;
constexpr float kCardLines = 4.0f;

const char* const kStates[] = {"registered", "dispatched",   "in_progress",
                               "resolved",   "under_review", "closed"};

const char* groupingName(Board::Grouping g) {
  switch (g) {
    case Board::Grouping::State:
      return "按办理状态";
    case Board::Grouping::Handler:
      return "按承办部门";
    case Board::Grouping::County:
      return "按县（区）";
    case Board::Grouping::Company:
      return "按物业企业";
  }
  return "";
}

}  // namespace

std::string Board::filterQuery() const {
  std::string q = "order=due";
  if (urgentOnly_) q += "&urgent=true";
  if (overdueOnly_) q += "&overdue=true";
  if (openOnly_) q += "&open=true";
  if (!countyId_.empty()) q += "&county=" + urlEncode(countyId_);
  if (!appliedSearch_.empty()) q += "&q=" + urlEncode(appliedSearch_);
  return q;
}

void Board::rebuildColumns(Session& session) {
  columns_.clear();
  const std::string filters = filterQuery();
  auto add = [&](std::string key, std::string title, std::string query) {
    auto column = std::make_unique<Column>();
    column->key = std::move(key);
    column->title = std::move(title);
    column->query = filters + "&" + query;
    columns_.push_back(std::move(column));
  };
  switch (grouping_) {
    case Grouping::State:
      for (const char* state : kStates)
        add(state, ui::caseStateZh(state), "state=" + std::string(state));
      break;
    case Grouping::Handler:
      for (const HandlerInfo& h : handlers())
        add(std::string(h.key), std::string(h.nameZh), "handler=" + std::string(h.key));
      break;
    case Grouping::County:
      for (const OrgUnit* county : session.childAreas("city"))
        add(county->id, county->name, "county=" + urlEncode(county->id));
      break;
    case Grouping::Company:
      for (const auto& [id, company] : session.companies())
        add(id, company.name, "company=" + urlEncode(id));
      break;
  }
  builtFor_ = std::to_string(static_cast<int>(grouping_)) + "|" + filters + "|" +
              std::to_string(session.units().size()) + "|" +
              std::to_string(session.companies().size());
  dirty_ = false;
}

void Board::drawFilters(Session& session, Navigator& nav, float scale) {
  ImGui::SetNextItemWidth(150 * scale);
  if (ImGui::BeginCombo("##grouping", groupingName(grouping_))) {
    for (Grouping g : {Grouping::State, Grouping::Handler, Grouping::County, Grouping::Company}) {
      if (ImGui::Selectable(groupingName(g), g == grouping_)) grouping_ = g;
    }
    ImGui::EndCombo();
  }
  exposeItem("board.grouping");

  ImGui::SameLine();
  ImGui::SetNextItemWidth(260 * scale);
  if (ui::inputTextWithHint("##search", "搜索投诉内容或地址，回车查询", search_,
                            ImGuiInputTextFlags_EnterReturnsTrue))
    appliedSearch_ = search_;
  exposeItem("board.search");
  ImGui::SameLine();
  if (ImGui::Button("查询")) appliedSearch_ = search_;
  exposeItem("board.search.go");

  if (session.userCountyId().empty()) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(150 * scale);
    const std::string current = countyId_.empty() ? "全部县（区）" : session.unitName(countyId_);
    if (ImGui::BeginCombo("##county", current.c_str())) {
      if (ImGui::Selectable("全部县（区）", countyId_.empty())) countyId_.clear();
      for (const OrgUnit* county : session.childAreas("city"))
        if (ImGui::Selectable(county->name.c_str(), county->id == countyId_))
          countyId_ = county->id;
      ImGui::EndCombo();
    }
    exposeItem("board.county");
  }
  ImGui::SameLine();
  ImGui::Checkbox("仅紧急", &urgentOnly_);
  exposeItem("board.urgent");
  ImGui::SameLine();
  ImGui::Checkbox("仅逾期", &overdueOnly_);
  exposeItem("board.overdue");
  ImGui::SameLine();
  ImGui::Checkbox("仅在办", &openOnly_);
  exposeItem("board.open");
  ImGui::SameLine();
  if (ImGui::Button("刷新")) dirty_ = true;
  exposeItem("board.refresh");

  // A caller quoting a case number gets straight to it.
  ImGui::SameLine();
  ImGui::SetNextItemWidth(170 * scale);
  if (ui::inputTextWithHint("##open", "案件编号，回车打开", caseNumber_,
                            ImGuiInputTextFlags_EnterReturnsTrue)) {
    std::string id;
    for (char c : caseNumber_)
      if (c != ' ' && c != '\t') id += c;
    if (!id.empty()) nav.openCase(id);
    caseNumber_.clear();
  }
  exposeItem("board.open_case");
}

void Board::draw(Session& session, Navigator& nav, float scale) {
  drawFilters(session, nav, scale);

  const std::string wanted = std::to_string(static_cast<int>(grouping_)) + "|" + filterQuery() +
                             "|" + std::to_string(session.units().size()) + "|" +
                             std::to_string(session.companies().size());
  if (dirty_ || wanted != builtFor_) rebuildColumns(session);

  if (columns_.empty()) {
    ImGui::TextDisabled("正在载入…");
    return;
  }

  const float width = kColumnWidth * scale;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  ImGui::BeginChild("##columns", avail, false, ImGuiWindowFlags_HorizontalScrollbar);
  const float height = ImGui::GetContentRegionAvail().y;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) ImGui::SameLine();
    drawColumn(session, nav, *columns_[i], width, height, scale);
  }
  ImGui::EndChild();

  long long loaded = 0, total = 0;
  for (const auto& column : columns_) {
    loaded += static_cast<long long>(column->list.items().size());
    total += std::max<long long>(0, column->list.total());
  }
  publishBoardStats(loaded, total);
}

void Board::drawColumn(Session& session, Navigator& nav, Column& column, float width, float height,
                       float scale) {
  ImGui::PushID(column.key.c_str());
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  // A column scrolled out of sight is neither laid out nor loaded.
  if (!ImGui::IsRectVisible(origin, ImVec2(origin.x + width, origin.y + height))) {
    ImGui::Dummy(ImVec2(width, height));
    ImGui::PopID();
    return;
  }
  column.list.setQuery(session, column.query);

  ImGui::BeginGroup();
  const int64_t total = column.list.total();
  const std::string title =
      column.title + "  " + (total < 0 ? std::string("…") : std::to_string(total));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(0xE3, 0xEA, 0xF4, 0xFF));
  ImGui::BeginChild("##head", ImVec2(width, ImGui::GetFrameHeightWithSpacing()), false,
                    ImGuiWindowFlags_NoScrollbar);
  ImGui::SetCursorPos(
      ImVec2(ImGui::GetStyle().FramePadding.x, ImGui::GetStyle().FramePadding.y * 0.5f));
  ImGui::TextUnformatted(title.c_str());
  ImGui::EndChild();
  ImGui::PopStyleColor();
  exposeItem("board.column." + column.key);

  const float lineHeight = ImGui::GetTextLineHeight();
  const float cardHeight = lineHeight * kCardLines + ImGui::GetStyle().FramePadding.y * 2;
  const float spacing = ImGui::GetStyle().ItemSpacing.y;  // what InvisibleButton advances by
  ImGui::BeginChild(
      "##cards",
      ImVec2(width, height - ImGui::GetFrameHeightWithSpacing() - ImGui::GetStyle().ItemSpacing.y),
      false);
  const auto& items = column.list.items();
  const float cardWidth = ImGui::GetContentRegionAvail().x;
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(items.size()), cardHeight + spacing);
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i)
      drawCard(session, nav, items[static_cast<size_t>(i)], cardWidth, cardHeight,
               grouping_ != Grouping::State);
    // Ask for the next page while the user is still a screen away from the end.
    column.list.ensure(session,
                       loadEverything() ? SIZE_MAX : static_cast<size_t>(clipper.DisplayEnd) + 50);
  }
  clipper.End();
  if (items.empty()) {
    if (!column.list.error().empty()) {
      ui::errorText(column.list.error());
    } else if (column.list.loading() || column.list.total() < 0) {
      ImGui::TextDisabled("正在载入…");
    } else {
      ImGui::TextDisabled("没有案件");
    }
  } else if (column.list.loading()) {
    ImGui::TextDisabled("正在载入更多…");
  }
  ImGui::EndChild();
  ImGui::EndGroup();
  ImGui::PopID();
}

void Board::drawCard(Session& session, Navigator& nav, const CaseSummary& c, float width,
                     float height, bool showState) {
  ImGui::PushID(c.id.c_str());
  const ImVec2 min = ImGui::GetCursorScreenPos();
  const ImVec2 max(min.x + width, min.y + height);
  if (ImGui::InvisibleButton("##card", ImVec2(width, height))) nav.openCase(c.id);
  exposeItem("board.card." + c.id);
  const bool hovered = ImGui::IsItemHovered() || ImGui::IsItemFocused();
  if (hovered) ImGui::SetTooltip("%s", c.excerpt.c_str());

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImGuiStyle& style = ImGui::GetStyle();
  dl->AddRectFilled(min, max, hovered ? theme::kCardHover : theme::kCard, style.FrameRounding);
  // A bar down the left edge repeats the most pressing mark, as a shape as well as a colour.
  ImU32 edge = theme::kCardBorder;
  ui::BadgeStyle due;
  const bool hasDue = ui::dueBadgeStyle(c, due);
  if (c.urgent)
    edge = theme::kUrgentBg;
  else if (hasDue && due.background != theme::kOnTimeBg)
    edge = due.background;
  dl->AddRect(min, max, theme::kCardBorder, style.FrameRounding);
  dl->AddRectFilled(min, ImVec2(min.x + ImGui::GetFontSize() * 0.3f, max.y), edge,
                    style.FrameRounding, ImDrawFlags_RoundCornersLeft);

  const float pad = style.FramePadding.x;
  const float line = ImGui::GetTextLineHeight();
  ImVec2 pos(min.x + pad + 4, min.y + style.FramePadding.y);
  const ImVec4 clip(min.x, min.y, max.x - pad * 0.5f, max.y);
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize();

  // Line 1: number, then badges from the right edge leftwards.
  dl->AddText(font, size, pos, theme::kTextDark, c.id.c_str(), nullptr, 0.0f, &clip);
  float right = max.x - pad;
  auto rightBadge = [&](const std::string& text, ImU32 bg, ImU32 fg) {
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
    const float x = right - ts.x - pad;
    dl->AddRectFilled(ImVec2(x, pos.y - 1), ImVec2(right, pos.y + line + 1), bg,
                      style.FrameRounding);
    dl->AddText(ImVec2(x + pad * 0.5f, pos.y), fg, text.c_str());
    right = x - pad * 0.5f;
  };
  if (hasDue) rightBadge(due.text, due.background, due.foreground);
  if (c.urgent) rightBadge("◆ 紧急", theme::kUrgentBg, theme::kOnBrand);

  // Line 2: where, and the state when the columns are not states.
  pos.y += line;
  std::string where = c.countyName;
  const std::string estate = session.estateName(c.estateId);
  if (!estate.empty()) where += " · " + estate;
  if (showState) where = "【" + ui::caseStateZh(c.state) + "】" + where;
  if (c.returns > 0) where += " · 退回" + std::to_string(c.returns) + "次";
  dl->AddText(font, size, pos, theme::kTextMuted, where.c_str(), nullptr, 0.0f, &clip);

  // Lines 3-4: the start of the complaint.
  pos.y += line;
  dl->AddText(font, size, pos, theme::kTextDark, c.excerpt.c_str(), nullptr, max.x - pos.x - pad,
              &clip);

  ImGui::PopID();
}

}  // namespace pcs::client
