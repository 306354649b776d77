// 工作简报: the joint-meeting office's work bulletins to member units (R16). The office drafts,
// edits and publishes them (a published one never changes) and sees which recipient units have
// read each; a member unit sees the published ones addressed to it and marks them read.
#include <algorithm>

#include "imgui.h"
#include "joint_meeting.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {

void JmBulletinsView::load(Session& session, const JmAccess& access) {
  net_.load(session, "/api/v1/work-bulletins", loading_, loaded_, error_,
            [this](const JsonDoc& doc) {
              bulletins_.clear();
              for (const JsonValue* b : items(doc.root(), "bulletins")) {
                Bulletin item;
                item.id = integer(*b, "id");
                item.title = str(*b, "title");
                item.body = str(*b, "body");
                item.state = str(*b, "state");
                item.createdAt = str(*b, "created_at");
                item.publishedAt = str(*b, "published_at");
                item.read = flag(*b, "read");
                for (const JsonValue* rcp : items(*b, "recipients"))
                  item.recipients.push_back({str(*rcp, "unit_id"), flag(*rcp, "read")});
                bulletins_.push_back(std::move(item));
              }
            });
  // The office addresses bulletins to member units only.
  if (access.edit)
    net_.get(session, "/api/v1/joint-meeting/members", [this](const Response& r) {
      if (!r.ok()) return;
      const JsonDoc doc = parseJson(r.body);
      if (!doc.valid()) return;
      memberUnits_.clear();
      for (const JsonValue* m : items(doc.root(), "members"))
        memberUnits_.push_back(str(*m, "unit_id"));
    });
}

void JmBulletinsView::beginForm(const Bulletin* b) {
  formOpen_ = true;
  editing_ = b ? b->id : 0;
  formError_.clear();
  unitFilter_.clear();
  title_ = b ? b->title : std::string();
  body_ = b ? b->body : std::string();
  units_.clear();
  if (b)
    for (const Recipient& r : b->recipients) units_.push_back(r.unitId);
}

void JmBulletinsView::send(Session& session) {
  if (jm::blank(title_) || jm::blank(body_)) {
    formError_ = "请填写标题和正文。";
    return;
  }
  JsonBuilder b;
  b.field("title", title_).field("body", body_).beginArray("unit_ids");
  for (const std::string& u : units_) b.value(u);
  b.endArray();
  const std::string path = editing_ == 0
                               ? std::string("/api/v1/work-bulletins")
                               : "/api/v1/work-bulletins/" + std::to_string(editing_) + "/edit";
  sending_ = true;
  formError_.clear();
  const bool created = editing_ == 0;
  net_.post(session, path, b.finish(), [this, created](const Response& r) {
    sending_ = false;
    if (!r.ok()) {
      formError_ = r.errorText();
      return;
    }
    formOpen_ = false;
    notice_ = created ? "已起草，印发前可再修改。" : "已修改草稿。";
    loaded_ = false;
    if (created) {
      const JsonDoc doc = parseJson(r.body);
      if (doc.valid()) openId_ = integer(doc.root(), "id");
    }
  });
}

void JmBulletinsView::drawForm(Session& session, float scale) {
  ImGui::SeparatorText(editing_ == 0 ? "起草工作简报" : "修改草稿");
  ImGui::SetNextItemWidth(-FLT_MIN);
  ui::inputTextWithHint("##title", "标题，如 第1期工作简报", title_);
  exposeItem("jm.bulletin.form.title");
  ui::inputMultiline("##body", body_, ImVec2(-FLT_MIN, 140 * scale));
  exposeItem("jm.bulletin.form.body");
  ImGui::TextUnformatted("发送至（不选则印发时发给全部成员单位）：");
  jm::unitChecklist("jm.bulletin.form.unit", session, unitFilter_, units_, &memberUnits_,
                    110 * scale);
  ui::errorText(formError_);
  if (!formError_.empty()) exposeItem("jm.bulletin.form.error");
  if (theme::primaryButton(sending_ ? "正在保存…###bsave" : "保存草稿###bsave",
                           ImVec2(110 * scale, 0)) &&
      !sending_)
    send(session);
  exposeItem("jm.bulletin.form.submit");
  ImGui::SameLine();
  if (ImGui::Button("取消", ImVec2(110 * scale, 0))) formOpen_ = false;
  exposeItem("jm.bulletin.form.cancel");
  ImGui::Separator();
}

void JmBulletinsView::drawBulletin(Session& session, const JmAccess& access, const Bulletin& b) {
  const bool published = b.state == "published";
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(b.title.c_str());
  ImGui::PopTextWrapPos();
  ui::badge(published ? "已印发" : "草稿", published ? theme::kBrand : theme::kDueSoonBg,
            published ? theme::kOnBrand : theme::kTextDark);
  exposeItem("jm.bulletin.state." + b.state);
  ImGui::SameLine();
  ImGui::TextDisabled("起草于 %s%s", b.createdAt.c_str(),
                      published ? ("，印发于 " + b.publishedAt).c_str() : "");
  const int64_t id = b.id;
  if (access.edit && !published) {
    if (ImGui::Button("修改")) beginForm(&b);
    exposeItem("jm.bulletin.edit");
    ImGui::SameLine();
    if (ImGui::Button("印发")) {
      net_.post(session, "/api/v1/work-bulletins/" + std::to_string(id) + "/publish", "{}",
                [this](const Response& r) {
                  notice_ = r.ok() ? "已印发，成员单位可以查看。" : r.errorText();
                  loaded_ = false;
                });
    }
    exposeItem("jm.bulletin.publish");
  }
  if (!access.edit && published) {
    if (b.read) {
      ui::badge("√ 本单位已阅", theme::kOnTimeBg, theme::kTextDark);
      exposeItem("jm.bulletin.read_done");
    } else if (ImGui::Button("标为已阅")) {
      net_.post(session, "/api/v1/work-bulletins/" + std::to_string(id) + "/read", "{}",
                [this](const Response& r) {
                  notice_ = r.ok() ? "已标为本单位已阅。" : r.errorText();
                  loaded_ = false;
                });
    }
    if (!b.read) exposeItem("jm.bulletin.mark_read");
  }
  if (access.edit) {
    ImGui::SeparatorText("发送单位及阅读情况");
    if (b.recipients.empty()) ImGui::TextDisabled("印发时发给全部成员单位。");
    for (const Recipient& r : b.recipients) {
      ImGui::TextUnformatted(session.unitName(r.unitId).c_str());
      ImGui::SameLine();
      if (!published)
        ImGui::TextDisabled("（待印发）");
      else if (r.read)
        ui::badge("√ 已阅", theme::kOnTimeBg, theme::kTextDark);
      else
        ui::badge("● 未阅", theme::kDueSoonBg, theme::kTextDark);
      exposeItem("jm.bulletin.recipient." + r.unitId + (r.read ? ".read" : ".unread"));
    }
  }
  ImGui::SeparatorText("正文");
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(b.body.c_str());
  ImGui::PopTextWrapPos();
}

void JmBulletinsView::draw(Session& session, const JmAccess& access, float scale) {
  if (!loaded_) load(session, access);
  if (access.edit) {
    if (ImGui::Button("起草工作简报")) beginForm(nullptr);
    exposeItem("jm.bulletin.new");
    ImGui::SameLine();
  }
  ImGui::TextDisabled(access.edit ? "草稿可修改，印发后不能再改。" : "本单位收到的工作简报。");
  ui::noticeText(notice_);
  ui::errorText(error_);

  ImGui::BeginChild("##bulletinList", ImVec2(340 * scale, 0), true);
  if (bulletins_.empty()) ImGui::TextDisabled(loading_ ? "正在载入…" : "暂无工作简报。");
  for (const Bulletin& b : bulletins_) {
    std::string mark;
    if (b.state != "published")
      mark = "（草稿）";
    else if (!access.edit)
      mark = b.read ? "（已阅）" : "（未阅）";
    if (ImGui::Selectable((b.title + mark + "##" + std::to_string(b.id)).c_str(),
                          b.id == openId_)) {
      openId_ = b.id;
      formOpen_ = false;
    }
    exposeItem("jm.bulletin." + std::to_string(b.id));
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##bulletin", ImVec2(0, 0), true);
  if (formOpen_) drawForm(session, scale);
  const auto it = std::find_if(bulletins_.begin(), bulletins_.end(),
                               [&](const Bulletin& b) { return b.id == openId_; });
  if (it != bulletins_.end())
    drawBulletin(session, access, *it);
  else if (!formOpen_)
    ImGui::TextDisabled("选择左侧的一期简报。");
  ImGui::EndChild();
}

}  // namespace pcs::client
