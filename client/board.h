#pragma once
// The case board: one column per workflow state (or per handler, county or company), each
// with its count and its cases as cards, loaded page by page while the column scrolls, so tens
// of thousands of cases scroll smoothly (only the visible cards are laid out). Filters: text
// search, urgent only, overdue only, open only, and the county for city-level users.

#include <memory>
#include <string>
#include <vector>

#include "case_list.h"
#include "navigator.h"
#include "session.h"

namespace pcs::client {

class Board {
 public:
  enum class Grouping { State, Handler, County, Company };

  void draw(Session& session, Navigator& nav, float scale);
  // Reloads every column on the next frame (a case changed).
  void invalidate() { dirty_ = true; }

  // The filter part of the list query ("urgent=true&q=..."), without the grouping.
  std::string filterQuery() const;

 private:
  struct Column {
    std::string key;    // state key, handler key, county id or company id
    std::string title;  // its Chinese name
    std::string query;  // the list query for this column
    CaseList list;
  };

  void drawFilters(Session& session, Navigator& nav, float scale);
  void rebuildColumns(Session& session);
  void drawColumn(Session& session, Navigator& nav, Column& column, float width, float height,
                  float scale);
  void drawCard(Session& session, Navigator& nav, const CaseSummary& c, float width, float height,
                bool showState);

  Grouping grouping_ = Grouping::State;
  std::string search_;
  std::string caseNumber_;  // "打开案件": jump straight to a case by its number
  std::string appliedSearch_;
  bool urgentOnly_ = false;
  bool overdueOnly_ = false;
  bool openOnly_ = false;
  std::string countyId_;  // "" = every county the user sees
  std::vector<std::unique_ptr<Column>> columns_;
  std::string builtFor_;  // grouping + filters the columns were built for
  bool dirty_ = true;
};

}  // namespace pcs::client
