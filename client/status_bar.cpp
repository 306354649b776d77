#include "status_bar.h"

#include "platform.h"
#include "theme.h"

#ifndef PCS_VERSION
#define PCS_VERSION "dev"
#endif

namespace pcs::client {
namespace {

// What a clerk needs to know about the day: can cases be counted on it (R5), and why not.
std::string describeDay(const DayInfo& info) {
  std::string text;
  switch (info.kind) {
    case DayKind::Workday:
      text = "工作日";
      break;
    case DayKind::Weekend:
      text = "休息日（周末）";
      break;
    case DayKind::Holiday:
      text = "休息日（" + info.name + "）";
      break;
    case DayKind::AdjustedWorkday:
      text = "工作日（" + info.name + "调休上班）";
      break;
  }
  if (info.provisional) text += "；本年放假安排尚未发布，暂按法定节假日推算";
  return text;
}

}  // namespace

void StatusBar::refresh(Date today) {
  const DayInfo info = calendar_.info(today);
  dateText_ = "今天：" + std::to_string(today.year()) + "年" + std::to_string(today.month()) +
              "月" + std::to_string(today.day()) + "日 " + weekdayNameZh(today.isoWeekday()) +
              "（北京时间）";
  dayText_ = describeDay(info);
  working_ = info.working;
  shown_ = today;
  known_ = true;
  publishToday(today.toString(), dayKindKey(info.kind), info.working, info.provisional);
}

void StatusBar::draw(ImDrawList* drawList, ImVec2 min, ImVec2 max, int64_t unixNow) {
  const Date today = cstDate(unixNow);
  if (!known_ || today != shown_) refresh(today);

  const ImGuiStyle& style = ImGui::GetStyle();
  const float textY = min.y + (max.y - min.y - ImGui::GetTextLineHeight()) * 0.5f;
  drawList->AddRectFilled(min, max, theme::kStatusBar);

  ImVec2 pos(min.x + style.WindowPadding.x, textY);
  drawList->AddText(pos, theme::kTextMuted, dateText_.c_str());
  pos.x += ImGui::CalcTextSize(dateText_.c_str()).x + style.ItemSpacing.x;
  drawList->AddText(pos, working_ ? theme::kTextWorking : theme::kTextResting, dayText_.c_str());

  const char* version = "版本 " PCS_VERSION;
  const float versionWidth = ImGui::CalcTextSize(version).x;
  drawList->AddText(ImVec2(max.x - style.WindowPadding.x - versionWidth, textY), theme::kTextMuted,
                    version);
}

}  // namespace pcs::client
