#include "bulletins_view.h"

#include <emscripten.h>

#include <ctime>

#include "imgui.h"
#include "pcs/date.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

// clang-format off
EM_JS(void, pcs_js_open_public, (const char* url), {
  window.open(UTF8ToString(url), "_blank", "noopener");
});
// clang-format on

namespace pcs::client {
namespace {

// The month before the current one (Beijing time), "YYYY-MM": the latest a draft may cover.
std::string lastMonth() {
  const Date today = cstDate(static_cast<int64_t>(std::time(nullptr)));
  const Date firstOfMonth = today.addDays(1 - std::stoi(today.toString().substr(8, 2)));
  return firstOfMonth.addDays(-1).toString().substr(0, 7);
}

}  // namespace

void BulletinsView::load(Session& session) {
  if (loading_) return;
  loading_ = true;
  session.net().get("/api/v1/bulletins", [this](const Response& r) {
    loading_ = false;
    loaded_ = true;
    issues_.clear();
    if (!r.ok()) {
      error_ =
          r.status == 403 ? "本单位不审核通报，可在公开页面查看已发布的红黑榜。" : r.errorText();
      return;
    }
    error_.clear();
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) return;
    for (const JsonValue* i : client::items(doc.root(), "items"))
      issues_.push_back({integer(*i, "id"), str(*i, "county_id"), str(*i, "month"),
                         str(*i, "state"), str(*i, "title")});
  });
}

void BulletinsView::open(Session& session, int64_t id) {
  openId_ = id;
  session.net().get("/api/v1/bulletins/" + std::to_string(id), [this, id](const Response& r) {
    if (id != openId_) return;
    if (!r.ok()) {
      notice_ = r.errorText();
      return;
    }
    issue_ = parseJson(r.body);
  });
}

void BulletinsView::draw(Session& session, float scale) {
  if (!loaded_) load(session);
  if (ImGui::Button("公开页面（红黑榜）")) pcs_js_open_public("/public/");
  exposeItem("bulletins.public");
  const User& user = session.user();
  const std::string county = session.userCountyId();
  const bool mayDraft = user.has(Role::Admin) || user.has(Role::UnitHead);
  if (mayDraft && !county.empty()) {
    ImGui::SameLine();
    const std::string label = "起草" + lastMonth() + "通报";
    if (ImGui::Button(label.c_str())) {
      session.net().post(
          "/api/v1/bulletins",
          JsonBuilder().field("county_id", county).field("month", lastMonth()).finish(),
          [this, &session](const Response& r) {
            notice_ = r.ok() ? "已起草，请审核后发布。" : r.errorText();
            loaded_ = false;
            if (r.ok()) {
              const JsonDoc doc = parseJson(r.body);
              if (doc.valid()) open(session, integer(doc.root(), "id"));
            }
          });
    }
    exposeItem("bulletins.draft");
  }
  ui::noticeText(notice_);
  if (!error_.empty()) {
    ImGui::TextDisabled("%s", error_.c_str());
    return;
  }

  const float listWidth = 320 * scale;
  ImGui::BeginChild("##issues", ImVec2(listWidth, 0), true);
  if (issues_.empty()) ImGui::TextDisabled(loading_ ? "正在载入…" : "暂无通报");
  for (const Issue& i : issues_) {
    const std::string label = session.unitName(i.countyId) + " " + i.month + "（" +
                              (i.state == "published" ? "已发布" : "草稿") + "）##" +
                              std::to_string(i.id);
    if (ImGui::Selectable(label.c_str(), i.id == openId_)) open(session, i.id);
    exposeItem("bulletins.issue." + std::to_string(i.id));
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##issue", ImVec2(0, 0), true);
  if (!issue_.valid() || openId_ == 0) {
    ImGui::TextDisabled("选择左侧的一期通报。");
    ImGui::EndChild();
    return;
  }
  const JsonValue& root = issue_.root();
  const bool published = str(root, "state") == "published";
  ImGui::TextUnformatted(str(root, "title").c_str());
  ImGui::SameLine();
  ui::badge(published ? "已发布" : "草稿", published ? theme::kBrand : theme::kDueSoonBg,
            published ? theme::kOnBrand : theme::kTextDark);
  if (published) {
    ImGui::SameLine();
    if (ImGui::SmallButton("在公开页面打开"))
      pcs_js_open_public(("/public/bulletins/" + std::to_string(openId_)).c_str());
  } else if (mayDraft) {
    ImGui::SameLine();
    if (ImGui::SmallButton("审核无误，发布")) {
      const int64_t id = openId_;
      session.net().post("/api/v1/bulletins/" + std::to_string(id) + "/publish", "{}",
                         [this, id, &session](const Response& r) {
                           notice_ = r.ok() ? "已发布。" : r.errorText();
                           loaded_ = false;
                           open(session, id);
                         });
    }
    exposeItem("bulletins.publish");
  }
  for (const char* list : {"red", "black"}) {
    ImGui::SeparatorText(std::string(list) == "red" ? "红榜（表扬）" : "黑榜（批评）");
    bool any = false;
    for (const JsonValue* e : client::items(root, "entries")) {
      if (str(*e, "list") != list) continue;
      any = true;
      ImGui::Bullet();
      ImGui::TextWrapped("%s：%s", str(*e, "company_name").c_str(), str(*e, "reasons").c_str());
    }
    if (!any) ImGui::TextDisabled("无");
  }
  ImGui::SeparatorText("通报正文");
  ImGui::TextWrapped("%s", str(root, "praise_text").c_str());
  ImGui::TextWrapped("%s", str(root, "criticism_text").c_str());
  ImGui::EndChild();
}

}  // namespace pcs::client
