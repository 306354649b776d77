#include "estate_picker.h"

#include "imgui.h"
#include "test_hooks.h"
#include "ui.h"

namespace pcs::client {

void EstatePicker::clear() {
  query_.clear();
  estateId_.clear();
}

bool EstatePicker::draw(Session& session, const char* id, const char* hint, const std::string& name,
                        float width) {
  bool changed = false;
  ImGui::SetNextItemWidth(width);
  if (ui::inputTextWithHint(id, hint, query_) && !estateId_.empty()) {
    estateId_.clear();
    changed = true;
  }
  exposeItem(name);
  if (!estateId_.empty() || query_.empty()) return changed;

  const std::string county = session.userCountyId();
  int shown = 0;
  ImGui::PushID(id);
  for (const auto& [estateId, e] : session.estates()) {
    if (!county.empty() && e.countyId != county) continue;
    if (e.name.find(query_) == std::string::npos) continue;
    if (shown == kMaxOptions) {
      ImGui::TextDisabled("……（请输入更多字缩小范围）");
      break;
    }
    ++shown;
    const std::string label = e.name + "（" + session.unitName(e.countyId) + "）##" + estateId;
    if (ImGui::Selectable(label.c_str(), false, 0, ImVec2(width, 0))) {
      estateId_ = estateId;
      query_ = e.name;
      changed = true;
    }
    exposeItem(name + ".option." + estateId);
  }
  ImGui::PopID();
  if (shown == 0) ImGui::TextDisabled("没有名称含“%s”的小区", query_.c_str());
  return changed;
}

}  // namespace pcs::client
