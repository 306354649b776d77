#include "login_panel.h"

#include <algorithm>
#include <iterator>

#include "json_util.h"
#include "test_hooks.h"
#include "theme.h"

namespace pcs::client {
namespace {

// Card width in CSS pixels; wide enough for a 20-character user name in the body font.
constexpr float kCardWidth = 360.0f;

}  // namespace

void LoginPanel::submit(Session& session) {
  if (busy_) return;
  if (username_[0] == '\0') {
    notice_ = "请输入用户名。";
    return;
  }
  if (password_[0] == '\0') {
    notice_ = "请输入密码。";
    return;
  }
  busy_ = true;
  notice_ = "正在登录…";
  const std::string body =
      JsonBuilder().field("login", username_).field("password", password_).finish();
  session.net().post("/api/v1/auth/login", body, [this, &session](const Response& r) {
    busy_ = false;
    if (!r.ok()) {
      notice_ = r.errorText();
      return;
    }
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) {
      notice_ = "服务器答复无法读取，请稍后再试。";
      return;
    }
    session.begin(doc.root());
    if (!session.signedIn()) {
      notice_ = "服务器答复无法读取，请稍后再试。";
      return;
    }
    notice_.clear();
    std::fill(std::begin(password_), std::end(password_), '\0');
  });
}

void LoginPanel::draw(Session& session, ImVec2 center, float scale, ImFont* heading) {
  const float width = kCardWidth * scale;
  ImGui::SetNextWindowPos(center, ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(width, 0.0f));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_AlwaysAutoResize;
  if (!ImGui::Begin("##login", nullptr, flags)) {
    ImGui::End();
    return;
  }

  ImGui::PushFont(heading);
  ImGui::TextUnformatted(kHeading);
  ImGui::PopFont();
  ImGui::Spacing();

  // Labels sit above the fields, so each field can take the card's full width.
  ImGui::TextUnformatted("用户名");
  ImGui::SetNextItemWidth(-FLT_MIN);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  ImGui::InputTextWithHint("##username", "请输入用户名", username_, sizeof username_);
  exposeItem("login.username");

  ImGui::TextUnformatted("密码");
  ImGui::SetNextItemWidth(-FLT_MIN);
  const bool enter =
      ImGui::InputTextWithHint("##password", "请输入密码", password_, sizeof password_,
                               ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  exposeItem("login.password");
  ImGui::Spacing();

  const bool clicked =
      theme::primaryButton(busy_ ? "正在登录…###submit" : "登录###submit", ImVec2(-FLT_MIN, 0.0f));
  exposeItem("login.submit");
  if (clicked || enter) submit(session);

  if (!notice_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, theme::kTextNotice);
    ImGui::TextWrapped("%s", notice_.c_str());
    exposeItem("login.notice");
    ImGui::PopStyleColor();
  }
  ImGui::End();
}

}  // namespace pcs::client
