// The complaint ledger as CSV and .xlsx (export.h).
//
// Sections: columns | one case, one row | the ledger | CSV | xlsx | file names
#include "export.h"

#include <SQLiteCpp/Transaction.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "case_view.h"
#include "pcs/error.h"
#include "pcs/identity.h"
#include "pcs/utf8.h"
#include "reference_store.h"

namespace pcs::server {

// ---- columns --------------------------------------------------------------------------------

namespace {

struct Column {
  const char* header;
  double width;  // in characters of the default font; a CJK character counts about two
  bool wrap;     // long free text: wrapped in the workbook
};

// The layout a county office keeps its ledger in; the order is the order of the file.
constexpr std::array<Column, kLedgerColumns> kColumns = {{
    {"案件编号", 13, false},     {"投诉人", 9, false},        {"联系方式", 15, false},
    {"投诉时间", 17, false},     {"投诉渠道", 10, false},     {"投诉内容", 50, true},
    {"小区", 14, false},         {"物业服务企业", 28, false}, {"所属县（区）", 12, false},
    {"街道（乡镇）", 12, false}, {"承办单位", 24, true},      {"紧急", 6, false},
    {"状态", 9, false},          {"分转时限", 17, false},     {"办理时限", 12, false},
    {"剩余/逾期", 14, false},    {"是否属实", 9, false},      {"办结情况", 40, true},
    {"回访结果", 10, false},     {"销号时间", 17, false},
}};

}  // namespace

const LedgerRow& ledgerHeader() {
  static const LedgerRow header = [] {
    LedgerRow h;
    for (size_t i = 0; i < kLedgerColumns; ++i) h[i] = kColumns[i].header;
    return h;
  }();
  return header;
}

// ---- one case, one row ----------------------------------------------------------------------

namespace {

// Estate and company names, read once per export: a ledger names the same few hundred estates
// thousands of times.
class NameCache {
 public:
  explicit NameCache(SQLite::Database& db) : db_(db) {}

  const std::string& estate(const std::string& id) {
    return lookup(estates_, id, [&] {
      auto e = ReferenceStore::estate(db_, id);
      return e ? e->name : id;
    });
  }
  const std::string& company(const std::string& id) {
    return lookup(companies_, id, [&] {
      auto c = ReferenceStore::company(db_, id);
      return c ? c->name : id;
    });
  }

 private:
  template <class Fn>
  const std::string& lookup(std::map<std::string, std::string>& cache, const std::string& id,
                            Fn&& read) {
    static const std::string none;
    if (id.empty()) return none;
    auto it = cache.find(id);
    if (it == cache.end()) it = cache.emplace(id, read()).first;
    return it->second;
  }

  SQLite::Database& db_;
  std::map<std::string, std::string> estates_, companies_;
};

// A unit's name as it was when the case was registered, as the case view shows it.
std::string unitName(const Reference& ref, const std::string& id, int64_t at) {
  if (id.empty()) return "";
  const OrgUnit* u = ref.org.find(id);
  return u ? u->nameAt(at) : id;
}

bool handlingDone(AssignmentState s) {
  return s == AssignmentState::Resolved || s == AssignmentState::CoSigned ||
         s == AssignmentState::UnderReview || s == AssignmentState::Closed;
}

// The case's most urgent open deadline, by the rule CaseStore::nextDue() keeps (what the list's
// `overdue` filter compares): the dispatch deadline while Registered; for each live assignment
// its handling deadlines until handled (the plan deadline only until a plan is filed) and its
// penalty clocks until verified and decided. Nothing for a closed or merged case.
const Deadline* mostUrgentDeadline(const Case& c) {
  if (c.state == CaseState::Closed || c.state == CaseState::Merged) return nullptr;
  const Deadline* best = nullptr;
  auto consider = [&](const Deadline* d) {
    if (d && (!best || d->due < best->due)) best = d;
  };
  auto opt = [](const std::optional<Deadline>& d) { return d ? &*d : nullptr; };
  if (c.state == CaseState::Registered && !c.dispatchDue.ruleId.empty()) consider(&c.dispatchDue);
  for (const Assignment& a : c.assignments) {
    if (!a.live()) continue;
    if (!handlingDone(a.state)) {
      consider(opt(a.resolveDue));
      if (a.state == AssignmentState::Dispatched || a.state == AssignmentState::Accepted)
        consider(opt(a.planDue));
      consider(opt(a.progressDue));
    }
    if (a.penalty && a.penalty->outcome.empty()) {
      if (!a.penalty->verified) consider(opt(a.penalty->verifyDue));
      consider(opt(a.penalty->decideDue));
    }
  }
  return best;
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

LedgerRow caseRow(const Case& c, bool clear, const Reference& ref, NameCache& names, Date today) {
  LedgerRow r;
  r[0] = c.id;
  r[1] = clear ? c.complainant.name : maskName(c.complainant.name);
  r[2] = clear ? c.complainant.contact : maskContact(c.complainant.contact);
  r[3] = c.receivedAt ? formatCst(c.receivedAt) : "";
  r[4] = channelZh(c.channel);
  r[5] = c.content;
  r[6] = names.estate(c.estateId);
  r[7] = names.company(c.companyId);
  r[8] = unitName(ref, c.countyId, c.registeredAt);
  r[9] = unitName(ref, c.streetId, c.registeredAt);

  // Live assignments only: a returned one was never this unit's to handle.
  std::vector<std::string> units, answers;
  std::optional<Date> resolveDue;
  size_t live = 0;
  for (const Assignment& a : c.assignments) live += a.live() ? 1 : 0;
  for (const Assignment& a : c.assignments) {
    if (!a.live()) continue;
    const std::string name = unitName(ref, a.unitId, c.registeredAt);
    if (std::find(units.begin(), units.end(), name) == units.end()) units.push_back(name);
    if (a.resolveDue && (!resolveDue || a.resolveDue->due < *resolveDue))
      resolveDue = a.resolveDue->due;
    // With several units, each answer says whose it is.
    if (!a.answer.empty()) answers.push_back(live > 1 ? name + "：" + a.answer : a.answer);
  }
  r[10] = joined(units, "、");
  r[11] = c.urgent ? "是" : "否";
  r[12] = caseStateZh(c.state);
  // An urgent case must be dispatched within hours (T2), so its limit is an instant.
  if (c.urgent && c.dispatchDueAt)
    r[13] = formatCst(c.dispatchDueAt);
  else if (!c.dispatchDue.ruleId.empty())
    r[13] = c.dispatchDue.due.toString();
  r[14] = resolveDue ? resolveDue->toString() : "";
  if (const Deadline* d = mostUrgentDeadline(c)) r[15] = describeDaysLeft(*d, today, ref.calendar);
  if (auto s = c.substantiated()) r[16] = *s ? "属实" : "不属实";
  r[17] = joined(answers, "；");
  if (c.satisfaction) r[18] = satisfactionZh(*c.satisfaction);
  r[19] = c.closedAt ? formatCst(c.closedAt) : "";
  return r;
}

}  // namespace

// ---- the ledger -----------------------------------------------------------------------------

LedgerSummary writeLedger(SQLite::Database& db, const Reference& ref, const LedgerQuery& q,
                          LedgerSink& sink) {
  const Date today = cstDate(q.now);
  // One read transaction: the count, every page and every case come from the same snapshot,
  // so the cap checked below is the number of rows written.
  SQLite::Transaction snapshot(db, SQLite::TransactionBehavior::DEFERRED);

  int64_t matching = 0;
  for (const auto& [state, n] : CaseStore::countByState(db, q.filter, q.visibility, today))
    matching += n;
  if (matching > q.maxRows)
    throw Error(ErrorCode::InvalidInput,
                std::to_string(matching) + " cases match, more than the " +
                    std::to_string(q.maxRows) +
                    " one export may hold; narrow the filter (for example by 'from' and 'to' "
                    "dates, 'county' or 'state') and export in parts");

  // Oversight reads everything and calls no one back (R18).
  const OrgUnit* unit = ref.org.find(q.actor.unitId);
  const bool oversight =
      q.actor.has(Role::Oversight) || (unit && unit->kind == UnitKind::Oversight);

  NameCache names(db);
  LedgerSummary summary;
  sink.row(ledgerHeader());
  CaseFilter f = q.filter;
  f.limit = kExportPageSize;
  f.cursor.clear();
  do {
    const CasePage page = CaseStore::list(db, f, q.visibility, today);
    for (const CaseSummary& s : page.items) {
      const std::optional<StoredCase> stored = CaseStore::load(db, s.id);
      if (!stored) continue;  // cannot happen inside the snapshot; never export a half row
      const bool clear = !oversight && maySeeContact(stored->value, q.actor, ref);
      sink.row(caseRow(stored->value, clear, ref, names, today));
      ++summary.rows;
      if (clear &&
          (!stored->value.complainant.name.empty() || !stored->value.complainant.contact.empty()))
        ++summary.unmasked;
    }
    f.cursor = page.nextCursor;
  } while (!f.cursor.empty());
  return summary;
}

// ---- CSV ------------------------------------------------------------------------------------

bool looksLikeFormula(std::string_view cell) {
  if (cell.empty()) return false;
  const char c = cell.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

std::string csvField(std::string_view cell) {
  std::string value;
  if (looksLikeFormula(cell)) value = "'";
  value += cell;
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (const char ch : value) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  quoted += '"';
  return quoted;
}

CsvLedger::CsvLedger() : text_("\xEF\xBB\xBF") {}

void CsvLedger::row(const LedgerRow& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) text_ += ',';
    text_ += csvField(cells[i]);
  }
  text_ += "\r\n";
}

// ---- xlsx -----------------------------------------------------------------------------------

namespace {

// Excel holds at most 32,767 characters in a cell and libxlsxwriter refuses longer strings.
constexpr size_t kMaxCellChars = 32767;
constexpr std::string_view kCut = "…";

[[noreturn]] void xlsxFailed(const std::string& what, lxw_error e) {
  throw Error(ErrorCode::Unavailable,
              "could not write the .xlsx file (" + what + "): " + lxw_strerror(e));
}

}  // namespace

struct XlsxLedger::Impl {
  std::string tmpdir;
  lxw_workbook* book = nullptr;
  lxw_worksheet* sheet = nullptr;
  lxw_format* bold = nullptr;
  lxw_format* wrap = nullptr;
  lxw_row_t nextRow = 0;
  bool closed = false;
};

XlsxLedger::XlsxLedger(std::string path) : path_(std::move(path)), impl_(new Impl) {
  impl_->tmpdir = std::filesystem::path(path_).parent_path().string();
  // Constant memory: each row goes to a temporary file as soon as the next begins, so a large
  // export holds one row in memory, not the sheet. Strings are then stored inline in the sheet.
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = impl_->tmpdir.empty() ? nullptr : impl_->tmpdir.data();
  impl_->book = workbook_new_opt(path_.c_str(), &options);
  if (impl_->book) impl_->sheet = workbook_add_worksheet(impl_->book, "投诉台账");
  if (!impl_->book || !impl_->sheet) {
    if (impl_->book) workbook_close(impl_->book);
    delete impl_;
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    throw Error(ErrorCode::Unavailable, "could not start the .xlsx file " + path_);
  }

  impl_->bold = workbook_add_format(impl_->book);
  format_set_bold(impl_->bold);
  format_set_align(impl_->bold, LXW_ALIGN_VERTICAL_CENTER);
  impl_->wrap = workbook_add_format(impl_->book);
  format_set_text_wrap(impl_->wrap);
  format_set_align(impl_->wrap, LXW_ALIGN_VERTICAL_TOP);

  for (size_t i = 0; i < kLedgerColumns; ++i) {
    const auto col = static_cast<lxw_col_t>(i);
    worksheet_set_column(impl_->sheet, col, col, kColumns[i].width, nullptr);
  }
  worksheet_freeze_panes(impl_->sheet, 1, 0);
}

XlsxLedger::~XlsxLedger() {
  // A workbook can only be released by closing it, which writes the file; remove it after.
  if (!impl_->closed) workbook_close(impl_->book);
  delete impl_;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

void XlsxLedger::row(const LedgerRow& cells) {
  const lxw_row_t r = impl_->nextRow++;
  for (size_t i = 0; i < kLedgerColumns; ++i) {
    std::string_view text = cells[i];
    std::string cut;
    if (utf8::length(text) > kMaxCellChars) {
      cut = std::string(utf8::prefix(text, kMaxCellChars - 1)) + std::string(kCut);
      text = cut;
    }
    if (text.empty()) continue;
    lxw_format* format = r == 0 ? impl_->bold : kColumns[i].wrap ? impl_->wrap : nullptr;
    // Always a string cell, never a formula or number, whatever the text looks like.
    const lxw_error e = worksheet_write_string(impl_->sheet, r, static_cast<lxw_col_t>(i),
                                               std::string(text).c_str(), format);
    if (e != LXW_NO_ERROR) xlsxFailed("row " + std::to_string(r + 1), e);
  }
}

std::string XlsxLedger::finish() {
  const lxw_row_t last = impl_->nextRow == 0 ? 0 : impl_->nextRow - 1;
  worksheet_autofilter(impl_->sheet, 0, 0, last, static_cast<lxw_col_t>(kLedgerColumns - 1));
  impl_->closed = true;
  const lxw_error e = workbook_close(impl_->book);
  if (e != LXW_NO_ERROR) xlsxFailed("closing " + path_, e);

  std::ifstream in(path_, std::ios::binary);
  if (!in) throw Error(ErrorCode::Unavailable, "could not read back the .xlsx file " + path_);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

// ---- file names -----------------------------------------------------------------------------

std::string exportDisposition(Date day, std::string_view extension) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const std::string name = "投诉台账-" + day.toString() + "." + std::string(extension);
  // RFC 5987: every byte outside the unreserved set percent-encoded.
  std::string encoded;
  for (const char ch : name) {
    const auto b = static_cast<unsigned char>(ch);
    const bool unreserved = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') ||
                            (b >= 'a' && b <= 'z') || ch == '-' || ch == '.' || ch == '_';
    if (unreserved) {
      encoded += ch;
    } else {
      encoded += '%';
      encoded += kHex[b >> 4];
      encoded += kHex[b & 0x0F];
    }
  }
  return "attachment; filename=\"cases-" + day.toString() + "." + std::string(extension) +
         "\"; filename*=UTF-8''" + encoded;
}

}  // namespace pcs::server
