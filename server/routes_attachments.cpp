// Attachments of a case: photos and PDFs uploaded as multipart/form-data, listed with the case
// and downloaded one by one. The bytes live in the `attachments` table; the case record keeps
// the metadata (Case::attachments) so the case view lists them.
//
// httplib reads and parses the whole multipart body before a handler runs (refusing a malformed
// one with 400 and a body over Options::maxBodyBytes with 413), so the handler only sees
// complete parts already bounded in size.
//
// Sections: helpers | upload | list | download | registration
#include <httplib.h>

#include <algorithm>

#include "app.h"
#include "attachments.h"
#include "audit.h"
#include "auth.h"
#include "case_store.h"
#include "json.h"
#include "pcs/error.h"
#include "pcs/serialize.h"
#include "route_util.h"
#include "routes.h"

namespace pcs::server {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr size_t kMaxIdBytes = 64;

// ---- helpers --------------------------------------------------------------------------------

// For the statuses pcs::Error has no code for (413, 415).
void fail(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(errorJson(message), kJson);
}

std::string pathId(const httplib::Request& req, const char* what) {
  const std::string id = req.matches[1];
  if (id.empty() || id.size() > kMaxIdBytes) bad(std::string("bad ") + what);
  return id;
}

Visibility visibilityOf(App& app, const CurrentUser& user) {
  auto ref = app.reference();
  const OrgUnit* unit = ref->org.find(user.unitId);
  if (!unit) throw Error(ErrorCode::Forbidden, "your unit no longer exists");
  return visibilityFor(*unit, ref->org);
}

// A case outside the user's scope is reported as absent, so case numbers cannot be probed.
void requireVisibleCase(App& app, const std::string& caseId, const CurrentUser& user) {
  if (!CaseStore::visible(app.db().reader(), caseId, visibilityOf(app, user)))
    throw Error(ErrorCode::NotFound, "no case " + caseId);
}

// Oversight reads everything and changes nothing (docs/api.md, Roles).
bool oversightOnly(const CurrentUser& user) {
  return std::all_of(user.roles.begin(), user.roles.end(),
                     [](Role r) { return r == Role::Oversight; });
}

// The types this server ever stores; anything else in the table is served as opaque bytes.
const char* servedMime(const std::string& stored) {
  for (const char* m : {"image/jpeg", "image/png", "application/pdf"})
    if (stored == m) return m;
  return "application/octet-stream";
}

// ---- upload ---------------------------------------------------------------------------------

// The one part named `file`, after the checks that need no database. Returns nullptr when the
// response was already written (413, 415).
const httplib::MultipartFormData* checkedFilePart(const httplib::Request& req,
                                                  httplib::Response& res) {
  if (!req.is_multipart_form_data())
    bad("send the file as multipart/form-data with one part named 'file'");
  const auto boundary = multipartBoundary(req.get_header_value("Content-Type"));
  if (!boundary || boundary->empty() || boundary->size() > kMaxBoundaryChars)
    bad("the multipart boundary must be 1 to " + std::to_string(kMaxBoundaryChars) +
        " characters (RFC 2046)");
  const auto [first, last] = req.files.equal_range("file");
  const auto parts = std::distance(first, last);
  if (parts == 0) bad("the form has no part named 'file'");
  if (parts > 1) bad("send one file per request (the form has " + std::to_string(parts) + ")");

  const httplib::MultipartFormData& part = first->second;
  if (part.content.empty()) bad("the file is empty");
  if (part.content.size() > kMaxAttachmentBytes) {
    fail(res, 413,
         "the file has " + std::to_string(part.content.size()) + " bytes; at most " +
             std::to_string(kMaxAttachmentBytes >> 20) + " MiB are accepted");
    return nullptr;
  }
  return &part;
}

void upload(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req);
  const std::string caseId = pathId(req, "case number");
  requireVisibleCase(app, caseId, user);
  if (oversightOnly(user))
    throw Error(ErrorCode::Forbidden, "oversight users read cases and cannot add attachments");

  const httplib::MultipartFormData* part = checkedFilePart(req, res);
  if (!part) return;
  // The content decides the type; the declared type and the name are the sender's claims.
  const std::optional<FileType> type = sniffFileType(part->content);
  if (!type) {
    fail(res, 415,
         std::string("the file is not a ") + acceptedTypesText() +
             " file (judged by its content, not its name or declared type)");
    return;
  }

  const int64_t now = app.now();
  Attachment a;
  a.id = newAttachmentId();
  a.fileName = sanitizeFileName(part->filename, type);
  a.mimeType = type->mime;
  a.size = static_cast<int64_t>(part->content.size());
  a.sha256 = sha256Hex(part->content);
  a.addedAt = now;
  a.addedBy = user.id;

  app.db().write([&](SQLite::Database& tx) {
    auto stored = CaseStore::load(tx, caseId);
    if (!stored) throw Error(ErrorCode::NotFound, "no case " + caseId);
    Case c = stored->value;
    if (c.state == CaseState::Closed || c.state == CaseState::Merged)
      throw Error(ErrorCode::Conflict, "case " + caseId + " is " + caseStateKey(c.state) +
                                           "; attachments can no longer be added");
    SQLite::Statement count(tx, "SELECT COUNT(*) FROM attachments WHERE case_id = ?");
    count.bind(1, caseId);
    count.executeStep();
    if (count.getColumn(0).getInt() >= kMaxAttachmentsPerCase)
      throw Error(ErrorCode::Conflict, "case " + caseId + " already has " +
                                           std::to_string(kMaxAttachmentsPerCase) +
                                           " attachments, the most a case may have");

    c.attachments.push_back(a);
    CaseStore::update(tx, c, stored->version, now);
    SQLite::Statement insert(tx,
                             "INSERT INTO attachments(id, case_id, file_name, mime_type, size, "
                             "sha256, data, added_at, added_by) VALUES (?,?,?,?,?,?,?,?,?)");
    insert.bind(1, a.id);
    insert.bind(2, caseId);
    insert.bind(3, a.fileName);
    insert.bind(4, a.mimeType);
    insert.bind(5, a.size);
    insert.bind(6, a.sha256);
    insert.bindNoCopy(7, static_cast<const void*>(part->content.data()),
                      static_cast<int>(part->content.size()));
    insert.bind(8, a.addedAt);
    insert.bind(9, a.addedBy);
    insert.exec();
    appendAudit(tx, {now, user.id, user.unitId, "case.attachment", "case:" + caseId,
                     "上传附件：" + a.fileName + "（" + std::to_string(a.size) + " 字节，" +
                         a.mimeType + "，SHA-256 " + a.sha256 + "）"});
  });

  res.status = 201;
  res.set_header("Location", "/api/v1/attachments/" + a.id);
  res.set_content(toJsonString(a, "attachment"), kJson);
}

// ---- list -----------------------------------------------------------------------------------

std::vector<Attachment> listAttachments(SQLite::Database& db, const std::string& caseId) {
  SQLite::Statement st(db,
                       "SELECT id, file_name, mime_type, size, sha256, added_at, added_by "
                       "FROM attachments WHERE case_id = ? ORDER BY added_at, rowid");
  st.bind(1, caseId);
  std::vector<Attachment> out;
  while (st.executeStep()) {
    Attachment a;
    a.id = st.getColumn(0).getString();
    a.fileName = st.getColumn(1).getString();
    a.mimeType = st.getColumn(2).getString();
    a.size = st.getColumn(3).getInt64();
    a.sha256 = st.getColumn(4).getString();
    a.addedAt = st.getColumn(5).getInt64();
    a.addedBy = st.getColumn(6).getString();
    out.push_back(std::move(a));
  }
  return out;
}

// ---- download -------------------------------------------------------------------------------

void download(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req);
  const std::string id = pathId(req, "attachment id");
  SQLite::Database& db = app.db().reader();
  SQLite::Statement st(db,
                       "SELECT case_id, file_name, mime_type, data FROM attachments WHERE id = ?");
  st.bind(1, id);
  // An attachment of a case the user may not see does not exist for them either.
  if (!st.executeStep() ||
      !CaseStore::visible(db, st.getColumn(0).getString(), visibilityOf(app, user)))
    throw Error(ErrorCode::NotFound, "no attachment " + id);

  const SQLite::Column data = st.getColumn(3);
  auto bytes = std::make_shared<std::string>(static_cast<const char*>(data.getBlob()),
                                             static_cast<size_t>(data.getBytes()));
  res.set_header("Content-Disposition", contentDisposition(st.getColumn(1).getString()));
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "private, no-store");
  // Opened directly in a tab, a file still runs nothing and loads nothing.
  res.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
  res.set_content_provider(bytes->size(), servedMime(st.getColumn(2).getString()),
                           [bytes](size_t offset, size_t length, httplib::DataSink& sink) {
                             return sink.write(bytes->data() + offset, length);
                           });
}

}  // namespace

// ---- registration ---------------------------------------------------------------------------

void registerAttachmentRoutes(httplib::Server& http, App& app, Auth& auth) {
  http.Post(
      R"(/api/v1/cases/([^/]+)/attachments)",
      [&](const httplib::Request& req, httplib::Response& res) { upload(app, auth, req, res); });

  http.Get(R"(/api/v1/cases/([^/]+)/attachments)", [&](const httplib::Request& req,
                                                       httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req);
    const std::string caseId = pathId(req, "case number");
    requireVisibleCase(app, caseId, user);
    res.set_content(toJsonString(listAttachments(app.db().reader(), caseId), "attachments"), kJson);
  });

  http.Get(
      R"(/api/v1/attachments/([^/]+))",
      [&](const httplib::Request& req, httplib::Response& res) { download(app, auth, req, res); });
}

}  // namespace pcs::server
