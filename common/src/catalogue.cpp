// Routing catalogue: parsing catalogue.txt, the built-in copy, look-ups.
#include "pcs/catalogue.h"

#include <optional>
#include <set>

#include "pcs/embedded.h"
#include "pcs/error.h"
#include "text_lines.h"

namespace pcs {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Characters (code points) in UTF-8 text: every byte that is not a continuation byte.
int countChars(std::string_view s) {
  int n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// "<n>" or "<n>.<m>": one or two numbers from 1, no leading zeros, as the annex numbers items.
bool isItemNumber(std::string_view s) {
  int parts = 0;
  size_t pos = 0;
  while (true) {
    size_t dot = s.find('.', pos);
    std::string_view part = s.substr(pos, dot == std::string_view::npos ? s.npos : dot - pos);
    if (part.empty() || part.size() > 3 || part[0] == '0') return false;
    for (char c : part)
      if (c < '0' || c > '9') return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return parts <= 2;
}

// The entry being read, with what is needed to check it once its last line has been seen.
struct OpenEntry {
  CatalogueEntry entry;
  int line = 0;  // the `entry` line, named when a required field is missing
  bool hasGroup = false;
  bool hasTitle = false;
  bool hasText = false;
  bool hasUrgent = false;
  std::set<std::string> keywords;
};

void requireComplete(const OpenEntry& open) {
  const std::string where = "line " + std::to_string(open.line) + ": entry " + open.entry.code;
  if (!open.hasTitle) throw Error(ErrorCode::InvalidInput, where + " has no title");
  if (!open.hasText) throw Error(ErrorCode::InvalidInput, where + " has no text");
}

// A field that takes free text: present once, and not empty unless `mayBeEmpty`.
std::string textField(const TextLine& line, bool& seen, bool mayBeEmpty = false) {
  const std::string& name = line.words[0];
  if (seen) line.fail(name + " is given twice for this entry");
  seen = true;
  std::string value = line.rest(1);
  if (value.empty() && !mayBeEmpty) line.fail(name + " needs a value");
  return value;
}

}  // namespace

Catalogue Catalogue::parse(std::string_view text) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());

  Catalogue cat;
  std::set<std::string> codes;
  std::optional<OpenEntry> open;
  auto closeEntry = [&] {
    if (!open) return;
    requireComplete(*open);
    cat.entries_.push_back(std::move(open->entry));
    open.reset();
  };

  for (const TextLine& line : splitLines(text)) {
    const std::vector<std::string>& w = line.words;
    const std::string& directive = w[0];

    // entry CODE HANDLER: closes the previous entry and opens the next.
    if (directive == "entry") {
      closeEntry();
      if (w.size() != 3) line.fail("entry takes a code and a handler key");
      const std::string& code = w[1];
      const std::optional<Handler> handler = handlerFromKey(w[2]);
      if (!handler) line.fail("unknown handler key '" + w[2] + "'");
      const std::string prefix = std::string(handlerKey(*handler)) + ".";
      if (code.compare(0, prefix.size(), prefix) != 0 ||
          !isItemNumber(std::string_view(code).substr(prefix.size())))
        line.fail("code '" + code + "' must be '" + prefix + "N' or '" + prefix + "N.M'");
      if (!codes.insert(code).second) line.fail("code '" + code + "' is used twice");
      open.emplace();
      open->line = line.number;
      open->entry.code = code;
      open->entry.handler = *handler;
      continue;
    }

    // Every other directive belongs to the entry opened above it.
    if (!open) line.fail("'" + directive + "' comes before the first entry line");
    CatalogueEntry& e = open->entry;
    if (directive == "group") {
      e.group = textField(line, open->hasGroup, /*mayBeEmpty=*/true);
    } else if (directive == "title") {
      e.title = textField(line, open->hasTitle);
      if (countChars(e.title) > kMaxTitleChars)
        line.fail("title is longer than " + std::to_string(kMaxTitleChars) + " characters");
    } else if (directive == "text") {
      e.text = textField(line, open->hasText);
    } else if (directive == "keywords") {
      // May repeat: long lists are split over several lines.
      if (w.size() < 2) line.fail("keywords needs at least one word");
      for (size_t i = 1; i < w.size(); ++i) {
        if (!open->keywords.insert(w[i]).second)
          line.fail("keyword '" + w[i] + "' is listed twice for this entry");
        e.keywords.push_back(w[i]);
      }
    } else if (directive == "urgent") {
      if (w.size() != 1) line.fail("urgent is a flag and takes no value");
      if (open->hasUrgent) line.fail("urgent is given twice for this entry");
      open->hasUrgent = true;
      e.urgent = true;
    } else {
      line.fail("unknown directive '" + directive + "'");
    }
  }
  closeEntry();

  if (cat.entries_.empty()) throw Error(ErrorCode::InvalidInput, "the catalogue has no entries");
  return cat;
}

Catalogue Catalogue::builtin() {
  // Parsed once; every caller gets its own copy, so no one shares mutable state.
  static const Catalogue cached = [] {
    const std::optional<std::string_view> data = embeddedFile("catalogue.txt");
    if (!data)
      throw Error(ErrorCode::Unavailable, "the routing catalogue (catalogue.txt) is not built in");
    return parse(*data);
  }();
  return cached;
}

const CatalogueEntry* Catalogue::find(std::string_view code) const {
  for (const CatalogueEntry& e : entries_)
    if (e.code == code) return &e;
  return nullptr;
}

std::vector<const CatalogueEntry*> Catalogue::byHandler(Handler h) const {
  std::vector<const CatalogueEntry*> out;
  for (const CatalogueEntry& e : entries_)
    if (e.handler == h) out.push_back(&e);
  return out;
}

}  // namespace pcs
