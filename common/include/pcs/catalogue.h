#pragma once
// The routing catalogue (分转目录, R4): every matter the notice's annex assigns to a handler,
// with a stable code, the notice's own text, a short title, the words residents use for it, and
// whether such a complaint is typically urgent (R3).
//
// The data lives in common/data/catalogue.txt (its format is documented at the top of that
// file); builtin() reads the copy compiled into every binary, parse() reads any other (a city's
// own catalogue loaded by the server). Both give the same checks and the same errors.

#include <string>
#include <string_view>
#include <vector>

#include "pcs/handler.h"

namespace pcs {

struct CatalogueEntry {
  std::string code;  // stable, ASCII: "housing.1.3", "market_regulation.2.1", "court.1"
  Handler handler = Handler::Housing;
  std::string group;  // heading of a sub-item (物业企业未按合同履行); empty when none
  std::string title;  // short name for lists and board cards, at most kMaxTitleChars characters
  std::string text;   // the notice's words for the matter, verbatim; never empty
  std::vector<std::string> keywords;  // residents' words pointing to this entry, no duplicates
  bool urgent = false;                // typical complaint endangers building use or safety (R3)
};

class Catalogue {
 public:
  // Titles are shown on board cards, which fit twenty Chinese characters.
  static constexpr int kMaxTitleChars = 20;

  // Reads a catalogue in the catalogue.txt format. Throws pcs::Error(InvalidInput) whose message
  // starts with "line N: " for a bad line (unknown directive or handler key, malformed or
  // duplicate code, code not prefixed by its handler key, field repeated, title too long,
  // duplicate keyword) or an entry missing its title or text (N is the entry's line), and
  // without a line for a text that holds no entry at all.
  static Catalogue parse(std::string_view text);

  // The catalogue compiled in from common/data/catalogue.txt. Throws pcs::Error(Unavailable)
  // if the binary was built without it.
  static Catalogue builtin();

  // In file order, which for the built-in catalogue is the annex's order.
  const std::vector<CatalogueEntry>& entries() const { return entries_; }

  // The entry with this code, or nullptr. The pointer lives as long as this catalogue.
  const CatalogueEntry* find(std::string_view code) const;

  // The entries of one handler, in file order; empty when it has none.
  std::vector<const CatalogueEntry*> byHandler(Handler h) const;

 private:
  std::vector<CatalogueEntry> entries_;
};

}  // namespace pcs
