#include "case_detail.h"

#include <emscripten.h>

#include <algorithm>
#include <ctime>

#include "pcs/date.h"
#include "pcs/serialize.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

// clang-format off
EM_JS(void, pcs_js_open_url, (const char* url), {
  window.open(UTF8ToString(url), "_blank", "noopener");
});
// clang-format on

namespace pcs::client {
namespace {

// What each action's form asks for (the "reads" column of docs/api.md 4.15). Fields marked
// required are checked here before sending, so the user is told at once; the server checks
// them again.
struct FormSpec {
  const char* action;
  bool reason, reasonRequired, text, textRequired;
  const char* textLabel;
  bool substantiated, targets, plan, dates, days, satisfaction, targetCase;
};

constexpr FormSpec kForms[] = {
    // action               reason  req    text   req    text label      subst  targ   plan   dates
    // days   satis  merge
    {"mark_urgent", true, true, false, false, "", false, false, false, false, false, false, false},
    {"report_urgent", true, false, true, false, "报告内容", false, false, false, false, false,
     false, false},
    {"push_to_county", true, false, false, false, "", false, false, false, false, false, false,
     false},
    {"dispatch", true, false, false, false, "", false, true, false, false, false, false, false},
    {"accept", false, false, false, false, "", false, false, false, false, false, false, false},
    {"return", true, true, false, false, "", false, false, false, false, false, false, false},
    {"submit_plan", false, false, false, false, "", false, false, true, false, false, false, false},
    {"report_progress", false, false, true, true, "进展情况", false, false, false, false, false,
     false, false},
    {"resolve", false, false, true, true, "办理结果及答复投诉人内容", true, false, false, false,
     false, false, false},
    {"co_sign_street", false, false, true, true, "街道（社区）意见", false, false, false, false,
     false, false, false},
    {"co_sign_housing", false, false, true, true, "住建部门意见", false, false, false, false, false,
     false, false},
    {"submit_review", false, false, false, false, "", false, false, false, false, false, false,
     false},
    {"approve", false, false, false, false, "", false, false, false, false, false, false, false},
    {"reject", true, true, false, false, "", false, false, false, false, false, false, false},
    {"record_satisfaction", true, false, false, false, "", false, false, false, false, false, true,
     false},
    {"reopen", true, true, false, false, "", false, false, false, false, false, false, false},
    {"merge", true, true, false, false, "", false, false, false, false, false, false, true},
    {"request_suspension", true, true, false, false, "", false, false, false, true, false, false,
     false},
    {"approve_suspension", false, false, false, false, "", false, false, false, false, false, false,
     false},
    {"request_extension", true, true, false, false, "", false, false, false, false, true, false,
     false},
    {"approve_extension", false, false, false, false, "", false, false, false, false, false, false,
     false},
    {"open_penalty", false, false, true, false, "法律依据（有专门期限时填写）", false, false, false,
     true, false, false, false},
    {"verify_penalty", false, false, true, false, "核查情况", false, false, false, false, false,
     false, false},
    {"extend_penalty", true, true, false, false, "", false, false, false, false, false, false,
     false},
    {"decide_penalty", false, false, true, true, "处罚决定", false, false, false, false, false,
     false, false},
};

const FormSpec* formFor(const std::string& action) {
  for (const FormSpec& f : kForms)
    if (action == f.action) return &f;
  return nullptr;
}

const char* const kSatisfactionKeys[] = {"satisfied", "basically_satisfied", "unsatisfied",
                                         "unreachable"};

std::string whatZh(const std::string& what) {
  if (what == "dispatch") return "分转";
  if (what == "resolve") return "办结";
  if (what == "plan") return "报送方案";
  if (what == "progress") return "反馈进展";
  if (what == "penalty_verify") return "处罚线索核查";
  if (what == "penalty_decide") return "处罚决定";
  return what;
}

std::string roleZhOf(const std::string& key) {
  const std::optional<Role> role = detail::enumFromKey<Role>(key);
  return role ? std::string(roleZh(*role)) : key;
}

bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

void CaseDetail::open(Session& session, const std::string& caseId,
                      std::vector<std::string> preferredCodes) {
  preferredCodes_ = std::move(preferredCodes);
  notice_.clear();  // the outcome of an action belongs to the visit that took it
  if (caseId != id_) {
    id_ = caseId;
    loaded_ = false;
    contactText_.clear();
    notice_.clear();
    form_.reset();
  }
  load(session);
}

void CaseDetail::load(Session& session) {
  loading_ = true;
  loadError_.clear();
  const std::string id = id_;
  session.net().get("/api/v1/cases/" + urlEncode(id), [this, id](const Response& r) {
    if (id != id_) return;  // another case was opened meanwhile
    loading_ = false;
    if (!r.ok()) {
      loadError_ = r.errorText();
      return;
    }
    readView(r.body);
  });
}

void CaseDetail::readView(const std::string& body) {
  try {
    case_ = fromJsonString<Case>(body, "case");
  } catch (const std::exception& e) {
    loadError_ = std::string("案件数据无法读取：") + e.what();
    return;
  }
  const JsonDoc doc = parseJson(body);
  if (!doc.valid()) return;
  const JsonValue& root = doc.root();
  version_ = integer(root, "version");
  maySeeContact_ = flag(root, "may_see_contact");
  actions_.clear();
  for (const JsonValue* a : items(root, "actions"))
    actions_.push_back(
        {str(*a, "action"), str(*a, "label"), static_cast<int>(integer(*a, "assignment_id"))});
  deadlines_.clear();
  for (const JsonValue* d : items(root, "deadlines")) {
    DeadlineItem item;
    item.what = str(*d, "what");
    item.rule = str(*d, "rule");
    item.due = str(*d, "due");
    item.unit = str(*d, "unit");
    item.open = flag(*d, "open");
    item.provisional = flag(*d, "provisional");
    item.daysLeft = integer(*d, "days_left");
    item.daysLeftText = str(*d, "days_left_text");
    item.explanation = str(*d, "explanation");
    item.assignmentId = static_cast<int>(integer(*d, "assignment_id"));
    deadlines_.push_back(std::move(item));
  }
  unitNames_.clear();
  if (const JsonValue* units = member(root, "units"); units && units->IsObject())
    for (const auto& m : units->GetObject())
      if (m.value.IsString()) unitNames_[m.name.GetString()] = m.value.GetString();
  loaded_ = true;
}

std::string CaseDetail::unitName(Session& session, const std::string& id) const {
  if (id.empty()) return "—";
  const auto it = unitNames_.find(id);
  return it != unitNames_.end() ? it->second : session.unitName(id);
}

void CaseDetail::draw(Session& session, Navigator& nav, float scale) {
  if (id_.empty()) {
    ImGui::TextDisabled("请在案件看板上选择一个案件。");
    return;
  }
  if (!loaded_) {
    if (!loadError_.empty()) {
      ui::errorText(loadError_);
      if (ImGui::Button("重试")) load(session);
    } else {
      ImGui::TextDisabled("正在载入案件 %s…", id_.c_str());
    }
    return;
  }

  ImGui::BeginChild("##detail", ImVec2(0, 0), false);
  drawSummary(session, scale);
  if (!readOnly_) drawActions(session, scale);
  ui::noticeText(notice_);
  drawDeadlines();
  drawAssignments(session);
  drawAttachments();
  drawTimeline(session);
  ImGui::EndChild();
  drawActionForm(session, nav, scale);
}

void CaseDetail::drawSummary(Session& session, float scale) {
  const Case& c = case_;
  ImGui::AlignTextToFramePadding();
  ImGui::Text("案件编号 %s", c.id.c_str());
  exposeItem("case.number." + c.id);
  ImGui::SameLine();
  if (ImGui::SmallButton("复制编号")) {
    ImGui::SetClipboardText(c.id.c_str());
    notice_ = "已复制案件编号 " + c.id;
  }
  exposeItem("case.copy_id");
  ImGui::SameLine();
  ui::badge(pcs::caseStateZh(c.state), theme::kBrand, theme::kOnBrand);
  exposeItem("case.state");
  if (c.urgent) {
    ImGui::SameLine();
    ui::badge("◆ 紧急", theme::kUrgentBg, theme::kOnBrand);
  }
  if (c.major) {
    ImGui::SameLine();
    ui::badge("重大复杂", theme::kDueSoonBg, theme::kTextDark);
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("刷新")) load(session);

  if (ImGui::BeginTable("##fields", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, 110 * scale);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    ui::fieldRow("投诉时间", ui::timeText(c.receivedAt));
    ui::fieldRow("登记时间", ui::timeText(c.registeredAt));
    ui::fieldRow("来源渠道", pcs::channelZh(c.channel));
    // "import:<hash>" is the identity of an imported row without a number, not a work order.
    if (!c.externalRef.empty() && c.externalRef.rfind("import:", 0) != 0)
      ui::fieldRow("工单编号", c.externalRef);
    std::string who = c.complainant.name.empty() ? "（未留姓名）" : c.complainant.name;
    who += "  " + (contactText_.empty() ? c.complainant.contact : contactText_);
    ui::fieldRow("投诉人", who);
    if (maySeeContact_ && contactText_.empty() && !readOnly_) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TableNextColumn();
      if (ImGui::SmallButton("查看完整联系方式（将记录查看）")) {
        const std::string id = c.id;
        session.net().get(
            "/api/v1/cases/" + urlEncode(id) + "/contact?purpose=" + urlEncode("回访核实"),
            [this, id](const Response& r) {
              if (id != id_) return;
              if (!r.ok()) {
                notice_ = r.errorText();
                return;
              }
              const JsonDoc doc = parseJson(r.body);
              if (doc.valid())
                contactText_ = str(doc.root(), "name") + "  " + str(doc.root(), "contact");
            });
      }
      exposeItem("case.contact");
    }
    ui::fieldRow("投诉内容", c.content);
    if (!c.location.empty()) ui::fieldRow("具体位置", c.location);
    std::string place = unitName(session, c.countyId);
    if (!c.streetId.empty()) place += " " + unitName(session, c.streetId);
    if (!c.communityId.empty()) place += " " + unitName(session, c.communityId);
    ui::fieldRow("所在区域", place);
    const std::string estate = session.estateName(c.estateId);
    ui::fieldRow("小区", estate.empty() ? (c.estateId.empty() ? "—" : c.estateId) : estate);
    const std::string company = session.companyName(c.companyId);
    ui::fieldRow("物业服务企业",
                 company.empty() ? (c.companyId.empty() ? "—" : c.companyId) : company);
    ui::fieldRow("受理单位", unitName(session, c.intakeUnitId));
    ui::fieldRow("主办单位", unitName(session, c.ownerUnitId));
    if (c.urgent) ui::fieldRow("紧急原因", c.urgentReason);
    if (!c.categories.empty()) {
      std::string cats;
      for (const std::string& code : c.categories) {
        const CatalogueEntry* e = session.catalogue().find(code);
        if (!cats.empty()) cats += "；";
        cats += e ? e->title : code;
      }
      ui::fieldRow("事项类别", cats);
    }
    if (c.satisfaction) ui::fieldRow("回访结果", pcs::satisfactionZh(*c.satisfaction));
    if (!c.mergedInto.empty()) ui::fieldRow("已合并至", c.mergedInto);
    if (c.returns > 0) ui::fieldRow("退回次数", std::to_string(c.returns));
    if (c.reopens > 0) ui::fieldRow("重新办理次数", std::to_string(c.reopens));
    ImGui::EndTable();
  }
}

void CaseDetail::drawActions(Session& session, float scale) {
  ImGui::Spacing();
  if (actions_.empty()) {
    ImGui::TextDisabled(session.user().oversightOnly() ? "监督单位只能查看，不能办理。"
                                                       : "您当前没有可办理的操作。");
    return;
  }
  ImGui::TextUnformatted("可办理的操作：");
  for (size_t i = 0; i < actions_.size(); ++i) {
    const ActionItem& a = actions_[i];
    std::string label = a.label;
    if (a.assignmentId > 0) label += "（承办" + std::to_string(a.assignmentId) + "）";
    label += "##action" + std::to_string(i);
    ImGui::SameLine();
    if (ImGui::GetCursorPosX() + ImGui::CalcTextSize(label.c_str(), nullptr, true).x + 40 * scale >
        ImGui::GetContentRegionMax().x)
      ImGui::NewLine();
    if (ImGui::Button(label.c_str())) beginAction(session, a);
    exposeItem("case.action." + a.action +
               (a.assignmentId > 0 ? "." + std::to_string(a.assignmentId) : std::string()));
  }
}

void CaseDetail::drawDeadlines() {
  if (deadlines_.empty()) return;
  ImGui::SeparatorText("时限");
  if (!ImGui::BeginTable(
          "##deadlines", 5,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("事项");
  ImGui::TableSetupColumn("规则");
  ImGui::TableSetupColumn("到期日");
  ImGui::TableSetupColumn("剩余/逾期");
  ImGui::TableSetupColumn("计算说明", ImGuiTableColumnFlags_WidthStretch, 4.0f);
  ImGui::TableHeadersRow();
  for (const DeadlineItem& d : deadlines_) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    std::string what = whatZh(d.what);
    if (d.assignmentId > 0) what += "（承办" + std::to_string(d.assignmentId) + "）";
    ImGui::TextUnformatted(what.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(d.rule.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%s%s", d.due.c_str(), d.provisional ? "（暂定）" : "");
    // For tests: which rule set the due date (a meeting's decision shows as rule D).
    exposeItem("case.deadline." + d.what + "." + std::to_string(d.assignmentId) + "." + d.rule +
               "." + d.due);
    ImGui::TableNextColumn();
    if (!d.open) {
      ImGui::TextDisabled("已完成");
    } else if (d.daysLeft < 0) {
      ui::badge("▲ " + d.daysLeftText, theme::kOverdueBg, theme::kOnBrand);
    } else if (d.daysLeft <= ui::kDueSoonWorkingDays) {
      ui::badge("● " + d.daysLeftText, theme::kDueSoonBg, theme::kTextDark);
    } else {
      ImGui::TextUnformatted(d.daysLeftText.c_str());
    }
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(d.explanation.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndTable();
}

void CaseDetail::drawAssignments(Session& session) {
  if (case_.assignments.empty()) return;
  ImGui::SeparatorText("承办情况");
  for (const Assignment& a : case_.assignments) {
    ImGui::PushID(a.id);
    std::string head = "承办" + std::to_string(a.id) + "  " + unitName(session, a.unitId) + "（" +
                       std::string(handlerNameZh(a.handler)) + "）  " +
                       pcs::assignmentStateZh(a.state);
    if (ImGui::TreeNodeEx(head.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) {
      if (ImGui::BeginTable("##a", 2, ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed,
                                ImGui::GetFontSize() * 7);
        ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
        ui::fieldRow("分转时间", ui::timeText(a.dispatchedAt));
        if (a.acceptedAt) ui::fieldRow("签收时间", ui::timeText(a.acceptedAt));
        if (a.resolvedAt) ui::fieldRow("办结时间", ui::timeText(a.resolvedAt));
        if (a.closedAt) ui::fieldRow("销号时间", ui::timeText(a.closedAt));
        if (a.resolveDue)
          ui::fieldRow("办结时限",
                       a.resolveDue->due.toString() + "（" + a.resolveDue->ruleId + "）");
        if (!a.plan.empty()) {
          std::string plan;
          for (const PlanMilestone& m : a.plan) plan += m.due.toString() + " " + m.text + "\n";
          ui::fieldRow("解决方案", plan);
        }
        if (a.substantiated) ui::fieldRow("是否属实", *a.substantiated ? "属实" : "不属实");
        if (!a.answer.empty()) ui::fieldRow("办理结果", a.answer);
        if (a.coSignStreet)
          ui::fieldRow("街道（社区）意见",
                       unitName(session, a.coSignStreet->unitId) + "：" + a.coSignStreet->opinion);
        if (a.coSignHousing)
          ui::fieldRow("住建部门意见", unitName(session, a.coSignHousing->unitId) + "：" +
                                           a.coSignHousing->opinion);
        if (!a.returnReason.empty()) ui::fieldRow("退回理由", a.returnReason);
        if (!a.rejectReason.empty()) ui::fieldRow("审核退回理由", a.rejectReason);
        if (a.pendingExtension)
          ui::fieldRow("待批延期", std::to_string(a.pendingExtension->days) + "日：" +
                                       a.pendingExtension->reason);
        if (a.extensionDays > 0) ui::fieldRow("已批延期", std::to_string(a.extensionDays) + "日");
        if (a.pendingSuspension)
          ui::fieldRow("待批暂停计时", a.pendingSuspension->from.toString() + " 至 " +
                                           a.pendingSuspension->to.toString());
        ImGui::EndTable();
      }
      ImGui::TreePop();
    }
    ImGui::PopID();
  }
}

void CaseDetail::drawAttachments() {
  ImGui::SeparatorText("附件");
  if (case_.attachments.empty()) {
    ImGui::TextDisabled("无附件");
    return;
  }
  for (const Attachment& a : case_.attachments) {
    ImGui::PushID(a.id.c_str());
    const std::string label = a.fileName + "（" + std::to_string((a.size + 1023) / 1024) + " KB）";
    if (ImGui::SmallButton(label.c_str()))
      pcs_js_open_url(("/api/v1/attachments/" + urlEncode(a.id)).c_str());
    ImGui::PopID();
  }
}

void CaseDetail::drawTimeline(Session& session) {
  ImGui::SeparatorText("办理过程");
  if (!ImGui::BeginTable(
          "##events", 5,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("时间", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("单位（角色）", ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn("操作", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("状态", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("理由与说明", ImGuiTableColumnFlags_WidthStretch, 3.5f);
  ImGui::TableHeadersRow();
  for (const Event& e : case_.events) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(ui::timeText(e.at).c_str());
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::Text("%s（%s）", unitName(session, e.unitId).c_str(), roleZhOf(e.role).c_str());
    ImGui::PopTextWrapPos();
    ImGui::TableNextColumn();
    std::string what = ui::actionZh(e.action);
    if (e.action == "register") what = "受理登记";
    if (e.assignmentId > 0) what += "（承办" + std::to_string(e.assignmentId) + "）";
    ImGui::TextUnformatted(what.c_str());
    ImGui::TableNextColumn();
    if (e.fromState.empty())
      ImGui::TextUnformatted(ui::caseStateZh(e.toState).c_str());
    else if (e.fromState != e.toState)
      ImGui::Text("%s → %s", ui::caseStateZh(e.fromState).c_str(),
                  ui::caseStateZh(e.toState).c_str());
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0.0f);
    std::string why = e.reason;
    if (!e.detail.empty()) why += (why.empty() ? "" : "；") + e.detail;
    ImGui::TextUnformatted(why.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndTable();
}

void CaseDetail::beginAction(Session& session, const ActionItem& item) {
  form_ = item;
  openForm_ = true;
  formBodyHeight_ = 0;
  formError_.clear();
  reason_.clear();
  text_.clear();
  targetCase_.clear();
  const Date today = cstDate(static_cast<int64_t>(std::time(nullptr)));
  from_ = today.toString();
  to_ = today.addDays(7).toString();
  days_ = 5;
  substantiated_ = true;
  major_ = case_.major;
  satisfaction_ = 0;
  plan_ = {PlanRow{today.addDays(30).toString(), ""}};
  targets_.clear();
  suggestions_.clear();
  if (item.action == "dispatch") {
    // Routing suggestions for this complaint; a checked suggestion picks its handler's unit.
    const std::string id = id_;
    session.net().post("/api/v1/routing/suggest",
                       JsonBuilder().field("text", case_.content).finish(),
                       [this, id, &session](const Response& r) {
                         if (id != id_ || !r.ok()) return;
                         const JsonDoc doc = parseJson(r.body);
                         if (!doc.valid()) return;
                         suggestions_.clear();
                         for (const JsonValue* s : client::items(doc.root(), "suggestions")) {
                           Suggestion item{str(*s, "code"), str(*s, "handler"),
                                           str(*s, "handler_name"), str(*s, "title"), false};
                           item.chosen = std::find(preferredCodes_.begin(), preferredCodes_.end(),
                                                   item.code) != preferredCodes_.end();
                           if (item.chosen) chooseTargetFor(session, item);
                           suggestions_.push_back(std::move(item));
                         }
                       });
  }
}

std::vector<const OrgUnit*> CaseDetail::dispatchCandidates(Session& session) const {
  // The owner's area: its departments, and the housing departments, street offices and the
  // case's community inside it (the workflow checks the same rule on the server).
  std::vector<const OrgUnit*> out;
  const OrgUnit* owner = session.unit(case_.ownerUnitId);
  if (!owner) return out;
  const std::string area = owner->parentId;
  for (const auto& [id, u] : session.units()) {
    if (!u.active || !u.handler || id == case_.ownerUnitId) continue;
    const bool department = u.kind == UnitKind::Department && u.parentId == area;
    const bool countyHousing = area == "city" && u.kind == UnitKind::Department &&
                               u.handler == Handler::Housing && u.level == OrgLevel::County;
    const bool street = u.level == OrgLevel::Street && u.parentId == area;
    const bool community = id == case_.communityId;
    if (department || countyHousing || street || community) out.push_back(&u);
  }
  std::sort(out.begin(), out.end(), [&](const OrgUnit* a, const OrgUnit* b) {
    // The case's own street and community first, then departments by handler order.
    auto rank = [&](const OrgUnit* u) {
      if (u->id == case_.streetId || u->id == case_.communityId) return 0;
      return u->level == OrgLevel::Street ? 2 : 1;
    };
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return a->id < b->id;
  });
  return out;
}

void CaseDetail::chooseTargetFor(Session& session, const Suggestion& s) {
  // The unit that plays this handler for the case: the case's own street office or
  // community, or the department of the owner's area.
  for (const OrgUnit* u : dispatchCandidates(session)) {
    if (handlerKey(*u->handler) != s.handler) continue;
    if (u->level == OrgLevel::Street && u->id != case_.streetId) continue;
    targets_[u->id] = true;
    return;
  }
}

void CaseDetail::drawDispatchTargets(Session& session, float scale) {
  if (!suggestions_.empty()) {
    ImGui::TextUnformatted("系统建议（勾选以确认事项类别及承办部门）：");
    for (size_t i = 0; i < suggestions_.size(); ++i) {
      Suggestion& s = suggestions_[i];
      ImGui::PushID(static_cast<int>(i));
      const std::string label = s.handlerName + "：" + s.title;
      if (ImGui::Checkbox(label.c_str(), &s.chosen) && s.chosen) chooseTargetFor(session, s);
      exposeItem("dispatch.suggestion." + std::to_string(i));
      ImGui::PopID();
    }
  }
  ImGui::TextUnformatted("承办单位：");
  ImGui::BeginChild("##targets", ImVec2(0, 150 * scale), true);
  for (const OrgUnit* u : dispatchCandidates(session)) {
    bool chosen = targets_[u->id];
    const std::string label = u->name + "（" + std::string(handlerNameZh(*u->handler)) + "）";
    if (ImGui::Checkbox(label.c_str(), &chosen)) targets_[u->id] = chosen;
    exposeItem("dispatch.target." + u->id);
  }
  ImGui::EndChild();
  ImGui::Checkbox("重大或复杂问题（适用T4/T5/T6时限）", &major_);
}

void CaseDetail::drawActionForm(Session& session, Navigator& nav, float scale) {
  if (!form_) return;
  const std::string title = form_->label + "###actionform";
  if (openForm_) {
    ImGui::OpenPopup(title.c_str());
    openForm_ = false;
  }
  const ImVec2 center = ImGui::GetMainViewport()->GetCenter();
  ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(560 * scale, 0));
  bool keepOpen = true;
  if (!ImGui::BeginPopupModal(title.c_str(), &keepOpen, ImGuiWindowFlags_AlwaysAutoResize)) {
    if (!keepOpen) form_.reset();
    return;
  }
  if (closeForm_) {
    closeForm_ = false;
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    form_.reset();
    return;
  }
  const FormSpec* spec = formFor(form_->action);
  // The fields scroll inside the form when they are taller than the screen allows, so the
  // buttons below them are always in view.
  const float maxBody = ImGui::GetMainViewport()->Size.y * 0.6f;
  ImGui::BeginChild("##formbody",
                    ImVec2(0, formBodyHeight_ > 0 ? std::min(formBodyHeight_, maxBody) : maxBody));
  ImGui::Text(
      "案件 %s%s", case_.id.c_str(),
      form_->assignmentId > 0 ? ("，承办" + std::to_string(form_->assignmentId)).c_str() : "");
  if (spec && spec->targets) drawDispatchTargets(session, scale);
  if (spec && spec->substantiated) {
    ImGui::TextUnformatted("投诉是否属实：");
    ImGui::SameLine();
    if (ImGui::RadioButton("属实", substantiated_)) substantiated_ = true;
    ImGui::SameLine();
    if (ImGui::RadioButton("不属实", !substantiated_)) substantiated_ = false;
  }
  if (spec && spec->plan) {
    ImGui::TextUnformatted("解决方案（每行一个节点：完成日期 YYYY-MM-DD 与内容）：");
    for (size_t i = 0; i < plan_.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      ImGui::SetNextItemWidth(130 * scale);
      ui::inputText("##due", plan_[i].due);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(-FLT_MIN);
      ui::inputTextWithHint("##text", "节点内容", plan_[i].text);
      exposeItem("form.plan." + std::to_string(i));
      ImGui::PopID();
    }
    if (ImGui::SmallButton("增加节点")) plan_.push_back(PlanRow{plan_.back().due, ""});
  }
  if (spec && spec->dates) {
    const bool penalty = form_->action == "open_penalty";
    ImGui::SetNextItemWidth(140 * scale);
    ui::inputText(penalty ? "发现线索日期" : "暂停开始日期", from_);
    exposeItem("form.from");
    if (!penalty) {
      ImGui::SetNextItemWidth(140 * scale);
      ui::inputText("恢复计时日期（不含）", to_);
      exposeItem("form.to");
    }
  }
  if (spec && spec->days) {
    ImGui::SetNextItemWidth(140 * scale);
    ImGui::InputInt("延期天数", &days_);
    days_ = std::clamp(days_, 1, 90);
    exposeItem("form.days");
  }
  if (spec && spec->satisfaction) {
    ImGui::SetNextItemWidth(200 * scale);
    if (ImGui::BeginCombo("回访结果", pcs::satisfactionZh(*detail::enumFromKey<Satisfaction>(
                                          kSatisfactionKeys[satisfaction_])))) {
      for (int i = 0; i < 4; ++i)
        if (ImGui::Selectable(ui::satisfactionZh(kSatisfactionKeys[i]).c_str(), i == satisfaction_))
          satisfaction_ = i;
      ImGui::EndCombo();
    }
    exposeItem("form.satisfaction");
  }
  if (spec && spec->targetCase) {
    ImGui::SetNextItemWidth(200 * scale);
    ui::inputTextWithHint("重复的案件编号", "如 2026-000123", targetCase_);
    exposeItem("form.target_case");
  }
  if (spec && spec->text) {
    ImGui::TextUnformatted(spec->textLabel);
    ui::inputMultiline("##text", text_, ImVec2(-FLT_MIN, 110 * scale));
    exposeItem("form.text");
  }
  if (!spec || spec->reason) {
    ImGui::TextUnformatted(spec && spec->reasonRequired ? "理由（必填）" : "理由或说明（选填）");
    ui::inputMultiline("##reason", reason_, ImVec2(-FLT_MIN, 70 * scale));
    exposeItem("form.reason");
  }
  formBodyHeight_ = ImGui::GetCursorPosY();  // the height of the fields, scrolled or not
  ImGui::EndChild();
  ui::errorText(formError_);

  if (theme::primaryButton(sending_ ? "正在提交…###submit" : "确定###submit",
                           ImVec2(120 * scale, 0)) &&
      !sending_)
    submitAction(session, nav);
  exposeItem("form.submit");
  ImGui::SameLine();
  if (ImGui::Button("取消", ImVec2(120 * scale, 0)) ||
      (ImGui::IsKeyPressed(ImGuiKey_Escape) && !sending_)) {
    ImGui::CloseCurrentPopup();
    form_.reset();
  }
  exposeItem("form.cancel");
  ImGui::EndPopup();
}

void CaseDetail::submitAction(Session& session, Navigator& nav) {
  const FormSpec* spec = formFor(form_->action);
  if (spec && spec->reasonRequired && blank(reason_)) {
    formError_ = "请填写理由。";
    return;
  }
  if (spec && spec->textRequired && blank(text_)) {
    formError_ = std::string("请填写") + spec->textLabel + "。";
    return;
  }
  JsonBuilder body;
  body.field("action", form_->action).field("version", version_);
  if (form_->assignmentId > 0) body.field("assignment_id", form_->assignmentId);
  if (!blank(reason_)) body.field("reason", reason_);
  if (spec && spec->text && !blank(text_)) body.field("text", text_);
  if (spec && spec->substantiated) body.field("substantiated", substantiated_);
  if (spec && spec->targets) {
    int count = 0;
    body.beginArray("targets");
    for (const auto& [unitId, chosen] : targets_) {
      if (!chosen) continue;
      ++count;
      body.beginObject().field("unit_id", unitId).beginArray("catalogue_codes");
      const OrgUnit* u = session.unit(unitId);
      for (const Suggestion& s : suggestions_)
        if (s.chosen && u && u->handler && handlerKey(*u->handler) == s.handler) body.value(s.code);
      body.endArray().endObject();
    }
    body.endArray();
    body.field("major", major_);
    if (count == 0) {
      formError_ = "请至少选择一个承办单位。";
      return;
    }
  }
  if (spec && spec->plan) {
    body.beginArray("plan");
    for (const PlanRow& row : plan_) {
      if (blank(row.text)) continue;
      body.beginObject().field("due", row.due).field("text", row.text).endObject();
    }
    body.endArray();
  }
  if (spec && spec->dates) {
    body.field("from", from_);
    if (form_->action != "open_penalty") body.field("to", to_);
  }
  if (spec && spec->days) body.field("days", days_);
  if (spec && spec->satisfaction) body.field("satisfaction", kSatisfactionKeys[satisfaction_]);
  if (spec && spec->targetCase) body.field("target_case_id", targetCase_);

  sending_ = true;
  formError_.clear();
  const std::string id = id_;
  const std::string label = form_->label;
  session.net().post("/api/v1/cases/" + urlEncode(id) + "/actions", body.finish(),
                     [this, id, label, &nav](const Response& r) {
                       sending_ = false;
                       if (id != id_) return;
                       if (!r.ok()) {
                         formError_ = r.errorText();
                         return;
                       }
                       readView(r.body);
                       closeForm_ = true;
                       notice_ = "已完成：" + label;
                       nav.caseChanged(id);
                     });
}

}  // namespace pcs::client
