#pragma once
// The line along the bottom of the screen: today's date in China Standard Time and whether it
// is a working day under the official calendar, plus the client version.

#include <cstdint>
#include <string>

#include "imgui.h"
#include "pcs/calendar.h"

namespace pcs::client {

class StatusBar {
 public:
  // `calendar` must outlive the bar.
  explicit StatusBar(const Calendar& calendar) : calendar_(calendar) {}

  // Draws the bar into the rectangle [min, max] (device pixels) of `drawList`. `unixNow` is
  // the current instant; the day's facts are worked out again only when the CST date changes.
  void draw(ImDrawList* drawList, ImVec2 min, ImVec2 max, int64_t unixNow);

 private:
  void refresh(Date today);

  const Calendar& calendar_;
  bool known_ = false;
  Date shown_;
  std::string dateText_;  // 今天：2025年6月3日 星期二（北京时间）
  std::string dayText_;   // 工作日 / 休息日（春节） / ...
  bool working_ = true;
};

}  // namespace pcs::client
