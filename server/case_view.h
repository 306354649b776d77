#pragma once
// The JSON a user sees of a case: the record with personal data masked (R18), deadlines with
// days left or late, unit names, and exactly the actions this user may take now.

#include <string>

#include "app.h"
#include "case_store.h"
#include "pcs/workflow.h"

namespace pcs::server {

// {"case": {...masked record...}, "version": n, "deadlines": [...], "actions": [...],
//  "units": {id: name}}
std::string caseViewJson(const StoredCase& stored, const Actor& actor, const Reference& ref,
                         int64_t now);

// {"items": [...summaries...], "next_cursor": "..."}
std::string casePageJson(const CasePage& page, const Reference& ref, Date today);

// True when this user calls the complainant back and so may see name and contact (R18): the
// responsible property authority, a unit handling a live assignment, or 12345 for its cases.
bool maySeeContact(const Case& c, const Actor& actor, const Reference& ref);

}  // namespace pcs::server
