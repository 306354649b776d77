#pragma once
// The SQL behind CaseStore::list() and countByState(), exposed so tests can check the query
// plans (EXPLAIN QUERY PLAN) and tools can rebuild the full-text index. Not an API for handlers:
// they call CaseStore.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "case_store.h"

namespace pcs::server::case_sql {

// A statement and its parameters, bound in order to the `?` placeholders.
struct Query {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> params;
};

void bindAll(SQLite::Statement& st, const Query& q);

// The page query of list(): the summary columns (see CaseStore::list), at most limit + 1 rows
// so the caller knows whether another page follows. Throws pcs::Error(InvalidInput) for an
// unknown order or state key, a malformed cursor or an over-long search text.
Query listQuery(const CaseFilter& f, const Visibility& v, Date today);

// SELECT state, COUNT(*) under the same filter and visibility (cursor, order, limit ignored).
Query countQuery(const CaseFilter& f, const Visibility& v, Date today);

// What cases_fts.terms holds for a case: indexTerms() of content and location, each term
// spelled in ASCII (see case_store.cpp) so SQLite's tokenizer keeps it whole.
std::string ftsTerms(const Case& c);

// The FTS5 MATCH expression for a user's search text; empty when the text holds nothing
// searchable (punctuation only). Every token is quoted: no input can inject FTS5 syntax.
std::string ftsMatch(std::string_view text);

}  // namespace pcs::server::case_sql
