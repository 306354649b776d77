#pragma once
// The sign-in card of the first screen: user name, password and the 登录 button.
// Not connected to the server yet: submitting checks that both fields are filled and then says
// that signing in is unavailable, so the button is never a silent no-op.

#include <string>

#include "imgui.h"

namespace pcs::client {

class LoginPanel {
 public:
  // Heading drawn with the heading font (Fonts needs its characters up front).
  static constexpr const char* kHeading = "用户登录";

  // Draws the card centred on `center` (device pixels); `scale` is device pixels per CSS
  // pixel and `heading` the large font.
  void draw(ImVec2 center, float scale, ImFont* heading);

 private:
  void submit();

  static constexpr int kFieldCapacity = 128;  // bytes, UTF-8; user names are short
  char username_[kFieldCapacity] = {};
  char password_[kFieldCapacity] = {};
  std::string notice_;  // what happened on the last submit, shown under the button
};

}  // namespace pcs::client
