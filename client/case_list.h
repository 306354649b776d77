#pragma once
// One filtered list of case summaries, loaded page by page from GET /api/v1/cases as the
// screen scrolls towards its end, with its total from GET /api/v1/board/counts. A board column,
// a drill-down level and the meeting screen each hold one. Changing the query starts over.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "session.h"

namespace pcs::client {

// A board card: the list endpoint's summary (never complainant data).
struct CaseSummary {
  std::string id, state, countyId, countyName, streetId, estateId, companyId, ownerUnitId;
  std::string channel, receivedAt, excerpt, nextDue;
  bool urgent = false, major = false, overdue = false, hasDue = false;
  int returns = 0;
  int workingDaysLeft = 0;  // valid when hasDue; negative = late
};

CaseSummary readSummary(const JsonValue& item);

class CaseList {
 public:
  CaseList() = default;
  // A list from another endpoint answering in the shape of GET /cases (e.g.
  // /api/v1/oversight/cases); `counted`: whether GET /board/counts takes the same query.
  CaseList(std::string listPath, bool counted)
      : listPath_(std::move(listPath)), counted_(counted) {}

  // `query` is the part after "?" (without cursor/limit), e.g. "state=registered&order=due".
  void setQuery(Session& session, std::string query);
  const std::string& query() const { return query_; }

  // Loads the next page when fewer than `wanted` items are loaded and more exist.
  void ensure(Session& session, size_t wanted);
  // Starts over with the same query (after a change on the server).
  void reload(Session& session);

  const std::vector<CaseSummary>& items() const { return d_->items; }
  // The number of cases the query matches, -1 until the count arrived.
  int64_t total() const { return d_->total; }
  bool loading() const { return d_->loading; }
  bool complete() const { return d_->complete; }
  const std::string& error() const { return d_->error; }

  static constexpr int kPageSize = 200;

 private:
  // Shared with the requests in flight, so an answer arriving after the list was dropped
  // (a board regrouped) lands in memory that still exists and is then ignored.
  struct Data {
    std::vector<CaseSummary> items;
    std::string cursor;
    int64_t total = -1;
    bool loading = false;
    bool complete = false;
    std::string error;
    uint64_t generation = 0;  // answers to an older query are dropped
  };
  void loadPage(Session& session);

  std::string listPath_ = "/api/v1/cases";
  bool counted_ = true;
  std::string query_;
  bool started_ = false;
  std::shared_ptr<Data> d_ = std::make_shared<Data>();
};

}  // namespace pcs::client
