#pragma once
// Meeting mode (R15): the board for a projector at a dispatch or joint meeting. Full screen,
// large type, one view per county (or per handler) with its cases per state and its overdue
// and urgent cases, advancing on its own every kAdvanceSeconds or by the arrow keys. It shows
// no personal data: no complainant, and not the complaint text either (which may name people),
// only case numbers, places, handlers, states and days late. Escape leaves it. For readers of
// the joint meeting the rotation ends with its board (listed matters, decided items).

#include <map>
#include <string>
#include <vector>

#include "case_list.h"
#include "imgui.h"
#include "joint_meeting_board.h"
#include "navigator.h"
#include "platform.h"
#include "session.h"

namespace pcs::client {

class MeetingMode {
 public:
  // Text drawn with the heading font (its glyphs are rasterised up front).
  static std::string headingText() { return "调度会议大屏按县区按承办部门自动轮播"; }

  void draw(Session& session, Navigator& nav, const CanvasSize& canvas, ImFont* heading);

  static constexpr double kAdvanceSeconds = 20.0;
  static constexpr float kTextScale = 1.45f;

 private:
  struct View {
    std::string key, title, query;  // query selects the view's cases
  };
  // Asks the joint meeting's access once (its page joins the rotation for readers).
  std::vector<View> views(Session& session);
  void show(Session& session, const View& view);
  void drawProgress(const CanvasSize& canvas) const;

  bool byHandler_ = false;
  bool autoAdvance_ = true;
  size_t index_ = 0;
  double shownAt_ = -1;
  std::string shownKey_;
  std::map<std::string, int64_t> stateCounts_;
  uint64_t generation_ = 0;
  CaseList late_;    // overdue cases of the view, most overdue first
  CaseList urgent_;  // open urgent cases of the view
  JointMeetingBoard joint_;
};

}  // namespace pcs::client
