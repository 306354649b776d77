#pragma once
// The joint meeting's page in meeting mode (会议大屏): the open listed matters (owner unit, due
// date, days left or late, the last monthly progress) and the open and overdue decided items
// per owner unit, from GET /joint-meeting/board. Unit names and dates only: no person's name or
// phone. Shown only to users who may read the joint meeting.

#include <string>
#include <vector>

#include "joint_meeting.h"
#include "session.h"

namespace pcs::client {

class JointMeetingBoard {
 public:
  // Asks the server once whether this user may read the joint meeting; true once it said so.
  bool readable(Session& session);
  // Loads the board again (each time meeting mode turns to it).
  void load(Session& session);
  // Draws at the cursor, in the meeting screen's large type.
  void draw(float scale);

 private:
  struct Matter {
    int64_t id = 0;
    std::string title, owner, dueOn, lastMonth, lastText;
    bool overdue = false, hasDaysLeft = false, lastLate = false;
    int daysLeft = 0;
    size_t missing = 0;
  };
  struct Owner {
    std::string id, name;
    int open = 0, overdue = 0;
  };

  JmRequests net_;
  JmAccess access_;
  bool asked_ = false;
  bool loading_ = false;
  std::string error_, today_;
  std::vector<Matter> matters_;
  std::vector<Owner> owners_;
};

}  // namespace pcs::client
