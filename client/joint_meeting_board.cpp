#include "joint_meeting_board.h"

#include "imgui.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {
namespace {

constexpr size_t kProgressChars = 90;  // bytes of a progress text a wall shows legibly

// The first `limit` bytes of `text` cut at a character boundary, with … when cut.
std::string excerpt(const std::string& text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

}  // namespace

bool JointMeetingBoard::readable(Session& session) {
  if (!asked_ && session.signedIn()) {
    asked_ = true;
    askJmAccess(session, net_, access_);
  }
  return access_.known && access_.read;
}

void JointMeetingBoard::load(Session& session) {
  if (loading_) return;
  loading_ = true;
  net_.get(session, "/api/v1/joint-meeting/board", [this](const Response& r) {
    loading_ = false;
    if (!r.ok()) {
      error_ = r.errorText();
      return;
    }
    error_.clear();
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) return;
    today_ = str(doc.root(), "today");
    matters_.clear();
    for (const JsonValue* m : items(doc.root(), "listed_matters")) {
      Matter item;
      item.id = integer(*m, "id");
      item.title = str(*m, "title");
      item.owner = str(*m, "owner_unit_name");
      item.dueOn = str(*m, "due_on");
      item.overdue = flag(*m, "overdue");
      item.hasDaysLeft = member(*m, "days_left") != nullptr;
      item.daysLeft = static_cast<int>(integer(*m, "days_left"));
      item.missing = strings(*m, "missing_months").size();
      if (const JsonValue* last = member(*m, "last_progress"); last && last->IsObject()) {
        item.lastMonth = str(*last, "month");
        item.lastText = str(*last, "text");
        item.lastLate = flag(*last, "late");
      }
      matters_.push_back(std::move(item));
    }
    owners_.clear();
    for (const JsonValue* o : items(doc.root(), "decided_items_by_owner"))
      owners_.push_back({str(*o, "owner_unit_id"), str(*o, "owner_unit_name"),
                         static_cast<int>(integer(*o, "open")),
                         static_cast<int>(integer(*o, "overdue"))});
  });
}

void JointMeetingBoard::draw(float scale) {
  (void)scale;
  ui::errorText(error_);
  const ImGuiTableFlags flags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp;
  const float width = ImGui::GetContentRegionAvail().x;
  const float right = width * 0.32f;

  ImGui::BeginChild("##jmMatters", ImVec2(width - right - ImGui::GetStyle().ItemSpacing.x, 0));
  ImGui::Text("挂牌督办事项（在办 %zu 项）", matters_.size());
  if (ImGui::BeginTable("##m", 4, flags)) {
    ImGui::TableSetupColumn("督办事项", 0, 2.4f);
    ImGui::TableSetupColumn("责任单位", 0, 1.5f);
    ImGui::TableSetupColumn("办结期限", 0, 1.7f);
    ImGui::TableSetupColumn("最近进展", 0, 3.0f);
    ImGui::TableHeadersRow();
    for (const Matter& m : matters_) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextUnformatted(m.title.c_str());
      ImGui::PopTextWrapPos();
      exposeItem("meeting.joint.matter." + std::to_string(m.id));
      ImGui::TableNextColumn();
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextUnformatted(m.owner.c_str());
      ImGui::PopTextWrapPos();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(m.dueOn.c_str());
      jm::dueMark(false, m.overdue, m.hasDaysLeft, m.daysLeft, "天", "");
      ImGui::TableNextColumn();
      if (m.lastMonth.empty()) {
        ImGui::TextDisabled("尚无进展报告");
      } else {
        ImGui::TextUnformatted(m.lastMonth.c_str());
        if (m.lastLate) {
          ImGui::SameLine();
          ui::badge("▲ 逾期报送", theme::kOverdueBg, theme::kOnBrand);
        }
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(excerpt(m.lastText, kProgressChars).c_str());
        ImGui::PopTextWrapPos();
      }
      exposeItem("meeting.joint.matter." + std::to_string(m.id) + ".progress." +
                 (m.lastMonth.empty() ? std::string("none") : m.lastMonth));
      if (m.missing > 0) {
        ui::badge("● 缺报" + std::to_string(m.missing) + "个月", theme::kDueSoonBg,
                  theme::kTextDark);
      }
    }
    ImGui::EndTable();
  }
  if (matters_.empty()) ImGui::TextDisabled(loading_ ? "正在载入…" : "没有在办的督办事项。");
  ImGui::EndChild();
  ImGui::SameLine();

  ImGui::BeginChild("##jmItems", ImVec2(0, 0));
  ImGui::TextUnformatted("议定事项落实（按责任单位）");
  if (ImGui::BeginTable("##o", 3, flags)) {
    ImGui::TableSetupColumn("责任单位", 0, 2.2f);
    ImGui::TableSetupColumn("未办结", 0, 1.0f);
    ImGui::TableSetupColumn("逾期", 0, 1.2f);
    ImGui::TableHeadersRow();
    for (const Owner& o : owners_) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextUnformatted(o.name.c_str());
      ImGui::PopTextWrapPos();
      exposeItem("meeting.joint.owner." + o.id);
      ImGui::TableNextColumn();
      ImGui::Text("%d", o.open);
      ImGui::TableNextColumn();
      if (o.overdue > 0)
        ui::badge("▲ " + std::to_string(o.overdue), theme::kOverdueBg, theme::kOnBrand);
      else
        ImGui::TextUnformatted("0");
    }
    ImGui::EndTable();
  }
  if (owners_.empty()) ImGui::TextDisabled(loading_ ? "正在载入…" : "没有未办结的议定事项。");
  ImGui::EndChild();
}

}  // namespace pcs::client
