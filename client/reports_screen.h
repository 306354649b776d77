#pragma once
// 统计报表: the weekly package for the discipline commission (R13, T14) as issued, or computed
// now for a week not yet issued: figures per county and per unit, rates, rankings (units below
// the minimum volume are listed, not ranked), hot spots and the overdue list. Every count opens
// the cases behind it; the issued version downloads as .xlsx or opens as a printable page.

#include <string>
#include <vector>

#include "json_util.h"
#include "navigator.h"
#include "session.h"

namespace pcs::client {

class ReportsScreen {
 public:
  void draw(Session& session, Navigator& nav, float scale);
  // Who gets the tab: oversight, administrators, reviewers and unit heads (the server decides
  // the rest: a county commission sees its county).
  static bool shownTo(const User& user);

 private:
  void load(Session& session);
  void issue(Session& session);
  void drawFigureTable(Navigator& nav, const char* id, const std::vector<const JsonValue*>& rows,
                       const JsonValue& total, float scale);
  void drawRankings();
  void drawHotSpots(Navigator& nav);
  void drawOverdue(Navigator& nav);
  void drawCasePopup(Navigator& nav);
  void countButton(const JsonValue& figure, const std::string& title);

  int week_ = 0;  // 0 = last week, 1 = the week before ...
  std::string scope_;
  std::string loadedFor_;
  bool loading_ = false;
  std::string error_;
  std::string notice_;
  JsonDoc answer_;
  bool issued_ = false;  // the answer is an issued version (not a preview)
  int64_t version_ = 0;
  std::string reason_;
  // The cases behind the count last clicked.
  std::string popupTitle_;
  std::vector<std::string> popupCases_;
  bool openPopup_ = false;
};

}  // namespace pcs::client
