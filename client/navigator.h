#pragma once
// What a screen may ask of the application around it: open another screen or a case, and say
// that a case changed so lists showing it reload.

#include <string>

namespace pcs::client {

enum class ScreenId {
  Board,
  Intake,
  Import,
  Case,
  Supervision,
  Oversight,
  Reports,
  Meeting,
  JointMeeting,
};

class Navigator {
 public:
  virtual ~Navigator() = default;
  virtual void show(ScreenId screen) = 0;
  virtual void openCase(const std::string& caseId) = 0;
  // A case was registered or changed by this user: boards and drill-downs reload.
  virtual void caseChanged(const std::string& caseId) = 0;
};

}  // namespace pcs::client
