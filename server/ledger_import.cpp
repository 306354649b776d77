#include "ledger_import.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sodium.h>

#include <map>
#include <optional>

#include "app.h"
#include "audit.h"
#include "case_store.h"
#include "json_body.h"
#include "pcs/error.h"
#include "pcs/identity.h"
#include "pcs/workflow.h"
#include "reference_store.h"

namespace pcs::server {
namespace {

constexpr size_t kMaxContent = 20000;  // as intake: bytes of complaint text
constexpr int64_t kMaxRowNumber = 100'000'000;

[[noreturn]] void rowError(const std::string& message) {
  throw Error(ErrorCode::InvalidInput, message);
}

// ---- reading --------------------------------------------------------------------------------

ImportRow readRow(const JsonBody& b, int64_t position) {
  ImportRow r;
  r.row = position;
  try {
    r.row = b.optInteger("row", 1, kMaxRowNumber).value_or(position);
    auto get = [&](const char* name, size_t max) { return b.optString(name, max).value_or(""); };
    r.receivedAt = get("received_at", 32);
    r.channel = get("channel", 32);
    r.complainantName = get("complainant_name", 200);
    r.complainantContact = get("complainant_contact", 200);
    r.content = get("content", kMaxContent);
    r.location = get("location", 1000);
    r.estateId = get("estate_id", 100);
    r.estateName = get("estate_name", 200);
    r.companyId = get("company_id", 100);
    r.companyName = get("company_name", 200);
    r.countyId = get("county_id", 100);
    r.externalRef = get("external_ref", 64);
    r.state = get("state", 32);
  } catch (const Error& e) {
    r.readError = e.what();
  }
  return r;
}

// ---- identity -------------------------------------------------------------------------------

// Blanks at either end (ASCII and the ideographic space U+3000) are not part of the text, and a
// spreadsheet's CRLF is the same line break as LF.
std::string normaliseContent(std::string_view text) {
  std::string s;
  s.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i)
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) s += text[i];
  auto blankAt = [&](size_t pos, size_t& len) {
    if (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) {
      len = 1;
      return true;
    }
    if (s.compare(pos, 3, "\xE3\x80\x80") == 0) {
      len = 3;
      return true;
    }
    return false;
  };
  size_t begin = 0, len = 0;
  while (begin < s.size() && blankAt(begin, len)) begin += len;
  size_t end = s.size();
  while (end > begin) {
    if (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\n' || s[end - 1] == '\r')
      --end;
    else if (end - begin >= 3 && s.compare(end - 3, 3, "\xE3\x80\x80") == 0)
      end -= 3;
    else
      break;
  }
  return s.substr(begin, end - begin);
}

// ---- resolving names ------------------------------------------------------------------------

std::string estateLabel(SQLite::Database& db, const std::string& id) {
  auto e = ReferenceStore::estate(db, id);
  if (!e) return id;
  return e->id + "（" + (e->address.empty() ? e->name : e->address) + "）";
}

// The estate called exactly `name`, within `countyId` when one is given.
Estate estateByName(SQLite::Database& db, const OrgTree& org, const std::string& name,
                    const std::string& countyId) {
  SQLite::Statement q(db, countyId.empty()
                              ? "SELECT id FROM estates WHERE name = ? ORDER BY id"
                              : "SELECT id FROM estates WHERE name = ? AND county_id = ? "
                                "ORDER BY id");
  q.bind(1, name);
  if (!countyId.empty()) q.bind(2, countyId);
  std::vector<std::string> ids;
  while (q.executeStep()) ids.push_back(q.getColumn(0).getString());
  const OrgUnit* county = countyId.empty() ? nullptr : org.find(countyId);
  const std::string scope =
      countyId.empty() ? "" : "（在" + (county ? county->name : countyId) + "范围内）";
  if (ids.size() > 1) {
    std::string list;
    for (const std::string& id : ids) list += (list.empty() ? "" : "、") + estateLabel(db, id);
    rowError("小区名称“" + name + "”对应多个小区" + scope + "：" + list + "，请改填 estate_id");
  }
  if (ids.empty()) {
    std::string list;
    for (const Estate& e : ReferenceStore::findEstates(db, name, countyId, 5))
      list += (list.empty() ? "" : "、") + e.name + "（" + e.id + "）";
    rowError("找不到名为“" + name + "”的小区" + scope +
             (list.empty() ? "" : "；名称相近的有：" + list));
  }
  return *ReferenceStore::estate(db, ids.front());
}

std::string companyByName(SQLite::Database& db, const std::string& name) {
  SQLite::Statement q(db, "SELECT id FROM companies WHERE name = ? ORDER BY id");
  q.bind(1, name);
  std::vector<std::string> ids;
  while (q.executeStep()) ids.push_back(q.getColumn(0).getString());
  if (ids.size() > 1) {
    std::string list;
    for (const std::string& id : ids) list += (list.empty() ? "" : "、") + id;
    rowError("企业名称“" + name + "”对应多家企业：" + list + "，请改填 company_id");
  }
  if (ids.empty()) rowError("找不到名为“" + name + "”的物业服务企业");
  return ids.front();
}

std::optional<std::string> importedAs(SQLite::Database& db, const std::string& identity) {
  SQLite::Statement q(db, "SELECT id FROM cases WHERE external_ref = ? ORDER BY seq LIMIT 1");
  q.bind(1, identity);
  if (q.executeStep()) return q.getColumn(0).getString();
  return std::nullopt;
}

// ---- one row --------------------------------------------------------------------------------

struct Draft {
  int64_t row = 0;
  Case value;  // filled as intake fills it, not yet registered
};

// Builds the case a row describes, as intake does; throws pcs::Error saying what is wrong.
Case buildCase(SQLite::Database& db, const OrgTree& org, const ImportRequest& request,
               const ImportRow& r, const std::string& userCountyId) {
  if (!r.readError.empty()) rowError(r.readError);
  Case c;
  if (r.receivedAt.empty()) rowError("必须填写投诉时间 received_at（YYYY-MM-DD HH:MM，北京时间）");
  auto at = parseCst(r.receivedAt);
  if (!at)
    rowError("'received_at' must be a time 'YYYY-MM-DD HH:MM' (Beijing time), got '" +
             r.receivedAt + "'");
  c.receivedAt = *at;
  if (r.channel.empty()) rowError("必须填写受理渠道 channel（如 phone、mailbox、visit）");
  auto ch = channelFromKey(r.channel);
  if (!ch) rowError("unknown channel '" + r.channel + "'");
  c.channel = *ch;
  if (!r.state.empty() && r.state != caseStateKey(CaseState::Registered))
    rowError("只能导入待分转（registered）状态的投诉，本行为 '" + r.state + "'");
  c.complainant.name = r.complainantName;
  c.complainant.contact = r.complainantContact;
  c.complainant.key = complainantKey(c.complainant.name, c.complainant.contact);
  c.content = r.content;
  c.location = r.location;

  // The estate fixes the county, street, community and (unless given) the company.
  if (!r.estateId.empty() || !r.estateName.empty()) {
    Estate estate;
    if (!r.estateId.empty()) {
      auto e = ReferenceStore::estate(db, r.estateId);
      if (!e) rowError("no estate '" + r.estateId + "'");
      estate = *e;
    } else {
      estate = estateByName(db, org, r.estateName, r.countyId.empty() ? userCountyId : r.countyId);
    }
    if (!r.countyId.empty() && r.countyId != estate.countyId)
      rowError("小区 " + estate.name + " 不在所填县（区）" + r.countyId + " 内");
    c.estateId = estate.id;
    c.countyId = estate.countyId;
    c.streetId = estate.streetId;
    c.communityId = estate.communityId;
    c.companyId = estate.companyId;
  } else if (!r.countyId.empty()) {
    c.countyId = r.countyId;
  }
  if (!r.companyId.empty()) {
    if (!ReferenceStore::company(db, r.companyId)) rowError("no company '" + r.companyId + "'");
    c.companyId = r.companyId;
  } else if (!r.companyName.empty()) {
    c.companyId = companyByName(db, r.companyName);
  }
  c.externalRef = r.externalRef.empty() ? importIdentity(importIdentityKey(db), c.receivedAt,
                                                         c.complainant.key, c.content)
                                        : request.source + ":" + r.externalRef;
  return c;
}

bool isPropertyAuthorityUnit(const OrgUnit& u) {
  return u.kind == UnitKind::Department && u.handler == Handler::Housing &&
         (u.level == OrgLevel::City || u.level == OrgLevel::County);
}

}  // namespace

// ---- public ---------------------------------------------------------------------------------

ImportRequest parseImportRequest(std::string_view body) {
  // 5,000 rows of Chinese text can pass 1 MiB; the server's payload limit still bounds it.
  const JsonBody b(body, kMaxImportBodyBytes);
  ImportRequest req;
  req.source = b.string("source", kMaxImportSourceBytes);
  if (req.source.empty()) throw Error(ErrorCode::InvalidInput, "'source' must not be empty");
  req.dryRun = b.optBoolean("dry_run").value_or(false);
  req.allOrNothing = b.optBoolean("all_or_nothing").value_or(false);
  if (!b.has("rows")) throw Error(ErrorCode::InvalidInput, "missing field 'rows'");
  std::vector<JsonBody> rows = b.objects("rows", kMaxImportRows);
  if (rows.empty()) throw Error(ErrorCode::InvalidInput, "'rows' is empty: nothing to import");
  int64_t position = 0;
  for (const JsonBody& row : rows) req.rows.push_back(readRow(row, ++position));
  return req;
}

std::string importIdentityKey(SQLite::Database& db) {
  SQLite::Statement st(db, "SELECT value FROM settings WHERE key = 'import_identity_key'");
  if (!st.executeStep())
    throw Error(ErrorCode::Unavailable, "the import identity key is missing (migration 6)");
  return st.getColumn(0).getString();
}

std::string importIdentity(std::string_view key, int64_t receivedAt,
                           std::string_view complainantKey, std::string_view content) {
  // Length-prefixed fields, so no choice of text can make two different rows hash alike.
  const std::string content2 = normaliseContent(content);
  std::string input = "v1|";
  for (const std::string& f : {std::to_string(receivedAt), std::string(complainantKey), content2})
    input += std::to_string(f.size()) + ":" + f + "|";
  // Keyed (BLAKE2b): without the installation's key nobody can test a guessed telephone number
  // against a stored identity.
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size());
  char hex[crypto_generichash_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return std::string("import:") + hex;
}

std::string requireImporter(App& app, const CurrentUser& user) {
  if (!user.has(Role::IntakeClerk) && !user.has(Role::Dispatcher))
    throw Error(ErrorCode::Forbidden, "批量导入需要受理登记员或分转员角色");
  auto ref = app.reference();
  const OrgUnit* unit = ref->org.find(user.unitId);
  if (!unit || !isPropertyAuthorityUnit(*unit))
    throw Error(ErrorCode::Forbidden, "只有市、县（区）物业主管部门可以导入投诉台账");
  // A county authority's names are looked up in its county; the city's in the whole city.
  return unit->level == OrgLevel::County ? ref->org.areaOf(unit->id).id : "";
}

ImportReport importLedger(App& app, const CurrentUser& user, const ImportRequest& request,
                          const ImportHooks& hooks) {
  const std::string userCountyId = requireImporter(app, user);
  auto ref = app.reference();

  const int64_t now = app.now();
  const WorkflowContext ctx{ref->org, ref->calendar, ref->rules, now};
  const Actor actor = user.actor();
  ImportReport report;
  report.dryRun = request.dryRun;

  // Validate every row first, reading through this thread's reader connection.
  SQLite::Database& db = app.db().reader();
  std::vector<Draft> drafts;
  std::map<std::string, int64_t> firstRowOf;  // identity -> the row that carries it here
  for (const ImportRow& r : request.rows) {
    try {
      Case c = buildCase(db, ref->org, request, r, userCountyId);
      Case probe = c;
      registerCase(probe, actor, ctx);
      if (auto id = importedAs(db, c.externalRef)) {
        report.skipped.push_back({r.row, *id, "skipped: already imported as " + *id});
        continue;
      }
      auto [it, fresh] = firstRowOf.emplace(c.externalRef, r.row);
      if (!fresh) {
        report.skipped.push_back({r.row, "",
                                  "skipped: same complaint as row " + std::to_string(it->second),
                                  it->second});
        continue;
      }
      drafts.push_back({r.row, std::move(c)});
    } catch (const Error& e) {
      report.errors.push_back({r.row, e.what()});
    }
  }
  report.valid = static_cast<int64_t>(drafts.size());
  if (request.dryRun || (request.allOrNothing && !report.errors.empty())) return report;

  // Store every valid row in one transaction; a throw anywhere rolls all of it back.
  app.db().write([&](SQLite::Database& tx) {
    std::map<int64_t, std::string> idOfRow;
    int inserts = 0;
    for (Draft& d : drafts) {
      // Checked again inside the write: another import may have stored the row meanwhile.
      if (auto id = importedAs(tx, d.value.externalRef)) {
        report.skipped.push_back({d.row, *id, "skipped: already imported as " + *id});
        continue;
      }
      if (hooks.failAtInsert > 0 && ++inserts == hooks.failAtInsert)
        throw Error(ErrorCode::Unavailable, "import interrupted (test hook)");
      Case c = d.value;
      c.id = CaseStore::nextCaseId(tx, cstDate(now).year());
      registerCase(c, actor, ctx);
      CaseStore::insert(tx, c, now);
      appendAudit(tx, {now, user.id, user.unitId, "case.register", "case:" + c.id,
                       std::string("受理登记，渠道：") + channelZh(c.channel) + "；批量导入：" +
                           request.source + " 第" + std::to_string(d.row) + "行"});
      report.cases.push_back({d.row, c.id});
      idOfRow[d.row] = c.id;
    }
    // A duplicate within the file names the case its first row became.
    for (ImportSkip& s : report.skipped)
      if (auto it = idOfRow.find(s.sameAsRow); s.sameAsRow && it != idOfRow.end()) {
        s.caseId = it->second;
        s.reason = "skipped: already imported as " + s.caseId + " (row " +
                   std::to_string(s.sameAsRow) + " of this file)";
      }
    report.imported = static_cast<int64_t>(report.cases.size());
    appendAudit(tx,
                {now, user.id, user.unitId, "case.import", "ledger:" + request.source,
                 "批量导入台账：" + request.source + "；共" + std::to_string(request.rows.size()) +
                     "行，导入" + std::to_string(report.imported) + "件，跳过" +
                     std::to_string(report.skipped.size()) + "行，错误" +
                     std::to_string(report.errors.size()) + "行"});
  });
  report.stored = true;
  return report;
}

std::string importReportJson(const ImportReport& report) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("imported");
  w.Int64(report.imported);
  w.Key("skipped");
  w.Int64(static_cast<int64_t>(report.skipped.size()));
  w.Key("valid");
  w.Int64(report.valid);
  w.Key("stored");
  w.Bool(report.stored);
  w.Key("dry_run");
  w.Bool(report.dryRun);
  w.Key("errors");
  w.StartArray();
  for (const ImportRowError& e : report.errors) {
    w.StartObject();
    w.Key("row");
    w.Int64(e.row);
    w.Key("error");
    w.String(e.error.c_str(), static_cast<rapidjson::SizeType>(e.error.size()));
    w.EndObject();
  }
  w.EndArray();
  w.Key("skipped_rows");
  w.StartArray();
  for (const ImportSkip& s : report.skipped) {
    w.StartObject();
    w.Key("row");
    w.Int64(s.row);
    w.Key("id");
    if (s.caseId.empty())
      w.Null();
    else
      w.String(s.caseId.c_str());
    w.Key("reason");
    w.String(s.reason.c_str(), static_cast<rapidjson::SizeType>(s.reason.size()));
    w.EndObject();
  }
  w.EndArray();
  w.Key("cases");
  w.StartArray();
  for (const ImportedCase& c : report.cases) {
    w.StartObject();
    w.Key("row");
    w.Int64(c.row);
    w.Key("id");
    w.String(c.id.c_str());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

}  // namespace pcs::server
