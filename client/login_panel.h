#pragma once
// The sign-in card of the first screen: user name, password and the 登录 button. Submitting
// posts to /api/v1/auth/login; a success starts the session, a refusal shows the server's
// message (wrong password, locked for a while, server unreachable) under the button.

#include <string>

#include "imgui.h"
#include "session.h"

namespace pcs::client {

class LoginPanel {
 public:
  // Heading drawn with the heading font (Fonts needs its characters up front).
  static constexpr const char* kHeading = "用户登录";

  // Draws the card centred on `center` (device pixels); `scale` is device pixels per CSS
  // pixel and `heading` the large font.
  void draw(Session& session, ImVec2 center, float scale, ImFont* heading);

  // A message shown above the fields, e.g. why the user was signed out.
  void setNotice(std::string notice) { notice_ = std::move(notice); }

 private:
  void submit(Session& session);

  static constexpr int kFieldCapacity = 128;  // bytes, UTF-8; user names are short
  char username_[kFieldCapacity] = {};
  char password_[kFieldCapacity] = {};
  std::string notice_;  // what happened on the last submit, shown under the button
  bool busy_ = false;   // a login request is in flight
};

}  // namespace pcs::client
