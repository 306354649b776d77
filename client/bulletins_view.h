#pragma once
// 红黑榜与通报 (R14) inside 督办查询: the monthly red/black list and bulletin of each county, as
// drafted by the system, reviewed and published by a property authority's unit head. Lists the
// issues this user may read (published ones, and drafts for the authorities and oversight),
// shows one with its red and black entries and the reasons, drafts last month's issue and
// publishes a draft for users allowed to; published issues open on the public page.

#include <string>
#include <vector>

#include "json_util.h"
#include "session.h"

namespace pcs::client {

class BulletinsView {
 public:
  void draw(Session& session, float scale);
  void invalidate() { loaded_ = false; }

 private:
  struct Issue {
    int64_t id = 0;
    std::string countyId, month, state, title;
  };
  void load(Session& session);
  void open(Session& session, int64_t id);

  bool loaded_ = false;
  bool loading_ = false;
  std::string error_;
  std::string notice_;
  std::vector<Issue> issues_;
  int64_t openId_ = 0;
  JsonDoc issue_;
};

}  // namespace pcs::client
