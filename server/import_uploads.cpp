#include "import_uploads.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sodium.h>

#include <map>
#include <set>

#include "app.h"
#include "audit.h"
#include "json_body.h"
#include "ledger_sheet.h"
#include "pcs/date.h"
#include "pcs/error.h"
#include "sheet_reader.h"

namespace pcs::server {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

struct Upload {
  std::string id, name, sheet;
  int64_t expiresAt = 0;
  std::string bytes;
};

Upload loadUpload(App& app, const CurrentUser& user, const std::string& id) {
  SQLite::Statement q(app.db().reader(),
                      "SELECT name, sheet, expires_at, data FROM import_uploads "
                      "WHERE id = ? AND user_id = ? AND expires_at > ?");
  q.bind(1, id);
  q.bind(2, user.id);
  q.bind(3, app.now());
  if (!q.executeStep())
    throw Error(ErrorCode::NotFound, "没有编号为 " + id + " 的上传，或已过期，请重新上传");
  Upload u;
  u.id = id;
  u.name = q.getColumn(0).getString();
  u.sheet = q.getColumn(1).getString();
  u.expiresAt = q.getColumn(2).getInt64();
  const SQLite::Column data = q.getColumn(3);
  u.bytes.assign(static_cast<const char*>(data.getBlob()), static_cast<size_t>(data.getBytes()));
  return u;
}

void str(Writer& w, const std::string& s) {
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

void writeMapping(Writer& w, const SheetLayout& layout) {
  w.StartObject();
  for (const LedgerField& f : ledgerFields()) {
    w.Key(f.key);
    auto it = layout.mapping.find(f.key);
    if (it == layout.mapping.end())
      w.Null();
    else
      str(w, columnLetters(it->second));
  }
  w.EndObject();
}

void writeRows(Writer& w, const std::vector<int64_t>& rows) {
  w.StartArray();
  for (int64_t r : rows) w.Int64(r);
  w.EndArray();
}

void writeNames(Writer& w, const NameReport& names) {
  w.StartObject();
  w.Key("matched");
  w.StartArray();
  for (const NameMatch& m : names.matched) {
    w.StartObject();
    w.Key("kind");
    str(w, m.kind);
    w.Key("spelling");
    str(w, m.spelling);
    w.Key("id");
    str(w, m.id);
    w.Key("name");
    str(w, m.name);
    w.Key("rows");
    writeRows(w, m.rows);
    w.EndObject();
  }
  w.EndArray();
  w.Key("proposed_merges");
  w.StartArray();
  for (const NameMerge& m : names.proposedMerges) {
    w.StartObject();
    w.Key("kind");
    str(w, m.kind);
    w.Key("spellings");
    w.StartArray();
    for (const std::string& s : m.spellings) str(w, s);
    w.EndArray();
    w.Key("rows");
    writeRows(w, m.rows);
    w.Key("existing_id");
    if (m.existingId.empty())
      w.Null();
    else
      str(w, m.existingId);
    w.Key("message");
    str(w, m.message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// What the clerk sees and what runs: the sheet read, its layout and the rows converted.
struct Prepared {
  SheetData sheet;
  SheetLayout layout;
  std::vector<ImportRow> rows;
  std::vector<int64_t> emptyRows;
  NameReport names;
};

void convert(App& app, const std::string& countyId, const std::string& defaultChannel,
             Prepared& p) {
  if (p.layout.headerRow == 0)
    throw Error(ErrorCode::InvalidInput,
                "在前 " + std::to_string(kHeaderSearchRows) +
                    " 行中找不到表头（至少要有“投诉时间”“投诉内容”等两列的标题），请用 header_row "
                    "指明表头所在行");
  p.rows = convertRows(p.sheet, p.layout, defaultChannel, p.emptyRows);
  p.names = resolveNames(app.db().reader(), countyId, p.rows);
}

std::string viewJson(App& app, const CurrentUser& user, const Upload& u, const Prepared& p) {
  // The first rows checked as the import would check them, storing nothing.
  ImportRequest preview;
  preview.source = u.name;
  preview.dryRun = true;
  for (size_t i = 0; i < p.rows.size() && i < kPreviewRows; ++i) preview.rows.push_back(p.rows[i]);
  ImportReport checked;
  if (!preview.rows.empty()) checked = importLedger(app, user, preview);
  std::map<int64_t, std::string> errorOf, skipOf;
  for (const ImportRowError& e : checked.errors) errorOf[e.row] = e.error;
  for (const ImportSkip& s : checked.skipped) skipOf[s.row] = s.reason;

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("id");
  str(w, u.id);
  w.Key("name");
  str(w, u.name);
  w.Key("format");
  str(w, p.sheet.format);
  w.Key("encoding");
  str(w, p.sheet.encoding);
  w.Key("sheet");
  if (p.sheet.format == "xlsx")
    str(w, p.sheet.sheet);
  else
    w.Null();
  w.Key("sheets");
  w.StartArray();
  for (const std::string& s : p.sheet.sheets) str(w, s);
  w.EndArray();
  w.Key("expires_at");
  str(w, formatCst(u.expiresAt));
  w.Key("header_row");
  w.Int64(p.layout.headerRow);
  w.Key("data_rows");
  w.Int64(static_cast<int64_t>(p.rows.size()));
  w.Key("columns");
  w.StartArray();
  for (size_t c = 0; c < p.layout.headers.size(); ++c) {
    w.StartObject();
    w.Key("column");
    str(w, columnLetters(c));
    w.Key("header");
    str(w, p.layout.headers[c]);
    w.Key("field");
    std::string field;
    for (const auto& [k, col] : p.layout.mapping)
      if (col == static_cast<int>(c)) field = k;
    if (field.empty())
      w.Null();
    else
      str(w, field);
    w.EndObject();
  }
  w.EndArray();
  w.Key("fields");
  w.StartArray();
  for (const LedgerField& f : ledgerFields()) {
    w.StartObject();
    w.Key("key");
    str(w, f.key);
    w.Key("label");
    str(w, f.label);
    w.EndObject();
  }
  w.EndArray();
  w.Key("mapping");
  writeMapping(w, p.layout);
  w.Key("preview");
  w.StartArray();
  for (const ImportRow& r : preview.rows) {
    w.StartObject();
    w.Key("row");
    w.Int64(r.row);
    w.Key("values");
    w.StartObject();
    const std::pair<const char*, const std::string*> values[] = {
        {"external_ref", &r.externalRef},
        {"complainant_name", &r.complainantName},
        {"complainant_contact", &r.complainantContact},
        {"received_at", &r.receivedAt},
        {"content", &r.content},
        {"estate_name", &r.estateName},
        {"estate_id", &r.estateId},
        {"company_name", &r.companyName},
        {"company_id", &r.companyId},
        {"location", &r.location},
        {"channel", &r.channel}};
    for (const auto& [k, v] : values)
      if (!v->empty()) {
        w.Key(k);
        str(w, *v);
      }
    w.EndObject();
    w.Key("status");
    str(w, errorOf.count(r.row) ? "error" : skipOf.count(r.row) ? "skip" : "ok");
    w.Key("message");
    if (errorOf.count(r.row))
      str(w, errorOf[r.row]);
    else if (skipOf.count(r.row))
      str(w, skipOf[r.row]);
    else
      w.Null();
    w.EndObject();
  }
  w.EndArray();
  w.Key("empty_rows");
  writeRows(w, p.emptyRows);
  w.Key("names");
  writeNames(w, p.names);
  w.EndObject();
  return buf.GetString();
}

std::string newUploadId() {
  unsigned char bytes[12];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return std::string("imp-") + hex;
}

// The mapping the clerk sent: {"field": "C" or null, ...}; fields left out are not mapped.
std::map<std::string, int> readMapping(const rapidjson::Value& v, size_t columns) {
  if (!v.IsObject()) throw Error(ErrorCode::InvalidInput, "'mapping' must be an object");
  std::map<std::string, int> mapping;
  std::map<int, std::string> fieldOf;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    const std::string key(it->name.GetString(), it->name.GetStringLength());
    bool known = false;
    for (const LedgerField& f : ledgerFields()) known = known || key == f.key;
    if (!known) throw Error(ErrorCode::InvalidInput, "mapping 中有未知字段 '" + key + "'");
    if (it->value.IsNull()) continue;
    if (!it->value.IsString())
      throw Error(ErrorCode::InvalidInput, "'mapping." + key + "' must be a column letter or null");
    const std::string letters(it->value.GetString(), it->value.GetStringLength());
    const int c = columnIndex(letters);
    if (c < 0 || static_cast<size_t>(c) >= std::max(columns, size_t{1}) ||
        static_cast<size_t>(c) >= kMaxSheetColumns)
      throw Error(ErrorCode::InvalidInput,
                  "'mapping." + key + "' 的列“" + letters + "”不在表格范围内");
    if (auto [at, fresh] = fieldOf.emplace(c, key); !fresh)
      throw Error(ErrorCode::InvalidInput,
                  "第 " + letters + " 列同时映射到了 '" + at->second + "' 和 '" + key + "'");
    mapping[key] = c;
  }
  for (const char* required : {"received_at", "content"})
    if (!mapping.count(required))
      throw Error(ErrorCode::InvalidInput,
                  std::string("mapping 缺少必填字段 '") + required + "'（" +
                      (std::string(required) == "content" ? "投诉内容" : "投诉时间") + "）");
  return mapping;
}

}  // namespace

std::string createUpload(App& app, const CurrentUser& user, std::string_view name,
                         std::string_view sheet, std::string_view bytes) {
  requireImporter(app, user);
  if (name.empty()) throw Error(ErrorCode::InvalidInput, "请用 ?name= 给出文件名");
  if (name.size() > kMaxImportSourceBytes)
    throw Error(ErrorCode::InvalidInput,
                "文件名超过 " + std::to_string(kMaxImportSourceBytes) + " 字节");
  if (bytes.size() > kMaxUploadBytes)
    throw Error(ErrorCode::InvalidInput, "文件过大（" + std::to_string(bytes.size()) +
                                             " 字节），上限为 " +
                                             std::to_string(kMaxUploadBytes >> 20) + " MiB");
  const bool namedXlsx = name.size() >= 5 && (name.ends_with(".xlsx") || name.ends_with(".XLSX"));
  if (namedXlsx && !bytes.starts_with("PK"))
    throw Error(ErrorCode::InvalidInput,
                "文件名是 .xlsx，但内容不是 xlsx（ZIP）文件；旧版 .xls 请先另存为 .xlsx 或 CSV");
  // Read it now: a file that cannot be read is refused before anything is stored.
  Prepared p;
  p.sheet = readSheetFile(bytes, sheet);

  Upload u;
  u.id = newUploadId();
  u.name = std::string(name);
  u.sheet = p.sheet.sheet;
  const int64_t now = app.now();
  u.expiresAt = now + kUploadLifetimeSeconds;
  app.db().write([&](SQLite::Database& tx) {
    SQLite::Statement purge(tx, "DELETE FROM import_uploads WHERE expires_at <= ?");
    purge.bind(1, now);
    purge.exec();
    SQLite::Statement trim(tx,
                           "DELETE FROM import_uploads WHERE user_id = ?1 AND id NOT IN "
                           "(SELECT id FROM import_uploads WHERE user_id = ?1 "
                           "ORDER BY created_at DESC, rowid DESC LIMIT ?2)");
    trim.bind(1, user.id);
    trim.bind(2, kMaxUploadsPerUser - 1);
    trim.exec();
    SQLite::Statement ins(tx,
                          "INSERT INTO import_uploads(id, user_id, unit_id, name, sheet, format, "
                          "size, data, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?)");
    ins.bind(1, u.id);
    ins.bind(2, user.id);
    ins.bind(3, user.unitId);
    ins.bind(4, u.name);
    ins.bind(5, u.sheet);
    ins.bind(6, p.sheet.format);
    ins.bind(7, static_cast<int64_t>(bytes.size()));
    ins.bind(8, bytes.data(), static_cast<int>(bytes.size()));
    ins.bind(9, now);
    ins.bind(10, u.expiresAt);
    ins.exec();
    appendAudit(tx, {now, user.id, user.unitId, "import.upload", "upload:" + u.id,
                     "上传投诉台账：" + u.name + "（" + p.sheet.format + "，" +
                         std::to_string(p.sheet.rows.size()) + " 行有内容）"});
  });
  return uploadView(app, user, u.id, {}, std::nullopt);
}

std::string uploadView(App& app, const CurrentUser& user, const std::string& id,
                       std::string_view sheet, std::optional<int64_t> headerRow) {
  const std::string countyId = requireImporter(app, user);
  const Upload u = loadUpload(app, user, id);
  Prepared p;
  p.sheet = readSheetFile(u.bytes, sheet.empty() ? std::string_view(u.sheet) : sheet);
  p.layout = headerRow ? layoutAt(p.sheet, *headerRow) : detectLayout(p.sheet);
  if (p.layout.headerRow != 0) convert(app, countyId, "", p);
  return viewJson(app, user, u, p);
}

std::string runUpload(App& app, const CurrentUser& user, const std::string& id,
                      std::string_view body, const ImportHooks& hooks) {
  const std::string countyId = requireImporter(app, user);
  const JsonBody b(body);
  const std::string sheetName = b.optString("sheet", 200).value_or("");
  const std::optional<int64_t> headerRow = b.optInteger("header_row", 1, 1048576);
  const std::string defaultChannel = b.optString("default_channel", 32).value_or("");
  if (!defaultChannel.empty() && !channelKeyFromLabel(defaultChannel))
    throw Error(ErrorCode::InvalidInput, "无法识别的 default_channel '" + defaultChannel + "'");

  const Upload u = loadUpload(app, user, id);
  Prepared p;
  p.sheet = readSheetFile(u.bytes, sheetName.empty() ? std::string_view(u.sheet) : sheetName);
  p.layout = headerRow ? layoutAt(p.sheet, *headerRow) : detectLayout(p.sheet);
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());  // JsonBody has checked it is one object
  if (doc.HasMember("mapping") && !doc["mapping"].IsNull())
    p.layout.mapping = readMapping(doc["mapping"], p.layout.headers.size());
  convert(app, countyId, defaultChannel.empty() ? "" : *channelKeyFromLabel(defaultChannel), p);

  ImportRequest request;
  request.source = u.name;
  request.dryRun = b.optBoolean("dry_run").value_or(false);
  request.allOrNothing = b.optBoolean("all_or_nothing").value_or(false);
  request.rows = p.rows;
  if (request.rows.empty())
    throw Error(ErrorCode::InvalidInput, "表头（第 " + std::to_string(p.layout.headerRow) +
                                             " 行）下面没有数据行，没有可导入的内容");
  if (request.rows.size() > kMaxImportRows)
    throw Error(ErrorCode::InvalidInput,
                "数据行超过 " + std::to_string(kMaxImportRows) + " 行，请拆分后分批导入");
  const ImportReport report = importLedger(app, user, request, hooks);

  // The import's own report, with where the rows came from and what the names matched.
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("upload_id");
  str(w, u.id);
  w.Key("source");
  str(w, u.name);
  w.Key("header_row");
  w.Int64(p.layout.headerRow);
  w.Key("mapping");
  writeMapping(w, p.layout);
  w.Key("rows");
  w.Int64(static_cast<int64_t>(p.rows.size()));
  w.Key("empty_rows");
  writeRows(w, p.emptyRows);
  w.Key("names");
  writeNames(w, p.names);
  w.Key("report");
  const std::string inner = importReportJson(report);
  w.RawValue(inner.c_str(), inner.size(), rapidjson::kObjectType);
  w.EndObject();
  return buf.GetString();
}

}  // namespace pcs::server
