// 成员单位: the joint meeting's member units with the convener and office marks and each
// unit's liaison (the phone as the server sends it: in full to the office, masked to others),
// the office's add/change/remove form, and one unit's change history.
#include "imgui.h"
#include "joint_meeting.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {
namespace {

std::string fieldZh(const std::string& field) {
  if (field == "member") return "成员资格";
  if (field == "convener") return "召集单位";
  if (field == "office") return "联席会议办公室";
  if (field == "liaison_name") return "联络员";
  if (field == "liaison_post") return "联络员职务";
  if (field == "liaison_phone") return "联络员电话";
  return field;
}

}  // namespace

void JmMembersView::load(Session& session) {
  net_.load(
      session, "/api/v1/joint-meeting/members", loading_, loaded_, error_,
      [this](const JsonDoc& doc) {
        members_.clear();
        phonesMasked_ = flag(doc.root(), "phones_masked", true);
        for (const JsonValue* m : items(doc.root(), "members"))
          members_.push_back({str(*m, "unit_id"), str(*m, "unit_name"), str(*m, "liaison_name"),
                              str(*m, "liaison_post"), str(*m, "liaison_phone"),
                              str(*m, "updated_at"), flag(*m, "convener"), flag(*m, "office")});
      });
}

void JmMembersView::loadHistory(Session& session, const std::string& unitId) {
  historyUnit_ = unitId;
  history_.clear();
  historyError_.clear();
  net_.get(session, "/api/v1/joint-meeting/members/history?unit=" + urlEncode(unitId),
           [this, unitId](const Response& r) {
             if (unitId != historyUnit_) return;
             if (!r.ok()) {
               historyError_ = r.errorText();
               return;
             }
             const JsonDoc doc = parseJson(r.body);
             if (!doc.valid()) return;
             for (const JsonValue* h : items(doc.root(), "history"))
               history_.push_back({str(*h, "at"), str(*h, "user_name"), str(*h, "field"),
                                   str(*h, "old"), str(*h, "new")});
           });
}

void JmMembersView::beginEdit(const Member* m) {
  formOpen_ = true;
  adding_ = m == nullptr;
  formError_.clear();
  unitFilter_.clear();
  formUnit_ = m ? m->unitId : std::string();
  name_ = m ? m->liaisonName : std::string();
  post_ = m ? m->liaisonPost : std::string();
  // A masked phone is not a value to send back: the field starts empty and is sent only when
  // something new is typed.
  phone_ = m && !phonesMasked_ ? m->liaisonPhone : std::string();
  phoneBefore_ = phone_;
  convener_ = m && m->convener;
  office_ = m && m->office;
}

void JmMembersView::save(Session& session) {
  if (formUnit_.empty()) {
    formError_ = "请选择成员单位。";
    return;
  }
  JsonBuilder body;
  body.field("unit_id", formUnit_)
      .field("convener", convener_)
      .field("office", office_)
      .field("liaison_name", name_)
      .field("liaison_post", post_);
  if (phone_ != phoneBefore_) body.field("liaison_phone", phone_);
  sending_ = true;
  formError_.clear();
  const std::string unit = formUnit_;
  net_.post(session, "/api/v1/joint-meeting/members", body.finish(),
            [this, unit, &session](const Response& r) {
              sending_ = false;
              if (!r.ok()) {
                formError_ = r.errorText();
                return;
              }
              formOpen_ = false;
              notice_ = "已保存：" + session.unitName(unit);
              loaded_ = false;
              if (historyUnit_ == unit) loadHistory(session, unit);
            });
}

void JmMembersView::remove(Session& session, const std::string& unitId) {
  confirmRemove_.clear();
  net_.post(session, "/api/v1/joint-meeting/members/" + urlEncode(unitId) + "/remove", "{}",
            [this, unitId, &session](const Response& r) {
              notice_ = r.ok() ? "已移出：" + session.unitName(unitId) : r.errorText();
              loaded_ = false;
              if (r.ok() && historyUnit_ == unitId) loadHistory(session, unitId);
            });
}

void JmMembersView::draw(Session& session, const JmAccess& access, float scale) {
  if (!loaded_) load(session);
  if (access.edit) {
    if (ImGui::Button("新增成员单位")) beginEdit(nullptr);
    exposeItem("jm.member.add");
    ImGui::SameLine();
  }
  ImGui::TextDisabled(phonesMasked_ ? "联络员电话已隐去中间四位（完整号码仅联席会议办公室可见）。"
                                    : "联络员电话为完整号码，每次查看均记录在案。");
  ui::noticeText(notice_);
  ui::errorText(error_);

  const float formWidth = (formOpen_ || !historyUnit_.empty()) ? 440 * scale : 0.0f;
  ImGui::BeginChild("##members", ImVec2(formWidth > 0 ? -formWidth : 0, 0), false);
  if (members_.empty()) ImGui::TextDisabled(loading_ ? "正在载入…" : "还没有成员单位。");
  if (!members_.empty() && ImGui::BeginTable("##memberTable", 6,
                                             ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders |
                                                 ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("成员单位", 0, 2.4f);
    ImGui::TableSetupColumn("职责", 0, 1.6f);
    ImGui::TableSetupColumn("联络员（职务）", 0, 2.4f);
    ImGui::TableSetupColumn("联系电话", 0, 1.6f);
    ImGui::TableSetupColumn("更新时间", 0, 1.5f);
    ImGui::TableSetupColumn("操作", 0, 2.2f);
    ImGui::TableHeadersRow();
    for (const Member& m : members_) {
      ImGui::PushID(m.unitId.c_str());
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(m.unitName.c_str());
      exposeItem("jm.member." + m.unitId);
      ImGui::TableNextColumn();
      if (m.convener) ui::badge("召集单位", theme::kBrand, theme::kOnBrand);
      if (m.office) {
        if (m.convener) ImGui::SameLine();
        ui::badge("办公室", theme::kDueSoonBg, theme::kTextDark);
      }
      if (!m.convener && !m.office) ImGui::TextDisabled("成员");
      ImGui::TableNextColumn();
      if (m.liaisonName.empty())
        ImGui::TextDisabled("（未指定）");
      else
        ImGui::Text("%s%s%s%s", m.liaisonName.c_str(), m.liaisonPost.empty() ? "" : "（",
                    m.liaisonPost.c_str(), m.liaisonPost.empty() ? "" : "）");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(m.liaisonPhone.empty() ? "—" : m.liaisonPhone.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(m.updatedAt.c_str());
      ImGui::TableNextColumn();
      if (ImGui::SmallButton("变更记录")) loadHistory(session, m.unitId);
      exposeItem("jm.member." + m.unitId + ".history");
      if (access.edit) {
        ImGui::SameLine();
        if (ImGui::SmallButton("修改")) beginEdit(&m);
        exposeItem("jm.member." + m.unitId + ".edit");
        ImGui::SameLine();
        if (confirmRemove_ == m.unitId) {
          if (ImGui::SmallButton("确认移出")) remove(session, m.unitId);
          exposeItem("jm.member." + m.unitId + ".confirm_remove");
          ImGui::SameLine();
          if (ImGui::SmallButton("不移出")) confirmRemove_.clear();
        } else if (ImGui::SmallButton("移出")) {
          confirmRemove_ = m.unitId;
        }
        exposeItem("jm.member." + m.unitId + ".remove");
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  if (formWidth > 0) {
    ImGui::SameLine();
    ImGui::BeginChild("##memberSide", ImVec2(0, 0), true);
    if (formOpen_) drawForm(session, scale);
    if (!historyUnit_.empty()) drawHistory(session);
    ImGui::EndChild();
  }
}

void JmMembersView::drawForm(Session& session, float scale) {
  ImGui::SeparatorText(adding_ ? "新增成员单位" : "修改成员单位");
  if (adding_)
    jm::unitPicker("jm.member.form.unit", session, unitFilter_, formUnit_, nullptr, 150 * scale);
  else
    ImGui::Text("成员单位：%s", session.unitName(formUnit_).c_str());
  jm::labelledField("联络员姓名", "##name", "", name_, 240 * scale);
  exposeItem("jm.member.form.name");
  jm::labelledField("职务", "##post", "", post_, 240 * scale);
  exposeItem("jm.member.form.post");
  jm::labelledField("联系电话", "##phone", phonesMasked_ && !adding_ ? "留空则不修改" : "", phone_,
                    240 * scale);
  exposeItem("jm.member.form.phone");
  ImGui::Checkbox("召集单位", &convener_);
  exposeItem("jm.member.form.convener");
  ImGui::SameLine();
  ImGui::Checkbox("联席会议办公室", &office_);
  exposeItem("jm.member.form.office");
  ui::errorText(formError_);
  if (theme::primaryButton(sending_ ? "正在保存…###save" : "保存###save") && !sending_)
    save(session);
  exposeItem("jm.member.form.submit");
  ImGui::SameLine();
  if (ImGui::Button("取消")) formOpen_ = false;
  exposeItem("jm.member.form.cancel");
}

void JmMembersView::drawHistory(Session& session) {
  ImGui::SeparatorText(("变更记录：" + session.unitName(historyUnit_)).c_str());
  if (ImGui::SmallButton("关闭记录")) {
    historyUnit_.clear();
    return;
  }
  ui::errorText(historyError_);
  if (history_.empty()) {
    ImGui::TextDisabled("暂无记录");
    return;
  }
  for (const Change& c : history_) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("%s  %s", c.at.c_str(), c.userName.c_str());
    ImGui::Text("%s：%s → %s", fieldZh(c.field).c_str(),
                c.oldValue.empty() ? "（空）" : c.oldValue.c_str(),
                c.newValue.empty() ? "（空）" : c.newValue.c_str());
    ImGui::PopTextWrapPos();
  }
  exposeItem("jm.member.history");
}

}  // namespace pcs::client
