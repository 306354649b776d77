// Cases in SQLite (case_store.h).
//
// Sections:
//   1. derived columns   nextDue() and the per-assignment due date the columns copy
//   2. full text         how terms are spelled in cases_fts, and the MATCH expression
//   3. visibility        visibilityFor(): which units see what
//   4. query building    filters, visibility and keyset paging as one WHERE clause
//   5. writes            nextCaseId, insert, update (version checked)
//   6. reads             load, visible, list, countByState
//
// Rules this file keeps:
//   - Every column beside `data` is recomputed from the Case on every write; nothing else
//     writes them, so they never drift from the record.
//   - User input reaches SQL only as bound parameters, and FTS5 only as quoted tokens of
//     [0-9a-z].
//   - The full-text row of a case has rowid = cases.seq.
#include "case_store.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "case_store_sql.h"
#include "db.h"
#include "pcs/error.h"
#include "pcs/serialize.h"
#include "pcs/text_search.h"
#include "pcs/utf8.h"
#include "route_util.h"

namespace pcs::server {

// ---------------------------------------------------------------------------------------------
// 1. derived columns

namespace {

// An assignment whose work is done on the handler's side: it waits for co-signing, review or
// nothing at all, so its handling deadlines no longer run.
bool handlingDone(AssignmentState s) {
  return s == AssignmentState::Resolved || s == AssignmentState::CoSigned ||
         s == AssignmentState::UnderReview || s == AssignmentState::Closed;
}

void earliest(std::optional<int32_t>& best, const std::optional<Deadline>& d) {
  if (!d) return;
  const int32_t day = d->due.dayNumber();
  if (!best || day < *best) best = day;
}

// The earliest open deadline of one live assignment: its handling deadlines while it is being
// handled (the plan deadline T5 only until a plan is filed), and its penalty clocks until the
// penalty is verified (T7) and decided (T8/T9), whatever the handling state.
std::optional<int32_t> assignmentDue(const Assignment& a) {
  std::optional<int32_t> best;
  if (!a.live()) return best;
  if (!handlingDone(a.state)) {
    earliest(best, a.resolveDue);
    if (a.state == AssignmentState::Dispatched || a.state == AssignmentState::Accepted)
      earliest(best, a.planDue);
    earliest(best, a.progressDue);
  }
  if (a.penalty && a.penalty->outcome.empty()) {
    if (!a.penalty->verified) earliest(best, a.penalty->verifyDue);
    earliest(best, a.penalty->decideDue);
  }
  return best;
}

// Answered late (答复超期, R13): resolved on a day after its resolve deadline.
bool answeredLate(const Assignment& a) {
  return a.live() && a.resolvedAt > 0 && a.resolveDue && cstDate(a.resolvedAt) > a.resolveDue->due;
}

bool isFinished(CaseState s) {
  return s == CaseState::Closed || s == CaseState::Merged;
}

}  // namespace

// The rule (what `overdue` and the "due" order use):
//   - a closed or merged case has no open deadline;
//   - while the case is Registered (never dispatched, or every assignment was returned), its
//     dispatch deadline (T1, or the day T2's hours end on) counts;
//   - for every live (not returned) assignment, assignmentDue() above.
// The earliest of these, as a day number.
std::optional<int32_t> CaseStore::nextDue(const Case& c) {
  std::optional<int32_t> best;
  if (isFinished(c.state)) return best;
  if (c.state == CaseState::Registered && !c.dispatchDue.ruleId.empty())
    best = c.dispatchDue.due.dayNumber();
  for (const Assignment& a : c.assignments) {
    const std::optional<int32_t> due = assignmentDue(a);
    if (due && (!best || *due < *best)) best = due;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// 2. full text

namespace case_sql {
namespace {

// Longest search text accepted, in characters: a search is a few words, and each character
// adds a token to the MATCH expression.
constexpr size_t kMaxSearchChars = 100;

// Terms are stored in cases_fts spelled as plain ASCII words: "w" + the word for an ASCII
// word, "x" + the hex of the UTF-8 bytes for CJK characters (漏水 -> xe6bc8fe6b0b4); the
// prefixes keep the two kinds apart (the word "xe6" is stored as "wxe6"). The table's unicode61
// tokenizer then keeps every term whole and unchanged, whatever Unicode tables and folding
// rules the SQLite build carries, and a MATCH expression holds nothing but [0-9a-z] inside
// its quotes.
std::string spellTerm(std::string_view term) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  if (!term.empty() && static_cast<unsigned char>(term.front()) < 0x80) {
    out = "w";
    out += term;
    return out;
  }
  out.reserve(1 + 2 * term.size());
  out += 'x';
  for (const char ch : term) {
    const auto b = static_cast<unsigned char>(ch);
    out += kHex[b >> 4];
    out += kHex[b & 0x0F];
  }
  return out;
}

size_t codePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

}  // namespace

std::string ftsTerms(const Case& c) {
  std::string out;
  for (std::string_view text : {std::string_view(c.content), std::string_view(c.location)})
    for (const std::string& term : indexTerms(text)) {
      if (!out.empty()) out += ' ';
      out += spellTerm(term);
    }
  return out;
}

std::string ftsMatch(std::string_view text) {
  if (codePoints(text) > kMaxSearchChars)
    throw Error(ErrorCode::InvalidInput,
                "搜索内容过长（最多" + std::to_string(kMaxSearchChars) + "个字）");
  // One quoted phrase per run of the query; a phrase's tokens must be consecutive terms, and
  // indexTerms() writes a run's bigrams consecutively, so a phrase matches exactly the texts
  // holding the run as a substring.
  std::string match;
  for (const std::vector<std::string>& group : searchPhrases(text)) {
    std::string phrase;
    for (const std::string& token : group) {
      if (!phrase.empty()) phrase += ' ';
      phrase += spellTerm(token);
    }
    // Spelled terms are [0-9a-z] only; the doubling keeps the quoting right regardless.
    std::string quoted = "\"";
    for (const char ch : phrase) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    quoted += '"';
    if (!match.empty()) match += " AND ";
    match += quoted;
  }
  return match;
}

}  // namespace case_sql

// ---------------------------------------------------------------------------------------------
// 3. visibility

// Who sees what (R13, R17). Every unit also sees the cases it owns or is assigned
// (assignedUnitId), whatever else it sees.
//   city housing authority, city oversight, city party committee and government: everything
//   city 12345: cases from the 12345 channel, and cases assigned to any 12345 unit
//   other city departments: cases assigned to their handler in any county (they review their
//     county counterparts' work, R8)
//   county housing, county oversight, county party committee and government: the county's cases
//   county 12345: the county's cases from the 12345 channel (countyId and channel together:
//     see the note in section 4)
//   other county departments: their own assignments only
//   street office: the street's cases; community: the community's cases
//   an inactive unit: nothing
Visibility visibilityFor(const OrgUnit& unit, const OrgTree& org) {
  Visibility v;
  if (!unit.active) return v;
  v.assignedUnitId = unit.id;
  const bool housing = unit.kind == UnitKind::Department && unit.handler == Handler::Housing;
  const bool overseer = unit.kind == UnitKind::Oversight || unit.kind == UnitKind::PartyGovernment;
  const bool hotline = unit.kind == UnitKind::Department && unit.handler == Handler::Hotline12345;

  switch (unit.level) {
    case OrgLevel::City:
      if (housing || overseer) {
        v = Visibility{};
        v.all = true;
      } else if (hotline) {
        v.channel = channelKey(Channel::Hotline12345);
        v.assignedHandler = std::string(handlerKey(Handler::Hotline12345));
      } else if (unit.kind == UnitKind::Department && unit.handler) {
        v.assignedHandler = std::string(handlerKey(*unit.handler));
      }
      break;
    case OrgLevel::County: {
      const OrgUnit* county = org.ancestorAt(unit.id, OrgLevel::County);
      if (!county) break;
      if (housing || overseer) {
        v.countyId = county->id;
      } else if (hotline) {
        v.countyId = county->id;
        v.channel = channelKey(Channel::Hotline12345);
      }
      break;
    }
    case OrgLevel::Street:
      if (unit.kind == UnitKind::Area) v.streetId = unit.id;
      break;
    case OrgLevel::Community:
      if (unit.kind == UnitKind::Area) v.communityId = unit.id;
      break;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// 4. query building

namespace case_sql {
namespace {

constexpr int kMaxLimit = 500;
// A cursor is a few numbers; anything longer is not one of ours.
constexpr size_t kMaxCursorLength = 64;

const std::array<CaseState, 5> kOpenStates = {CaseState::Registered, CaseState::Dispatched,
                                              CaseState::InProgress, CaseState::Resolved,
                                              CaseState::UnderReview};
const std::array<CaseState, 2> kFinishedStates = {CaseState::Closed, CaseState::Merged};
const std::array<CaseState, 7> kAllStates = {
    CaseState::Registered,  CaseState::Dispatched, CaseState::InProgress, CaseState::Resolved,
    CaseState::UnderReview, CaseState::Closed,     CaseState::Merged};

// --- cursors: base64url of "n:<seq>" (newest) or "d:<due>:<seq>" (due; <due> empty = none) ---

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (const char ch : in) {
    acc = (acc << 8) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kB64[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kB64[(acc << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::string> unbase64url(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (const char ch : in) {
    const char* p = std::find(kB64, kB64 + 64, ch);
    if (p == kB64 + 64 || ch == '\0') return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::optional<int64_t> parseInt(std::string_view s) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

struct Position {
  std::optional<int64_t> due;  // "due" order only
  int64_t seq = 0;
};

[[noreturn]] void badCursor() {
  throw Error(ErrorCode::InvalidInput, "分页游标无效，请从第一页重新查询");
}

Position parseCursor(const std::string& cursor, bool byDue) {
  if (cursor.size() > kMaxCursorLength) badCursor();
  const std::optional<std::string> text = unbase64url(cursor);
  if (!text) badCursor();
  const std::string_view t = *text;
  Position p;
  if (!byDue) {
    if (t.substr(0, 2) != "n:") badCursor();
    const auto seq = parseInt(t.substr(2));
    if (!seq) badCursor();
    p.seq = *seq;
    return p;
  }
  if (t.substr(0, 2) != "d:") badCursor();
  const size_t colon = t.find(':', 2);
  if (colon == std::string_view::npos) badCursor();
  const std::string_view due = t.substr(2, colon - 2);
  const auto seq = parseInt(t.substr(colon + 1));
  if (!seq) badCursor();
  p.seq = *seq;
  if (!due.empty()) {
    p.due = parseInt(due);
    if (!p.due) badCursor();
  }
  return p;
}

std::string makeCursor(const CaseSummary& last, int64_t seq, bool byDue) {
  if (!byDue) return base64url("n:" + std::to_string(seq));
  return base64url("d:" + (last.nextDue ? std::to_string(*last.nextDue) : std::string()) + ":" +
                   std::to_string(seq));
}

// --- WHERE clauses -----------------------------------------------------------------------------

struct Where {
  std::vector<std::string> clauses;  // ANDed
  std::vector<std::variant<int64_t, std::string>> params;

  void add(std::string clause) { clauses.push_back(std::move(clause)); }
  void bind(int64_t v) { params.emplace_back(v); }
  void bind(std::string v) { params.emplace_back(std::move(v)); }

  template <size_t N>
  std::string stateIn(const std::array<CaseState, N>& states) {
    std::string sql = "c.state IN (";
    for (size_t i = 0; i < N; ++i) {
      sql += i ? ",?" : "?";
      bind(std::string(caseStateKey(states[i])));
    }
    return sql + ")";
  }

  std::string sql() const {
    if (clauses.empty()) return "";
    std::string out = " WHERE ";
    for (size_t i = 0; i < clauses.size(); ++i) out += (i ? " AND " : "") + clauses[i];
    return out;
  }
};

// Cases with an assignment to a unit or a handler. Written as `seq IN (subquery)` rather than
// a correlated EXISTS: SQLite then runs the subquery once on the assignments indexes and looks
// the cases up by rowid, and can combine such scopes with the other indexed scopes of an OR
// (MULTI-INDEX OR). Without statistics it plans a correlated EXISTS as a probe of the unit's
// whole assignment list for every case scanned.
const char* const kAssignedUnit = "c.seq IN (SELECT case_seq FROM assignments WHERE unit_id = ?)";
const char* const kAssignedHandler =
    "c.seq IN (SELECT case_seq FROM assignments WHERE handler = ?)";

// The filter's conditions, each ANDed. States are listed with IN (never NOT IN) so the
// (county_id, state, next_due) and (state, next_due) indexes serve them.
void addFilter(Where& w, const CaseFilter& f, Date today) {
  const auto equal = [&w](const char* column, const std::string& value) {
    if (value.empty()) return;
    w.add(std::string("c.") + column + " = ?");
    w.bind(value);
  };
  equal("county_id", f.countyId);
  equal("street_id", f.streetId);
  equal("estate_id", f.estateId);
  equal("company_id", f.companyId);
  if (!f.unitId.empty()) {
    w.add(kAssignedUnit);
    w.bind(f.unitId);
  }
  if (!f.handler.empty()) {
    w.add(kAssignedHandler);
    w.bind(f.handler);
  }

  if (!f.states.empty()) {
    for (const std::string& key : f.states) {
      const bool known = std::any_of(kAllStates.begin(), kAllStates.end(),
                                     [&](CaseState s) { return key == caseStateKey(s); });
      if (!known) throw Error(ErrorCode::InvalidInput, "未知的案件状态：" + key);
    }
    // Each state once, however often the request names it.
    std::string sql;
    for (const CaseState s : kAllStates) {
      if (std::find(f.states.begin(), f.states.end(), caseStateKey(s)) == f.states.end()) continue;
      sql += sql.empty() ? "c.state IN (?" : ",?";
      w.bind(std::string(caseStateKey(s)));
    }
    w.add(sql + ")");
  }
  if (f.urgent) {
    w.add("c.urgent = ?");
    w.bind(int64_t{*f.urgent ? 1 : 0});
  }
  if (f.open) w.add(*f.open ? w.stateIn(kOpenStates) : w.stateIn(kFinishedStates));
  if (f.overdue) {
    // Overdue: open, with its earliest deadline before today.
    if (*f.overdue) {
      w.add(w.stateIn(kOpenStates));
      w.add("c.next_due < ?");
      w.bind(int64_t{today.dayNumber()});
    } else {
      std::string sql =
          "(" + w.stateIn(kFinishedStates) + " OR c.next_due IS NULL OR c.next_due >= ?)";
      w.bind(int64_t{today.dayNumber()});
      w.add(std::move(sql));
    }
  }
  // Oversight flags (R13, R17).
  if (f.notHandled) {
    // Dispatched to a unit that has not accepted it within its deadline.
    w.add(w.stateIn(kOpenStates));
    w.add("c.seq IN (SELECT case_seq FROM assignments WHERE state = 'dispatched' AND due < ?)");
    w.bind(int64_t{today.dayNumber()});
  }
  if (f.minReturns > 0) {
    w.add("c.returns >= ?");
    w.bind(int64_t{f.minReturns});
  }
  if (f.answeredLate) w.add("c.seq IN (SELECT case_seq FROM assignments WHERE answered_late = 1)");
  if (f.receivedFrom > 0) {
    w.add("c.received_at >= ?");
    w.bind(f.receivedFrom);
  }
  if (f.receivedTo > 0) {
    w.add("c.received_at < ?");
    w.bind(f.receivedTo);
  }
  if (!f.text.empty()) {
    const std::string match = ftsMatch(f.text);
    if (match.empty()) {
      // Punctuation only: nothing can match, and listing everything would mislead.
      w.add("0");
    } else {
      w.add("c.seq IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)");
      w.bind(match);
    }
  }
}

// Visibility as one ORed condition. Note on countyId with channel: set together they mean one
// combined scope, "this channel's cases within this county" (the county 12345 centre), not the
// union of both; visibilityFor() never needs the union. With no scope at all nothing is visible.
void addVisibility(Where& w, const Visibility& v) {
  if (v.all) return;
  std::vector<std::string> scopes;
  if (!v.channel.empty()) {
    if (!v.countyId.empty()) {
      scopes.push_back("(c.channel = ? AND c.county_id = ?)");
      w.bind(v.channel);
      w.bind(v.countyId);
    } else {
      scopes.push_back("c.channel = ?");
      w.bind(v.channel);
    }
  } else if (!v.countyId.empty()) {
    scopes.push_back("c.county_id = ?");
    w.bind(v.countyId);
  }
  if (!v.streetId.empty()) {
    scopes.push_back("c.street_id = ?");
    w.bind(v.streetId);
  }
  if (!v.communityId.empty()) {
    scopes.push_back("c.community_id = ?");
    w.bind(v.communityId);
  }
  if (!v.assignedUnitId.empty()) {
    // A unit's own cases: the ones it owns (a property authority) or is assigned.
    scopes.push_back("c.owner_unit_id = ?");
    w.bind(v.assignedUnitId);
    scopes.push_back(kAssignedUnit);
    w.bind(v.assignedUnitId);
  }
  if (!v.assignedHandler.empty()) {
    scopes.push_back(kAssignedHandler);
    w.bind(v.assignedHandler);
  }
  if (scopes.empty()) {
    w.add("0");
    return;
  }
  if (scopes.size() == 1) {
    w.add(scopes.front());
    return;
  }
  std::string sql = "(";
  for (size_t i = 0; i < scopes.size(); ++i) sql += (i ? " OR " : "") + scopes[i];
  w.add(sql + ")");
}

const char* const kSummaryColumns =
    "c.seq, c.id, c.state, c.county_id, c.street_id, c.estate_id, c.company_id, "
    "c.owner_unit_id, c.channel, c.urgent, c.major, c.received_at, c.next_due, c.returns, "
    "c.excerpt";

bool orderByDue(const CaseFilter& f) {
  if (f.order == "newest") return false;
  if (f.order == "due") return true;
  throw Error(ErrorCode::InvalidInput, "未知的排序方式：" + f.order + "（可用 newest 或 due）");
}

}  // namespace

void bindAll(SQLite::Statement& st, const Query& q) {
  for (size_t i = 0; i < q.params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (const auto* n = std::get_if<int64_t>(&q.params[i]))
      st.bind(index, *n);
    else
      st.bind(index, std::get<std::string>(q.params[i]));
  }
}

Query listQuery(const CaseFilter& f, const Visibility& v, Date today) {
  const bool byDue = orderByDue(f);
  Where w;
  addFilter(w, f, today);
  addVisibility(w, v);

  // Keyset paging: the page starts after the last row of the previous one, in the order's own
  // terms, so rows inserted meanwhile cause neither repeats nor gaps.
  if (!f.cursor.empty()) {
    const Position p = parseCursor(f.cursor, byDue);
    if (!byDue) {
      w.add("c.seq < ?");
      w.bind(p.seq);
    } else if (p.due) {
      w.add("(c.next_due > ? OR (c.next_due = ? AND c.seq > ?) OR c.next_due IS NULL)");
      w.bind(*p.due);
      w.bind(*p.due);
      w.bind(p.seq);
    } else {
      w.add("(c.next_due IS NULL AND c.seq > ?)");
      w.bind(p.seq);
    }
  }

  const int limit = std::clamp(f.limit, 1, kMaxLimit);
  Query q;
  q.sql = std::string("SELECT ") + kSummaryColumns + " FROM cases c" + w.sql() +
          (byDue ? " ORDER BY c.next_due ASC NULLS LAST, c.seq ASC" : " ORDER BY c.seq DESC") +
          " LIMIT " + std::to_string(limit + 1);
  q.params = std::move(w.params);
  return q;
}

Query countQuery(const CaseFilter& f, const Visibility& v, Date today) {
  Where w;
  addFilter(w, f, today);
  addVisibility(w, v);
  Query q;
  q.sql = "SELECT c.state, COUNT(*) FROM cases c" + w.sql() + " GROUP BY c.state";
  q.params = std::move(w.params);
  return q;
}

}  // namespace case_sql

// ---------------------------------------------------------------------------------------------
// 5. writes

namespace {

void bindText(SQLite::Statement& st, int index, const std::string& value) {
  if (value.empty())
    st.bind(index);
  else
    st.bind(index, value);
}

void bindOptional(SQLite::Statement& st, int index, std::optional<int64_t> value) {
  if (value)
    st.bind(index, *value);
  else
    st.bind(index);
}

// The columns every write sets from the Case, in the order bindCase() binds them.
// Characters of content a summary shows: about one line of a board card.
constexpr size_t kExcerptChars = 60;

std::string excerpt(const std::string& content) {
  const std::string_view head = utf8::prefix(content, kExcerptChars);
  return head.size() == content.size() ? content : std::string(head) + "…";
}

constexpr std::array<const char*, 22> kCaseColumns = {
    "county_id",     "street_id",     "community_id",   "estate_id",
    "company_id",    "owner_unit_id", "intake_unit_id", "state",
    "urgent",        "major",         "channel",        "received_at",
    "registered_at", "closed_at",     "next_due",       "complainant_key",
    "substantiated", "returns",       "external_ref",   "updated_at",
    "excerpt",       "data"};

// Binds kCaseColumns from parameter `first` on; returns the next free parameter index.
int bindCase(SQLite::Statement& st, int first, const Case& c, const std::string& record,
             int64_t now) {
  int i = first;
  bindText(st, i++, c.countyId);
  bindText(st, i++, c.streetId);
  bindText(st, i++, c.communityId);
  bindText(st, i++, c.estateId);
  bindText(st, i++, c.companyId);
  st.bind(i++, c.ownerUnitId);
  st.bind(i++, c.intakeUnitId);
  st.bind(i++, caseStateKey(c.state));
  st.bind(i++, int64_t{c.urgent ? 1 : 0});
  st.bind(i++, int64_t{c.major ? 1 : 0});
  st.bind(i++, channelKey(c.channel));
  st.bind(i++, c.receivedAt);
  st.bind(i++, c.registeredAt);
  bindOptional(st, i++, c.closedAt ? std::optional<int64_t>(c.closedAt) : std::nullopt);
  const std::optional<int32_t> due = CaseStore::nextDue(c);
  bindOptional(st, i++, due ? std::optional<int64_t>(*due) : std::nullopt);
  bindText(st, i++, c.complainant.key);
  const std::optional<bool> substantiated = c.substantiated();
  bindOptional(st, i++,
               substantiated ? std::optional<int64_t>(*substantiated ? 1 : 0) : std::nullopt);
  st.bind(i++, int64_t{c.returns});
  bindText(st, i++, c.externalRef);
  st.bind(i++, now);
  st.bind(i++, excerpt(c.content));
  st.bind(i++, record.data(), static_cast<int>(record.size()));
  return i;
}

// Rewrites the rows that hang off a case: its assignments and its full-text row.
void writeChildren(SQLite::Database& tx, int64_t seq, const Case& c) {
  {
    CachedStatement del(tx, "DELETE FROM assignments WHERE case_seq = ?");
    del->bind(1, seq);
    del->exec();
  }
  if (!c.assignments.empty()) {
    CachedStatement ins(tx,
                        "INSERT INTO assignments(case_seq, assignment_id, unit_id, handler, "
                        "state, due, answered_late) VALUES(?,?,?,?,?,?,?)");
    for (const Assignment& a : c.assignments) {
      ins->bind(1, seq);
      ins->bind(2, int64_t{a.id});
      ins->bind(3, a.unitId);
      ins->bind(4, std::string(handlerKey(a.handler)));
      ins->bind(5, assignmentStateKey(a.state));
      const std::optional<int32_t> due = assignmentDue(a);
      bindOptional(*ins, 6, due ? std::optional<int64_t>(*due) : std::nullopt);
      ins->bind(7, int64_t{answeredLate(a) ? 1 : 0});
      ins->exec();
      ins->reset();
      ins->clearBindings();
    }
  }

  // The full-text row is written at the end of the group commit (see deferToCommit).
  Database::deferToCommit(tx, [seq, terms = case_sql::ftsTerms(c)](SQLite::Database& db) {
    {
      CachedStatement del(db, "DELETE FROM cases_fts WHERE rowid = ?");
      del->bind(1, seq);
      del->exec();
    }
    CachedStatement fts(db, "INSERT INTO cases_fts(rowid, terms) VALUES(?, ?)");
    fts->bind(1, seq);
    fts->bind(2, terms);
    fts->exec();
  });
}

void requireId(const Case& c) {
  if (c.id.empty()) throw Error(ErrorCode::InvalidInput, "案件编号不能为空");
}

}  // namespace

std::string CaseStore::nextCaseId(SQLite::Database& tx, int year) {
  if (year < 1 || year > 9999)
    throw Error(ErrorCode::InvalidInput, "年份无效：" + std::to_string(year));
  // `next` is the number the following call hands out.
  CachedStatement st(tx,
                     "INSERT INTO case_counters(year, next) VALUES(?, 2) "
                     "ON CONFLICT(year) DO UPDATE SET next = next + 1 RETURNING next - 1");
  st->bind(1, int64_t{year});
  if (!st->executeStep()) throw std::runtime_error("case_counters returned no number");
  const int64_t n = st->getColumn(0).getInt64();
  // Six digits as the format shows; past 999999 in one year the number simply grows longer.
  std::string digits = std::to_string(n);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  std::string y = std::to_string(year);
  if (y.size() < 4) y.insert(0, 4 - y.size(), '0');
  return y + "-" + digits;
}

void CaseStore::insert(SQLite::Database& tx, const Case& c, int64_t now) {
  requireId(c);
  {
    CachedStatement exists(tx, "SELECT 1 FROM cases WHERE id = ?");
    exists->bind(1, c.id);
    if (exists->executeStep()) throw Error(ErrorCode::Conflict, "案件编号已存在：" + c.id);
  }
  const std::string record = toBinary(c);
  static const std::string kInsertSql = [] {
    std::string columns, placeholders;
    for (const char* name : kCaseColumns) {
      columns += std::string(", ") + name;
      placeholders += ", ?";
    }
    return "INSERT INTO cases(id, version" + columns + ") VALUES(?, 1" + placeholders + ")";
  }();
  CachedStatement st(tx, kInsertSql);
  st->bind(1, c.id);
  bindCase(*st, 2, c, record, now);
  st->exec();
  writeChildren(tx, tx.getLastInsertRowid(), c);
}

int64_t CaseStore::update(SQLite::Database& tx, const Case& c, int64_t expectedVersion,
                          int64_t now) {
  requireId(c);
  const std::string record = toBinary(c);
  std::string assignments;
  for (const char* name : kCaseColumns) assignments += std::string(", ") + name + " = ?";
  SQLite::Statement st(tx, "UPDATE cases SET version = version + 1" + assignments +
                               " WHERE id = ? AND version = ? RETURNING seq");
  const int next = bindCase(st, 1, c, record, now);
  st.bind(next, c.id);
  st.bind(next + 1, expectedVersion);
  if (!st.executeStep()) {
    // No row changed: tell a missing case from one someone else changed since it was read.
    SQLite::Statement exists(tx, "SELECT 1 FROM cases WHERE id = ?");
    exists.bind(1, c.id);
    if (!exists.executeStep()) throw Error(ErrorCode::NotFound, "案件不存在：" + c.id);
    throw Error(ErrorCode::Conflict, "案件已被他人修改，请刷新后重试（" + c.id + "）");
  }
  const int64_t seq = st.getColumn(0).getInt64();
  st.reset();
  writeChildren(tx, seq, c);
  return expectedVersion + 1;
}

// ---------------------------------------------------------------------------------------------
// 6. reads

namespace {

// A record that does not decode is damage to the database, not bad user input.
Case decode(const SQLite::Column& data, const std::string& id) {
  const std::string_view bytes(static_cast<const char*>(data.getBlob()),
                               static_cast<size_t>(data.getBytes()));
  try {
    return fromBinary<Case>(bytes);
  } catch (const Error& e) {
    throw Error(ErrorCode::Unavailable, "案件 " + id + " 的存储记录无法读取：" + e.what());
  }
}

}  // namespace

std::optional<StoredCase> CaseStore::load(SQLite::Database& db, const std::string& id) {
  CachedStatement st(db, "SELECT data, version FROM cases WHERE id = ?");
  st->bind(1, id);
  if (!st->executeStep()) return std::nullopt;
  StoredCase out{decode(st->getColumn(0), id), st->getColumn(1).getInt64()};
  return out;
}

bool CaseStore::visible(SQLite::Database& db, const std::string& id, const Visibility& v) {
  case_sql::Where w;
  w.add("c.id = ?");
  w.bind(id);
  case_sql::addVisibility(w, v);
  CachedStatement st(db, "SELECT 1 FROM cases c" + w.sql());
  case_sql::bindAll(*st, {"", std::move(w.params)});
  return st->executeStep();
}

CasePage CaseStore::list(SQLite::Database& db, const CaseFilter& f, const Visibility& v,
                         Date today) {
  const case_sql::Query q = case_sql::listQuery(f, v, today);
  SQLite::Statement st(db, q.sql);
  case_sql::bindAll(st, q);
  const int limit = std::clamp(f.limit, 1, case_sql::kMaxLimit);

  CasePage page;
  int64_t lastSeq = 0;
  while (st.executeStep()) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.nextCursor = case_sql::makeCursor(page.items.back(), lastSeq, f.order == "due");
      break;
    }
    CaseSummary s;
    lastSeq = st.getColumn(0).getInt64();
    s.id = st.getColumn(1).getString();
    s.state = st.getColumn(2).getString();
    s.countyId = textOrEmpty(st.getColumn(3));
    s.streetId = textOrEmpty(st.getColumn(4));
    s.estateId = textOrEmpty(st.getColumn(5));
    s.companyId = textOrEmpty(st.getColumn(6));
    s.ownerUnitId = st.getColumn(7).getString();
    s.channel = st.getColumn(8).getString();
    s.urgent = st.getColumn(9).getInt() != 0;
    s.major = st.getColumn(10).getInt() != 0;
    s.receivedAt = st.getColumn(11).getInt64();
    if (!st.getColumn(12).isNull()) s.nextDue = st.getColumn(12).getInt();
    s.returns = st.getColumn(13).getInt();
    s.excerpt = st.getColumn(14).getString();
    page.items.push_back(std::move(s));
  }
  return page;
}

std::vector<std::pair<std::string, int64_t>> CaseStore::countByState(SQLite::Database& db,
                                                                     const CaseFilter& f,
                                                                     const Visibility& v,
                                                                     Date today) {
  const case_sql::Query q = case_sql::countQuery(f, v, today);
  SQLite::Statement st(db, q.sql);
  case_sql::bindAll(st, q);
  std::vector<std::pair<std::string, int64_t>> counts;
  while (st.executeStep())
    counts.emplace_back(st.getColumn(0).getString(), st.getColumn(1).getInt64());
  // In workflow order, as a board shows its columns.
  const auto rank = [](const std::string& key) {
    for (size_t i = 0; i < case_sql::kAllStates.size(); ++i)
      if (key == caseStateKey(case_sql::kAllStates[i])) return i;
    return case_sql::kAllStates.size();
  };
  std::sort(counts.begin(), counts.end(),
            [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  return counts;
}

}  // namespace pcs::server
