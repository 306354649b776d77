#include "import_screen.h"

#include <emscripten.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

#include "imgui.h"
#include "test_hooks.h"
#include "theme.h"
#include "ui.h"

// The browser's file picker. The chosen file waits in Module.pcsImportFile until the screen
// takes it (pollChosenFile, next frames); a file over the limit is never read into memory.
// The picker is opened from the frame after the click, inside the click's user activation.
// clang-format off
EM_JS(void, pcs_js_import_choose, (double maxBytes), {
  var old = document.getElementById("pcs-import-file");
  if (old) old.remove();
  var input = document.createElement("input");
  input.type = "file";
  input.id = "pcs-import-file";
  input.accept = ".xlsx,.csv";
  input.style.display = "none";
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    input.remove();
    if (!file) return;
    var entry = {name: file.name, size: file.size, bytes: null, failed: false};
    Module.pcsImportFile = entry;
    if (file.size > maxBytes) return;
    file.arrayBuffer().then(function (b) { entry.bytes = b; },
                            function () { entry.failed = true; });
  });
  input.addEventListener("cancel", function () { input.remove(); });
  document.body.appendChild(input);
  input.click();
});

// 0 nothing chosen, 1 being read, 2 read, 3 could not be read, 4 over the limit (not read).
EM_JS(int, pcs_js_import_state, (double maxBytes), {
  var entry = Module.pcsImportFile;
  if (!entry) return 0;
  if (entry.size > maxBytes) return 4;
  if (entry.failed) return 3;
  return entry.bytes ? 2 : 1;
});

EM_JS(double, pcs_js_import_size, (), {
  return Module.pcsImportFile ? Module.pcsImportFile.size : 0;
});

EM_JS(int, pcs_js_import_name_length, (), {
  return Module.pcsImportFile ? new TextEncoder().encode(Module.pcsImportFile.name).length : 0;
});

// Copies the name (UTF-8) and the bytes into buffers of the sizes above and forgets the file.
EM_JS(void, pcs_js_import_take, (char* name, char* bytes), {
  var entry = Module.pcsImportFile;
  Module.pcsImportFile = null;
  HEAPU8.set(new TextEncoder().encode(entry.name), name);
  if (entry.bytes && entry.bytes.byteLength) HEAPU8.set(new Uint8Array(entry.bytes), bytes);
});

EM_JS(void, pcs_js_import_forget, (), {
  Module.pcsImportFile = null;
});
// clang-format on

namespace pcs::client {
namespace {

// The server takes files up to 8 MiB (import_uploads.h, kMaxUploadBytes); larger ones are
// refused here before a byte is sent.
constexpr double kMaxFileBytes = 8.0 * 1024 * 1024;

// Channels a row without one may be given (as in intake).
const char* const kChannels[] = {"phone",   "visit",  "hotline_12345",
                                 "mailbox", "online", "higher_level"};

// The start of the server's message for a row without a channel (ledger_import.cpp).
constexpr const char* kNoChannelError = "必须填写受理渠道";

bool endsWith(const std::string& s, std::string_view tail) {
  if (s.size() < tail.size()) return false;
  return std::equal(tail.rbegin(), tail.rend(), s.rbegin(), [](char a, char b) {
    return a == std::tolower(static_cast<unsigned char>(b));
  });
}

bool asciiOnly(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// A refusal in words a clerk reads: the server's own message when it is Chinese, otherwise
// what the status means here with the server's words in brackets.
std::string refusal(const char* what, const Response& r) {
  std::string message = r.errorText();
  if (r.status == 413) {
    message = "文件过大，服务器拒收（上限 8 MiB）";
  } else if (r.status != 0 && asciiOnly(message)) {
    const char* meaning = r.status == 404 ? "上传的文件已不存在或已过期，请重新选择文件"
                          : r.status == 403 ? "您没有导入台账的权限"
                          : r.status >= 500 ? "服务器出错，请稍后再试"
                                            : "服务器认为请求有误";
    message = std::string(meaning) + "（" + message + "）";
  }
  return std::string(what) + message;
}

// The server's skip reasons (ledger_import.cpp) in Chinese.
std::string skipReasonZh(const std::string& reason, const std::string& caseId) {
  const std::string imported = "skipped: already imported as ";
  const std::string same = "skipped: same complaint as row ";
  if (reason.rfind(imported, 0) == 0) {
    const size_t at = reason.find("(row ");
    if (at != std::string::npos) {
      const size_t end = reason.find(' ', at + 5);
      return "与本文件第 " + reason.substr(at + 5, end - at - 5) + " 行是同一投诉，该行已导入为 " +
             caseId;
    }
    return "此前已导入过，案件编号 " + caseId;
  }
  if (reason.rfind(same, 0) == 0)
    return "与本文件第 " + reason.substr(same.size()) + " 行是同一投诉，不重复导入";
  return reason;
}

std::string rowList(const JsonValue& object, const char* name) {
  std::string out;
  const JsonValue* rows = member(object, name);
  if (!rows || !rows->IsArray()) return out;
  for (const JsonValue& v : rows->GetArray())
    if (v.IsInt64()) out += (out.empty() ? "" : "、") + std::to_string(v.GetInt64());
  return out;
}

const char* kindZh(const std::string& kind) {
  return kind == "estate" ? "小区" : kind == "company" ? "物业服务企业" : "名称";
}

// A case number drawn as a link; true when clicked.
bool caseLink(const std::string& id, const std::string& imguiId) {
  ImGui::PushStyleColor(ImGuiCol_Text, theme::kBrand);
  const ImVec2 size = ImGui::CalcTextSize(id.c_str());
  const bool clicked = ImGui::Selectable((id + "##" + imguiId).c_str(), false, 0, size);
  ImGui::PopStyleColor();
  const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  ImGui::GetWindowDrawList()->AddLine(ImVec2(min.x, max.y), max, theme::kBrand);
  if (ImGui::IsItemHovered()) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    ImGui::SetTooltip("打开案件 %s", id.c_str());
  }
  return clicked;
}

void statusBadge(const std::string& status) {
  if (status == "ok")
    ui::badge("可导入", theme::kOnTimeBg, theme::kTextDark);
  else if (status == "skip")
    ui::badge("● 将跳过", theme::kDueSoonBg, theme::kTextDark);
  else if (status == "channel")
    ui::badge("● 缺渠道", theme::kDueSoonBg, theme::kTextDark);
  else
    ui::badge("▲ 有错误", theme::kOverdueBg, theme::kOnBrand);
}

void mutedWrapped(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, theme::kTextMuted);
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

}  // namespace

// ---- requests ---------------------------------------------------------------------------------

void ImportScreen::pollChosenFile(Session& session) {
  const int state = pcs_js_import_state(kMaxFileBytes);
  if (state == 0) return;
  if (state == 1) {
    busy_ = true;
    busyText_ = "正在读取文件…";
    return;
  }
  waitingForFile_ = false;
  if (state == 3 || state == 4) {
    const double size = pcs_js_import_size();
    pcs_js_import_forget();
    busy_ = false;
    error_ = state == 3 ? "浏览器未能读取所选文件，请确认文件未被其他程序占用后重试。"
                        : "文件过大（" + std::to_string(static_cast<long long>(size)) +
                              " 字节）：台账文件不能超过 8 MiB，请拆分后分批导入。";
    return;
  }
  std::string name(static_cast<size_t>(pcs_js_import_name_length()), '\0');
  std::string bytes(static_cast<size_t>(pcs_js_import_size()), '\0');
  pcs_js_import_take(name.data(), bytes.data());
  busy_ = false;
  if (endsWith(name, ".xls")) {
    error_ = "“" + name +
             "”是旧版 Excel（.xls）文件，无法读取：请在 Excel 中另存为 .xlsx 或 CSV 后再导入。";
    return;
  }
  if (!endsWith(name, ".xlsx") && !endsWith(name, ".csv")) {
    error_ = "“" + name + "”不是 .xlsx 或 .csv 文件：请选择 Excel 工作簿（.xlsx）或 CSV 文件。";
    return;
  }
  upload(session, name, std::move(bytes));
}

void ImportScreen::upload(Session& session, const std::string& name, std::string bytes) {
  const uint64_t generation = ++generation_;
  uploadId_.clear();
  columns_.clear();
  preview_.clear();
  matched_.clear();
  merges_.clear();
  report_ = Report{};
  defaultChannel_ = -1;  // chosen again for each file, deliberately
  allOrNothing_ = false;
  error_.clear();
  notice_.clear();
  fileName_ = name;
  busy_ = true;
  busyText_ = "正在上传并识别“" + name + "”…";
  session.net().post("/api/v1/imports?name=" + urlEncode(name), std::move(bytes),
                     [this, generation](const Response& r) {
                       if (generation != generation_) return;
                       busy_ = false;
                       if (!r.ok()) {
                         error_ = refusal("文件未能导入：", r);
                         return;
                       }
                       const JsonDoc doc = parseJson(r.body);
                       if (!doc.valid()) {
                         error_ = "服务器的答复无法读取，请重试。";
                         return;
                       }
                       readView(doc.root());
                     });
}

void ImportScreen::reread(Session& session, const std::string& sheet, int64_t headerRow) {
  std::string path = "/api/v1/imports/" + uploadId_;
  std::string query;
  if (!sheet.empty()) query += "sheet=" + urlEncode(sheet);
  if (headerRow > 0)
    query += (query.empty() ? "" : "&") + ("header_row=" + std::to_string(headerRow));
  if (!query.empty()) path += "?" + query;
  const uint64_t generation = ++generation_;
  busy_ = true;
  busyText_ = "正在重新识别…";
  error_.clear();
  session.net().get(path, [this, generation](const Response& r) {
    if (generation != generation_) return;
    busy_ = false;
    if (!r.ok()) {
      error_ = refusal("重新识别失败：", r);
      headerRowInput_ = static_cast<int>(headerRow_);
      return;
    }
    const JsonDoc doc = parseJson(r.body);
    if (doc.valid()) readView(doc.root());
  });
}

void ImportScreen::readView(const JsonValue& view) {
  uploadId_ = str(view, "id");
  fileName_ = str(view, "name", fileName_);
  format_ = str(view, "format");
  encoding_ = str(view, "encoding");
  sheet_ = str(view, "sheet");
  sheets_ = strings(view, "sheets");
  expiresAt_ = str(view, "expires_at");
  headerRow_ = integer(view, "header_row");
  headerRowInput_ = static_cast<int>(headerRow_);
  dataRows_ = integer(view, "data_rows");
  emptyRows_ = rowList(view, "empty_rows");

  fields_.clear();
  for (const JsonValue* f : items(view, "fields"))
    fields_.push_back({str(*f, "key"), str(*f, "label")});
  columns_.clear();
  for (const JsonValue* c : items(view, "columns")) {
    Column column{str(*c, "column"), str(*c, "header"), -1};
    const std::string field = str(*c, "field");
    for (size_t i = 0; i < fields_.size(); ++i)
      if (fields_[i].key == field) column.field = static_cast<int>(i);
    columns_.push_back(std::move(column));
  }
  preview_.clear();
  for (const JsonValue* p : items(view, "preview")) {
    PreviewRow row;
    row.row = integer(*p, "row");
    if (const JsonValue* v = member(*p, "values")) {
      row.receivedAt = str(*v, "received_at");
      row.name = str(*v, "complainant_name");
      row.content = str(*v, "content");
      row.estate = str(*v, "estate_name");
      row.company = str(*v, "company_name");
      row.channel = str(*v, "channel");
    }
    row.status = str(*p, "status");
    row.message = str(*p, "message");
    if (row.status == "skip") row.message = skipReasonZh(row.message, "");
    // A ledger without a channel column: every row lacks one until the clerk picks it below,
    // which the preview (the server's proposal) cannot know; said as a step, not an error.
    if (row.status == "error" && row.message.rfind(kNoChannelError, 0) == 0) {
      row.status = "channel";
      row.message = "待选来源渠道";
    }
    preview_.push_back(std::move(row));
  }
  if (const JsonValue* names = member(view, "names")) readNames(*names);
  mappingEdited_ = false;
  report_ = Report{};
  tab_ = Tab::Preview;
  if (headerRow_ == 0)
    error_ =
        "在前 20 "
        "行中没有找到表头（至少要有“投诉时间”“投诉内容”等两列的标题）。请在上方填写表头所在的行号，"
        "再点“重新识别”。";
}

void ImportScreen::readNames(const JsonValue& names) {
  matched_.clear();
  merges_.clear();
  for (const JsonValue* m : items(names, "matched"))
    matched_.push_back({str(*m, "kind"), str(*m, "spelling"), str(*m, "id"), str(*m, "name"),
                        rowList(*m, "rows")});
  for (const JsonValue* m : items(names, "proposed_merges")) {
    NameMerge merge{str(*m, "kind"), {}, rowList(*m, "rows"), str(*m, "message")};
    for (const std::string& s : strings(*m, "spellings"))
      merge.spellings += (merge.spellings.empty() ? "“" : "、“") + s + "”";
    merges_.push_back(std::move(merge));
  }
}

bool ImportScreen::mapped(const char* key) const {
  for (const Column& c : columns_)
    if (c.field >= 0 && fields_[static_cast<size_t>(c.field)].key == key) return true;
  return false;
}

void ImportScreen::assign(size_t column, int field) {
  if (columns_[column].field == field) return;
  if (field >= 0)
    for (Column& c : columns_)
      if (c.field == field) c.field = -1;
  columns_[column].field = field;
  mappingEdited_ = true;
}

void ImportScreen::run(Session& session, Navigator& nav, bool dryRun) {
  error_.clear();
  notice_.clear();
  if (!mapped("received_at") || !mapped("content")) {
    error_ = "请先把“投诉时间”和“投诉内容”各对应到一列：这两项是每条投诉必有的。";
    return;
  }
  if (!mapped("channel") && defaultChannel_ < 0) {
    error_ = "台账中没有“来源渠道”列：请先在左侧选择这些投诉的来源渠道（如电话、来访）。";
    return;
  }
  JsonBuilder body;
  body.beginObject("mapping");
  for (const Field& f : fields_) {
    for (const Column& c : columns_)
      if (c.field >= 0 && fields_[static_cast<size_t>(c.field)].key == f.key)
        body.field(f.key.c_str(), c.letter);
  }
  body.endObject();
  if (defaultChannel_ >= 0) body.field("default_channel", kChannels[defaultChannel_]);
  body.field("dry_run", dryRun).field("all_or_nothing", allOrNothing_);
  if (headerRow_ > 0) body.field("header_row", headerRow_);
  if (format_ == "xlsx" && !sheet_.empty()) body.field("sheet", sheet_);

  const uint64_t generation = generation_;
  busy_ = true;
  busyText_ = dryRun ? "正在试导入（不保存）…" : "正在导入…";
  session.net().post("/api/v1/imports/" + uploadId_ + "/run", body.finish(),
                     [this, generation, &nav, dryRun](const Response& r) {
                       if (generation != generation_) return;
                       busy_ = false;
                       if (!r.ok()) {
                         error_ = refusal(dryRun ? "试导入未能进行：" : "导入未能进行：", r);
                         return;
                       }
                       const JsonDoc doc = parseJson(r.body);
                       if (!doc.valid()) {
                         error_ = "服务器的答复无法读取；请在案件看板上核对是否已导入。";
                         return;
                       }
                       readReport(doc.root());
                       if (report_.imported > 0) {
                         const auto first = std::find_if(
                             report_.lines.begin(), report_.lines.end(),
                             [](const ReportRow& l) { return l.outcome == Outcome::Imported; });
                         nav.caseChanged(first != report_.lines.end() ? first->caseId : "");
                       }
                     });
}

void ImportScreen::readReport(const JsonValue& answer) {
  if (const JsonValue* names = member(answer, "names")) readNames(*names);
  const JsonValue* r = member(answer, "report");
  if (!r) return;
  Report report;
  report.present = true;
  report.dryRun = flag(*r, "dry_run");
  report.stored = flag(*r, "stored");
  report.imported = integer(*r, "imported");
  report.skipped = integer(*r, "skipped");
  report.valid = integer(*r, "valid");
  report.rows = integer(answer, "rows");
  report.emptyRows = rowList(answer, "empty_rows");
  for (const JsonValue* c : items(*r, "cases"))
    report.lines.push_back(
        {integer(*c, "row"), Outcome::Imported, str(*c, "id"), "已登记为新案件，待分转"});
  for (const JsonValue* s : items(*r, "skipped_rows")) {
    const std::string id = str(*s, "id");
    report.lines.push_back(
        {integer(*s, "row"), Outcome::Skipped, id, skipReasonZh(str(*s, "reason"), id)});
  }
  for (const JsonValue* e : items(*r, "errors"))
    report.lines.push_back({integer(*e, "row"), Outcome::Failed, "", str(*e, "error")});
  report.failed = static_cast<int64_t>(items(*r, "errors").size());
  std::stable_sort(report.lines.begin(), report.lines.end(),
                   [](const ReportRow& a, const ReportRow& b) { return a.row < b.row; });
  report_ = std::move(report);
  reportFilter_ = 0;
  tab_ = Tab::Report;
  if (report_.dryRun)
    notice_ = "试导入完成，什么也没有保存：可导入 " + std::to_string(report_.valid) + " 行。";
  else if (report_.stored && report_.imported == 0)
    notice_ = "没有新增案件：" + std::to_string(report_.skipped) + " 行此前已导入过，" +
              std::to_string(report_.failed) + " 行有错误。";
  else if (report_.stored)
    notice_ = "导入完成：新增 " + std::to_string(report_.imported) + " 件案件（待分转），跳过 " +
              std::to_string(report_.skipped) + " 行重复，" + std::to_string(report_.failed) +
              " 行有错误未导入。";
  else
    notice_ = "有 " + std::to_string(report_.failed) +
              " 行错误，按“有任何错误行时全部不导入”的设置，本次没有导入任何一行。";
}

// ---- drawing ----------------------------------------------------------------------------------

void ImportScreen::draw(Session& session, Navigator& nav, float scale) {
  if (waitingForFile_ || busy_) pollChosenFile(session);

  ImGui::BeginChild("##import", ImVec2(0, 0), false);
  drawToolbar(session, scale);
  if (uploadId_.empty()) {
    ImGui::Spacing();
    ImGui::SeparatorText("导入说明");
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x * 0.75f);
    ImGui::TextUnformatted(
        "1．点击“选择文件”，选择县（区）原有的投诉台账：Excel 工作簿（.xlsx）或 CSV 文件（UTF-8 "
        "或 GB18030/GBK 编码均可），不超过 8 MiB。旧版 .xls 请先在 Excel 中另存为 .xlsx。");
    ImGui::TextUnformatted(
        "2．系统自动找出表头所在行（表头上方的标题、填报单位等行会被跳过），并按列标题猜出每列"
        "对应的字段。猜得不对的，在“导入为”一栏改选，不需要的列选“不导入”。");
    ImGui::TextUnformatted(
        "3．先点“试导入”查看每一行能否导入（不保存任何数据），核对无误后再点“正式导入”。"
        "同一台账按同一文件名再次导入时，已导入的行会被识别并跳过，不会重复登记。");
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    return;
  }

  const float leftWidth = std::max(420 * scale, ImGui::GetContentRegionAvail().x * 0.36f);
  ImGui::BeginChild("##left", ImVec2(leftWidth, 0), false);
  drawMapping(session, nav, scale);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##right", ImVec2(0, 0), false);
  // The views as a row of buttons, the active one filled (as the screen tabs above): ImGui's
  // tab bar misses a click that arrives in the same frame as the pointer. A new file shows its
  // preview, a new report itself.
  auto tabButton = [&](const std::string& label, Tab id, const char* name) {
    if (tab_ == id ? theme::primaryButton(label.c_str()) : ImGui::Button(label.c_str())) tab_ = id;
    exposeItem(name);
  };
  tabButton("数据预览", Tab::Preview, "import.tab.preview");
  ImGui::SameLine();
  tabButton("名称核对（" + std::to_string(matched_.size() + merges_.size()) + "）###names",
            Tab::Names, "import.tab.names");
  if (report_.present) {
    ImGui::SameLine();
    tabButton(report_.dryRun ? "试导入结果###report" : "导入结果###report", Tab::Report,
              "import.tab.report");
  } else if (tab_ == Tab::Report) {
    tab_ = Tab::Preview;
  }
  ImGui::Separator();
  switch (tab_) {
    case Tab::Preview:
      drawPreview(scale);
      break;
    case Tab::Names:
      drawNames(scale);
      break;
    case Tab::Report:
      drawReport(nav, scale);
      break;
  }
  ImGui::EndChild();
  ImGui::EndChild();
}

void ImportScreen::drawToolbar(Session& session, float scale) {
  const bool blocked = busy_;
  if (blocked) ImGui::BeginDisabled();
  if (theme::primaryButton("选择文件…###choose", ImVec2(120 * scale, 0))) {
    error_.clear();
    notice_.clear();
    waitingForFile_ = true;
    pcs_js_import_choose(kMaxFileBytes);
  }
  exposeItem("import.choose");
  if (blocked) ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  if (busy_) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme::kTextNotice), "%s", busyText_.c_str());
    exposeItem("import.busy");
  } else if (!uploadId_.empty()) {
    std::string about = "“" + fileName_ + "”  " + (format_ == "xlsx" ? "Excel 工作簿" : "CSV 文件");
    if (format_ == "csv") about += encoding_ == "gb18030" ? "（GB18030 编码）" : "（UTF-8 编码）";
    about += "  ·  表头在第 " + std::to_string(headerRow_) + " 行  ·  数据 " +
             std::to_string(dataRows_) + " 行";
    if (!emptyRows_.empty()) about += "（空行 " + emptyRows_ + " 不计）";
    ImGui::TextUnformatted(about.c_str());
    exposeItem("import.file");
    exposeItem("import.format." + format_ + "." + encoding_);
    exposeItem("import.header." + std::to_string(headerRow_));
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("上传编号 %s，保留至 %s，仅您本人可见", uploadId_.c_str(),
                        expiresAt_.c_str());
  } else {
    ImGui::TextDisabled("尚未选择文件");
  }

  if (!uploadId_.empty()) {
    // The sheet (xlsx) and the header row, when the server's guess is not the right one.
    if (format_ == "xlsx" && sheets_.size() > 1) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted("工作表");
      ImGui::SameLine();
      ImGui::SetNextItemWidth(180 * scale);
      if (ImGui::BeginCombo("##sheet", sheet_.c_str())) {
        for (size_t i = 0; i < sheets_.size(); ++i) {
          if (ImGui::Selectable(sheets_[i].c_str(), sheets_[i] == sheet_) && sheets_[i] != sheet_)
            reread(session, sheets_[i], 0);
          exposeItem("import.sheet.option." + std::to_string(i));
        }
        ImGui::EndCombo();
      }
      exposeItem("import.sheet");
      ImGui::SameLine();
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("表头所在行");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120 * scale);
    ImGui::InputInt("##headerRow", &headerRowInput_);
    headerRowInput_ = std::clamp(headerRowInput_, 0, 1048576);
    exposeItem("import.header_row");
    ImGui::SameLine();
    if (blocked || headerRowInput_ < 1) ImGui::BeginDisabled();
    if (ImGui::Button("重新识别"))
      reread(session, format_ == "xlsx" ? sheet_ : "", headerRowInput_);
    exposeItem("import.reread");
    if (blocked || headerRowInput_ < 1) ImGui::EndDisabled();
  }
  ui::errorText(error_);
  if (!error_.empty()) exposeItem("import.error");
  ui::noticeText(notice_);
  if (!notice_.empty()) exposeItem("import.notice");
  ImGui::Separator();
}

void ImportScreen::drawMapping(Session& session, Navigator& nav, float scale) {
  ImGui::SeparatorText("列映射：台账的列 → 系统字段");
  // Room below the table for the options and the two buttons.
  const float controls = ImGui::GetFrameHeightWithSpacing() * 5.5f;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float rowHeight = ImGui::GetFrameHeight() + style.CellPadding.y * 2;
  const float wanted = rowHeight * static_cast<float>(columns_.size()) +
                       ImGui::GetTextLineHeight() + style.CellPadding.y * 2 + 2 * scale;
  const float tableHeight =
      std::max(std::min(wanted, ImGui::GetContentRegionAvail().y - controls), 120 * scale);
  if (ImGui::BeginTable("##mapping", 3,
                        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                            ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp,
                        ImVec2(0, tableHeight))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("列", ImGuiTableColumnFlags_WidthFixed, 36 * scale);
    ImGui::TableSetupColumn("台账表头", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("导入为", ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < columns_.size(); ++i) {
      Column& c = columns_[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(c.letter.c_str());
      ImGui::TableNextColumn();
      ImGui::AlignTextToFramePadding();
      if (c.header.empty())
        ImGui::TextDisabled("（空）");
      else
        ImGui::TextUnformatted(c.header.c_str());
      ImGui::TableNextColumn();
      ImGui::SetNextItemWidth(-FLT_MIN);
      const bool none = c.field < 0;
      const std::string current =
          none ? std::string("不导入") : fields_[static_cast<size_t>(c.field)].label;
      if (none) ImGui::PushStyleColor(ImGuiCol_Text, theme::kTextMuted);
      const bool open = ImGui::BeginCombo("##field", current.c_str());
      if (none) ImGui::PopStyleColor();
      if (open) {
        if (ImGui::Selectable("不导入", none)) assign(i, -1);
        exposeItem("import.mapping.option.none");
        for (size_t f = 0; f < fields_.size(); ++f) {
          std::string label = fields_[f].label;
          for (const Column& other : columns_)
            if (&other != &c && other.field == static_cast<int>(f))
              label += "（现为 " + other.letter + " 列）";
          if (ImGui::Selectable((label + "##" + fields_[f].key).c_str(),
                                c.field == static_cast<int>(f)))
            assign(i, static_cast<int>(f));
          exposeItem("import.mapping.option." + fields_[f].key);
        }
        ImGui::EndCombo();
      }
      exposeItem("import.mapping." + std::to_string(i));
      exposeItem("import.mapped." + std::to_string(i) + "." +
                 (c.field < 0 ? std::string("none") : fields_[static_cast<size_t>(c.field)].key));
      ImGui::PopID();
    }
    ImGui::EndTable();
  }

  // A row without a channel cell (or a ledger without the column) takes this one.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(mapped("channel") ? "渠道为空的行按" : "来源渠道（台账无此列）");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-FLT_MIN);
  const std::string channel =
      defaultChannel_ < 0 ? std::string("不指定") : ui::channelZh(kChannels[defaultChannel_]);
  if (ImGui::BeginCombo("##defaultChannel", channel.c_str())) {
    if (ImGui::Selectable("不指定", defaultChannel_ < 0)) defaultChannel_ = -1;
    exposeItem("import.default_channel.option.none");
    for (int i = 0; i < static_cast<int>(std::size(kChannels)); ++i) {
      if (ImGui::Selectable(ui::channelZh(kChannels[i]).c_str(), i == defaultChannel_))
        defaultChannel_ = i;
      exposeItem(std::string("import.default_channel.option.") + kChannels[i]);
    }
    ImGui::EndCombo();
  }
  exposeItem("import.default_channel");
  ImGui::Checkbox("有任何错误行时全部不导入", &allOrNothing_);
  exposeItem("import.all_or_nothing");
  if (mappingEdited_)
    mutedWrapped("映射已修改：右侧预览仍按系统识别的映射，请点“试导入”查看修改后的结果。");

  const bool blocked = busy_ || headerRow_ == 0;
  if (blocked) ImGui::BeginDisabled();
  if (ImGui::Button("试导入（不保存）", ImVec2(150 * scale, 0))) run(session, nav, true);
  exposeItem("import.dry_run");
  ImGui::SameLine();
  if (theme::primaryButton("正式导入", ImVec2(120 * scale, 0))) run(session, nav, false);
  exposeItem("import.run");
  if (blocked) ImGui::EndDisabled();
}

void ImportScreen::drawPreview(float scale) {
  if (preview_.empty()) {
    ImGui::TextDisabled(headerRow_ == 0 ? "找到表头后显示前 10 行的识别结果。"
                                        : "表头下面没有数据行。");
    return;
  }
  if (!mapped("channel") && defaultChannel_ < 0)
    ui::noticeText(
        "台账中没有“来源渠道”列：请在左侧选择这些投诉的来源渠道，否则每一行都会因缺少渠道而无法导入"
        "。");
  mutedWrapped("前 " + std::to_string(preview_.size()) + " 行按系统识别的映射转换并检查（共 " +
               std::to_string(dataRows_) + " 行）；此处不保存任何数据。");
  if (!ImGui::BeginTable("##preview", 7,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                             ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp,
                         ImVec2(0, 0)))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("行号", ImGuiTableColumnFlags_WidthFixed, 44 * scale);
  ImGui::TableSetupColumn("检查", ImGuiTableColumnFlags_WidthFixed, 84 * scale);
  ImGui::TableSetupColumn("投诉时间", ImGuiTableColumnFlags_WidthFixed, 150 * scale);
  ImGui::TableSetupColumn("投诉人", ImGuiTableColumnFlags_WidthFixed, 64 * scale);
  ImGui::TableSetupColumn("投诉内容", ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn("小区 / 物业企业", ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn("说明", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableHeadersRow();
  for (const PreviewRow& p : preview_) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(p.row));
    ImGui::TableNextColumn();
    statusBadge(p.status);
    exposeItem("import.preview." + p.status + "." + std::to_string(p.row));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(p.receivedAt.empty() ? "—" : p.receivedAt.c_str());
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", p.name.empty() ? "—" : p.name.c_str());
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", p.content.c_str());
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", p.estate.empty() ? "—" : p.estate.c_str());
    if (!p.company.empty()) mutedWrapped(p.company);
    ImGui::TableNextColumn();
    if (p.status == "error")
      ui::errorText(p.message);
    else if (!p.message.empty())
      mutedWrapped(p.message);
    else if (!p.channel.empty())
      mutedWrapped("渠道：" + ui::channelZh(p.channel));
  }
  ImGui::EndTable();
}

void ImportScreen::drawNames(float scale) {
  (void)scale;
  ImGui::BeginChild("##names", ImVec2(0, 0), false);
  ImGui::SeparatorText("写法不同、已自动对应到登记记录的名称");
  if (matched_.empty()) ImGui::TextDisabled("没有。");
  for (size_t i = 0; i < matched_.size(); ++i) {
    const NameMatch& m = matched_[i];
    ImGui::Bullet();
    ImGui::TextWrapped("%s“%s” → %s（%s），第 %s 行", kindZh(m.kind), m.spelling.c_str(),
                       m.name.c_str(), m.id.c_str(), m.rows.c_str());
    exposeItem("import.names.matched." + std::to_string(i));
  }
  ImGui::Spacing();
  ImGui::SeparatorText("请核对：可能是同一名称的不同写法");
  if (merges_.empty()) ImGui::TextDisabled("没有。");
  for (size_t i = 0; i < merges_.size(); ++i) {
    const NameMerge& m = merges_[i];
    ImGui::Bullet();
    ImGui::TextWrapped("%s %s（第 %s 行）", kindZh(m.kind), m.spellings.c_str(), m.rows.c_str());
    exposeItem("import.names.merge." + std::to_string(i));
    ImGui::Indent();
    ui::noticeText(m.message);
    ImGui::Unindent();
  }
  ImGui::Spacing();
  mutedWrapped("系统不会自动新建小区或企业：找不到的名称所在行导入失败。");
  mutedWrapped("请先登记该小区或企业，或在台账中统一写法后，重新选择文件导入。");
  ImGui::EndChild();
}

void ImportScreen::drawReport(Navigator& nav, float scale) {
  const Report& r = report_;
  // The counts, each a filter for the table below.
  const char* title = r.dryRun   ? "试导入结果（未保存）："
                      : r.stored ? "导入结果（已保存）："
                                 : "未导入（有错误行）：";
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(title);
  exposeItem(r.dryRun ? "import.report.dry" : "import.report.stored");
  struct Count {
    int filter;
    std::string text;
    const char* name;
    ImU32 bg, fg;
  };
  const Count counts[] = {
      {0,
       "全部 " + std::to_string(r.dryRun ? r.rows : static_cast<int64_t>(r.lines.size())) + " 行",
       "import.report.all", theme::kCardBorder, theme::kTextDark},
      {1,
       (r.dryRun ? "可导入 " + std::to_string(r.valid) : "已导入 " + std::to_string(r.imported)) +
           " 行",
       "import.report.imported", theme::kOnTimeBg, theme::kTextDark},
      {2, "● 跳过（重复）" + std::to_string(r.skipped) + " 行", "import.report.skipped",
       theme::kDueSoonBg, theme::kTextDark},
      {3, "▲ 失败 " + std::to_string(r.failed) + " 行", "import.report.failed", theme::kOverdueBg,
       theme::kOnBrand},
  };
  for (const Count& c : counts) {
    ImGui::SameLine();
    const bool active = reportFilter_ == c.filter;
    ImGui::PushStyleColor(ImGuiCol_Button, c.bg);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, c.bg);
    ImGui::PushStyleColor(ImGuiCol_Text, c.fg);
    ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, active ? 2.5f * scale : 0.0f);
    ImGui::PushStyleColor(ImGuiCol_Border, theme::kBrand);
    if (ImGui::Button(c.text.c_str()) && !(r.dryRun && c.filter == 1)) reportFilter_ = c.filter;
    ImGui::PopStyleColor(4);
    ImGui::PopStyleVar();
    exposeItem(c.name);
  }
  if (r.dryRun) mutedWrapped("试导入只检查不保存；没有列出的行都可以导入。核对后点“正式导入”。");
  if (!r.emptyRows.empty()) mutedWrapped("空行（已略过）：第 " + r.emptyRows + " 行");

  if (!ImGui::BeginTable("##report", 4,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                             ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp,
                         ImVec2(0, 0)))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("行号", ImGuiTableColumnFlags_WidthFixed, 44 * scale);
  ImGui::TableSetupColumn("结果", ImGuiTableColumnFlags_WidthFixed, 110 * scale);
  ImGui::TableSetupColumn("案件编号", ImGuiTableColumnFlags_WidthFixed, 120 * scale);
  ImGui::TableSetupColumn("说明", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  for (const ReportRow& line : r.lines) {
    if (reportFilter_ != 0 && reportFilter_ != static_cast<int>(line.outcome) + 1) continue;
    const std::string row = std::to_string(line.row);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(row.c_str());
    ImGui::TableNextColumn();
    const char* kind = line.outcome == Outcome::Imported  ? "imported"
                       : line.outcome == Outcome::Skipped ? "skipped"
                                                          : "failed";
    if (line.outcome == Outcome::Imported)
      ui::badge("已导入", theme::kOnTimeBg, theme::kTextDark);
    else if (line.outcome == Outcome::Skipped)
      ui::badge("● 跳过（重复）", theme::kDueSoonBg, theme::kTextDark);
    else
      ui::badge("▲ 失败", theme::kOverdueBg, theme::kOnBrand);
    exposeItem(std::string("import.report.") + kind + "." + row);
    ImGui::TableNextColumn();
    if (!line.caseId.empty()) {
      if (caseLink(line.caseId, row)) nav.openCase(line.caseId);
      exposeItem(std::string("import.report.case.") + kind + "." + line.caseId);
    } else {
      ImGui::TextDisabled("—");
    }
    ImGui::TableNextColumn();
    if (line.outcome == Outcome::Failed)
      ui::errorText(line.text);
    else
      ImGui::TextWrapped("%s", line.text.c_str());
  }
  ImGui::EndTable();
}

}  // namespace pcs::client
