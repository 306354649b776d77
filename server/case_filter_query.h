#pragma once
// The case filters of a query string, as GET /api/v1/cases reads them (docs/api.md 4.12), for
// every route that lists cases under the same filters (the exports).

#include "case_store.h"

namespace httplib {
struct Request;
}

namespace pcs::server {

// Reads county, street, estate, company, unit, handler, state (repeatable), urgent, overdue,
// open, from, to, q, order, limit and cursor. Throws pcs::Error(InvalidInput) naming the bad
// parameter; the messages are those of GET /api/v1/cases.
CaseFilter parseCaseFilterQuery(const httplib::Request& req);

}  // namespace pcs::server
