#include "intake.h"

#include <algorithm>
#include <ctime>

#include "imgui.h"
#include "json_util.h"
#include "pcs/date.h"
#include "pcs/deadline.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

namespace pcs::client {
namespace {

// Channels a clerk registers by hand (Open311 cases arrive by themselves).
const char* const kChannels[] = {"phone",   "visit",  "hotline_12345",
                                 "mailbox", "online", "higher_level"};
constexpr double kSuggestDelaySeconds = 0.5;  // after the last keystroke
constexpr size_t kPickerRows = 8;

bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

int64_t nowUnix() {
  return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace

void Intake::reset() {
  receivedAt_ = formatCst(nowUnix());
  name_.clear();
  contact_.clear();
  location_.clear();
  content_.clear();
  externalRef_.clear();
  urgentReason_.clear();
  channel_ = 0;
  urgent_ = false;
  estateQuery_.clear();
  estateId_.clear();
  companyQuery_.clear();
  companyId_.clear();
  suggestions_.clear();
  suggestUrgent_ = false;
  urgentCues_.clear();
  suggestedFor_.clear();
  error_.clear();
  initialised_ = true;
}

void Intake::draw(Session& session, Navigator& nav, float scale) {
  if (!initialised_) reset();
  if (countyId_.empty()) countyId_ = session.userCountyId();

  ImGui::BeginChild("##intake", ImVec2(0, 0), false);
  const float half = ImGui::GetContentRegionAvail().x * 0.5f;
  ImGui::BeginChild("##form", ImVec2(half - 8 * scale, 0), false);
  // The save button also heads the form, so a short screen never hides it below the fold.
  if (theme::primaryButton(sending_ ? "正在保存…###savetop" : "保存登记###savetop",
                           ImVec2(160 * scale, 0)) &&
      !sending_)
    submit(session, nav);
  exposeItem("intake.submit.top");
  ImGui::SeparatorText("投诉信息");
  const float labelWidth = 96 * scale;
  auto label = [&](const char* text) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(text);
    ImGui::SameLine(labelWidth);
    ImGui::SetNextItemWidth(-FLT_MIN);
  };

  label("投诉时间");
  ui::inputTextWithHint("##received", "YYYY-MM-DD HH:MM（北京时间）", receivedAt_);
  exposeItem("intake.received_at");
  label("来源渠道");
  if (ImGui::BeginCombo("##channel", ui::channelZh(kChannels[channel_]).c_str())) {
    for (int i = 0; i < static_cast<int>(std::size(kChannels)); ++i)
      if (ImGui::Selectable(ui::channelZh(kChannels[i]).c_str(), i == channel_)) channel_ = i;
    ImGui::EndCombo();
  }
  exposeItem("intake.channel");
  label("投诉人");
  ui::inputTextWithHint("##name", "姓名（可不填，但须留联系方式）", name_);
  exposeItem("intake.name");
  label("联系方式");
  ui::inputTextWithHint("##contact", "手机、座机或邮箱", contact_);
  exposeItem("intake.contact");
  if (std::string(kChannels[channel_]) == "hotline_12345") {
    label("12345工单号");
    ui::inputText("##ref", externalRef_);
    exposeItem("intake.external_ref");
  }
  drawPicker(session, scale);
  label("具体位置");
  ui::inputTextWithHint("##location", "楼栋、单元、房号", location_);
  exposeItem("intake.location");

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("投诉内容");
  if (ui::inputMultiline("##content", content_, ImVec2(-FLT_MIN, 150 * scale)))
    contentEditedAt_ = ImGui::GetTime();
  exposeItem("intake.content");

  ImGui::Checkbox("紧急线索（危及房屋使用和人身安全，须立即分转并报告）", &urgent_);
  exposeItem("intake.urgent");
  if (urgent_) {
    label("紧急原因");
    ui::inputTextWithHint("##urgentReason", "必填：危及安全的具体情形", urgentReason_);
    exposeItem("intake.urgent_reason");
  }
  drawDeadlinePreview(session);
  ui::errorText(error_);
  ui::noticeText(notice_);
  if (theme::primaryButton(sending_ ? "正在保存…###save" : "保存登记###save",
                           ImVec2(160 * scale, 0)) &&
      !sending_)
    submit(session, nav);
  exposeItem("intake.submit");
  ImGui::SameLine();
  if (ImGui::Button("清空", ImVec2(100 * scale, 0))) reset();
  exposeItem("intake.clear");
  ImGui::EndChild();

  ImGui::SameLine();
  ImGui::BeginChild("##side", ImVec2(0, 0), false);
  drawSuggestions(session, scale);
  ImGui::EndChild();
  ImGui::EndChild();

  // Suggestions follow the content, half a second after the clerk stops typing.
  if (!suggesting_ && content_ != suggestedFor_ &&
      ImGui::GetTime() - contentEditedAt_ > kSuggestDelaySeconds)
    requestSuggestions(session);
}

void Intake::drawPicker(Session& session, float scale) {
  const float labelWidth = 96 * scale;
  // Estate: typing filters the city's estates (the county's, for a county user).
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("小区");
  ImGui::SameLine(labelWidth);
  ImGui::SetNextItemWidth(-FLT_MIN);
  const std::string chosenEstate = session.estateName(estateId_);
  if (ui::inputTextWithHint("##estate", "输入小区名称的一部分", estateQuery_)) estateId_.clear();
  exposeItem("intake.estate");
  const bool estateActive = ImGui::IsItemActive() || ImGui::IsItemFocused();
  if (estateId_.empty() && !estateQuery_.empty()) {
    size_t shown = 0;
    ImGui::Indent(labelWidth);
    for (const auto& [id, e] : session.estates()) {
      if (!countyId_.empty() && e.countyId != countyId_) continue;
      if (e.name.find(estateQuery_) == std::string::npos) continue;
      const std::string row = e.name + "  " + e.address + "##" + id;
      if (ImGui::Selectable(row.c_str())) {
        estateId_ = id;
        estateQuery_ = e.name;
        companyId_ = e.companyId;
        companyQuery_ = session.companyName(e.companyId);
      }
      exposeItem("intake.estate.option." + std::to_string(shown));
      if (++shown == kPickerRows) break;
    }
    if (shown == 0) ImGui::TextDisabled("没有名称含“%s”的小区", estateQuery_.c_str());
    ImGui::Unindent(labelWidth);
  }
  (void)estateActive;
  (void)chosenEstate;

  // Company: set from the estate; the clerk may type another.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("物业企业");
  ImGui::SameLine(labelWidth);
  ImGui::SetNextItemWidth(-FLT_MIN);
  if (ui::inputTextWithHint("##company", "选小区后自动带出，可修改", companyQuery_))
    companyId_.clear();
  exposeItem("intake.company");
  if (companyId_.empty() && !companyQuery_.empty()) {
    size_t shown = 0;
    ImGui::Indent(labelWidth);
    for (const auto& [id, c] : session.companies()) {
      if (c.name.find(companyQuery_) == std::string::npos) continue;
      if (ImGui::Selectable((c.name + "##" + id).c_str())) {
        companyId_ = id;
        companyQuery_ = c.name;
      }
      if (++shown == kPickerRows) break;
    }
    if (shown == 0) ImGui::TextDisabled("没有名称含“%s”的企业", companyQuery_.c_str());
    ImGui::Unindent(labelWidth);
  }

  // County: for city-level clerks when no estate is chosen.
  if (estateId_.empty() && session.userCountyId().empty()) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("所属县区");
    ImGui::SameLine(labelWidth);
    ImGui::SetNextItemWidth(-FLT_MIN);
    const std::string current = countyId_.empty() ? "（请选择）" : session.unitName(countyId_);
    if (ImGui::BeginCombo("##county", current.c_str())) {
      for (const OrgUnit* county : session.childAreas("city"))
        if (ImGui::Selectable(county->name.c_str(), county->id == countyId_))
          countyId_ = county->id;
      ImGui::EndCombo();
    }
    exposeItem("intake.county");
  }
}

void Intake::drawDeadlinePreview(Session& session) {
  ImGui::SeparatorText("分转时限预览");
  try {
    const int64_t now = nowUnix();
    if (urgent_) {
      const Rule& rule = session.rules().get("T2");
      const int64_t due = computeDueInstant(rule, now);
      ImGui::Text("紧急线索：须在 %s 前分转（%s，按小时计，不因节假日顺延）。",
                  formatCst(due).c_str(), rule.id.c_str());
    } else {
      const Rule& rule = session.rules().get("T1");
      const Deadline d = computeDeadline(rule, cstDate(now), session.calendar());
      ImGui::Text("分转到期日：%s%s", d.due.toString().c_str(), d.provisional ? "（暂定）" : "");
      exposeItem("intake.deadline");
      ImGui::PushStyleColor(ImGuiCol_Text, theme::kTextMuted);
      ImGui::TextWrapped("%s", d.explanation.c_str());
      ImGui::PopStyleColor();
    }
  } catch (const std::exception& e) {
    ui::errorText(std::string("时限无法计算：") + e.what());
  }
}

void Intake::drawSuggestions(Session& session, float scale) {
  (void)session;
  ImGui::SeparatorText("分转建议");
  if (suggestUrgent_) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(0xF3, 0xE8, 0xFF, 0xFF));
    ImGui::BeginChild("##urgentHint", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 3.6f),
                      true);
    ImGui::TextWrapped(
        "◆ 内容可能涉及危及房屋使用或人身安全的情形（命中：%s）。请核实后标记为紧急线索。",
        urgentCues_.c_str());
    if (!urgent_) {
      if (ImGui::SmallButton("标记为紧急")) {
        urgent_ = true;
        if (urgentReason_.empty()) urgentReason_ = "投诉内容涉及：" + urgentCues_;
      }
      exposeItem("intake.accept_urgent");
    }
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }
  if (content_.empty()) {
    ImGui::TextDisabled("输入投诉内容后，系统按分转目录给出承办部门建议。");
    return;
  }
  if (suggestions_.empty()) {
    ImGui::TextDisabled(suggesting_ ? "正在分析…" : "分转目录中没有匹配的事项，请分转员人工判断。");
    return;
  }
  ImGui::TextDisabled("勾选确认的事项，保存后分转时带入：");
  for (size_t i = 0; i < suggestions_.size(); ++i) {
    Suggestion& s = suggestions_[i];
    ImGui::PushID(static_cast<int>(i));
    const std::string head = std::to_string(i + 1) + ". " + s.handlerName + " — " + s.title;
    ImGui::Checkbox(head.c_str(), &s.chosen);
    exposeItem("intake.suggestion." + std::to_string(i));
    ImGui::Indent(28 * scale);
    ImGui::PushStyleColor(ImGuiCol_Text, theme::kTextMuted);
    ImGui::TextWrapped("%s", s.text.c_str());
    if (!s.matched.empty()) ImGui::TextWrapped("依据：%s", s.matched.c_str());
    ImGui::PopStyleColor();
    ImGui::Unindent(28 * scale);
    ImGui::PopID();
  }
}

void Intake::requestSuggestions(Session& session) {
  suggestedFor_ = content_;
  if (blank(content_)) {
    suggestions_.clear();
    suggestUrgent_ = false;
    return;
  }
  suggesting_ = true;
  session.net().post("/api/v1/routing/suggest", JsonBuilder().field("text", content_).finish(),
                     [this, asked = content_](const Response& r) {
                       suggesting_ = false;
                       if (!r.ok() || asked != suggestedFor_) return;
                       const JsonDoc doc = parseJson(r.body);
                       if (!doc.valid()) return;
                       std::vector<std::string> keep;
                       for (const Suggestion& s : suggestions_)
                         if (s.chosen) keep.push_back(s.code);
                       suggestions_.clear();
                       for (const JsonValue* s : client::items(doc.root(), "suggestions")) {
                         Suggestion item{str(*s, "code"),
                                         str(*s, "handler"),
                                         str(*s, "handler_name"),
                                         str(*s, "title"),
                                         str(*s, "text"),
                                         {},
                                         false};
                         for (const std::string& m : strings(*s, "matched"))
                           item.matched += (item.matched.empty() ? "" : "、") + m;
                         item.chosen = std::find(keep.begin(), keep.end(), item.code) != keep.end();
                         suggestions_.push_back(std::move(item));
                       }
                       suggestUrgent_ = flag(doc.root(), "urgent");
                       urgentCues_.clear();
                       for (const std::string& cue : strings(doc.root(), "urgent_cues"))
                         urgentCues_ += (urgentCues_.empty() ? "" : "、") + cue;
                     });
}

void Intake::submit(Session& session, Navigator& nav) {
  notice_.clear();
  if (blank(content_)) {
    error_ = "请填写投诉内容。";
    return;
  }
  if (blank(name_) && blank(contact_)) {
    error_ = "投诉人姓名和联系方式至少填写一项。";
    return;
  }
  if (urgent_ && blank(urgentReason_)) {
    error_ = "紧急线索须填写紧急原因。";
    return;
  }
  if (estateId_.empty() && countyId_.empty()) {
    error_ = "请选择小区，或选择所属县区。";
    return;
  }
  JsonBuilder body;
  body.field("received_at", receivedAt_).field("channel", kChannels[channel_]);
  if (!blank(name_)) body.field("complainant_name", name_);
  if (!blank(contact_)) body.field("complainant_contact", contact_);
  body.field("content", content_);
  if (!blank(location_)) body.field("location", location_);
  if (!estateId_.empty())
    body.field("estate_id", estateId_);
  else
    body.field("county_id", countyId_);
  if (!companyId_.empty()) body.field("company_id", companyId_);
  if (!blank(externalRef_)) body.field("external_ref", externalRef_);
  if (urgent_) body.field("urgent", true).field("urgent_reason", urgentReason_);

  confirmed_.clear();
  for (const Suggestion& s : suggestions_)
    if (s.chosen) confirmed_.push_back(s.code);
  sending_ = true;
  error_.clear();
  session.net().post("/api/v1/cases", body.finish(), [this, &nav](const Response& r) {
    sending_ = false;
    if (!r.ok()) {
      error_ = r.errorText();
      return;
    }
    const JsonDoc doc = parseJson(r.body);
    const JsonValue* c = doc.valid() ? member(doc.root(), "case") : nullptr;
    const std::string id = c ? str(*c, "id") : std::string();
    reset();
    notice_ = id.empty() ? "已登记。" : "已登记，案件编号 " + id;
    nav.caseChanged(id);
    if (!id.empty()) nav.openCase(id);
  });
}

}  // namespace pcs::client
