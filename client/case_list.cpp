#include "case_list.h"

namespace pcs::client {

CaseSummary readSummary(const JsonValue& item) {
  CaseSummary s;
  s.id = str(item, "id");
  s.state = str(item, "state");
  s.countyId = str(item, "county_id");
  s.countyName = str(item, "county_name");
  s.streetId = str(item, "street_id");
  s.estateId = str(item, "estate_id");
  s.companyId = str(item, "company_id");
  s.ownerUnitId = str(item, "owner_unit_id");
  s.channel = str(item, "channel");
  s.receivedAt = str(item, "received_at");
  s.excerpt = str(item, "excerpt");
  s.urgent = flag(item, "urgent");
  s.major = flag(item, "major");
  s.returns = static_cast<int>(integer(item, "returns"));
  s.nextDue = str(item, "next_due");
  s.hasDue = !s.nextDue.empty();
  s.overdue = flag(item, "overdue");
  s.workingDaysLeft = static_cast<int>(integer(item, "working_days_left"));
  return s;
}

void CaseList::setQuery(Session& session, std::string query) {
  if (started_ && query == query_) return;
  query_ = std::move(query);
  reload(session);
}

void CaseList::reload(Session& session) {
  started_ = true;
  Data& d = *d_;
  ++d.generation;
  d.items.clear();
  d.cursor.clear();
  d.total = -1;
  d.loading = false;
  d.complete = false;
  d.error.clear();
  if (counted_) {
    session.net().get("/api/v1/board/counts?" + query_,
                      [d = d_, generation = d.generation](const Response& r) {
                        if (generation != d->generation || !r.ok()) return;
                        const JsonDoc doc = parseJson(r.body);
                        if (!doc.valid()) return;
                        int64_t sum = 0;
                        const JsonValue* counts = member(doc.root(), "counts");
                        if (counts && counts->IsObject())
                          for (const auto& m : counts->GetObject())
                            if (m.value.IsInt64()) sum += m.value.GetInt64();
                        d->total = sum;
                      });
  }
  loadPage(session);
}

void CaseList::ensure(Session& session, size_t wanted) {
  const Data& d = *d_;
  if (!d.loading && !d.complete && d.error.empty() && d.items.size() < wanted) loadPage(session);
}

void CaseList::loadPage(Session& session) {
  Data& d = *d_;
  d.loading = true;
  std::string path = listPath_ + "?" + query_ + "&limit=" + std::to_string(kPageSize);
  if (!d.cursor.empty()) path += "&cursor=" + urlEncode(d.cursor);
  session.net().get(path, [d = d_, generation = d.generation](const Response& r) {
    if (generation != d->generation) return;
    d->loading = false;
    if (!r.ok()) {
      d->error = r.errorText();
      return;
    }
    const JsonDoc doc = parseJson(r.body);
    if (!doc.valid()) {
      d->error = "服务器答复无法读取";
      return;
    }
    for (const JsonValue* item : client::items(doc.root(), "items"))
      d->items.push_back(readSummary(*item));
    d->cursor = str(doc.root(), "next_cursor");
    d->complete = d->cursor.empty();
  });
}

}  // namespace pcs::client
