#pragma once
// The routing vocabulary beyond the catalogue: residents' everyday phrases mapped to catalogue
// keywords (common/data/routing_synonyms.txt) and the words that mark danger
// (common/data/urgent_cues.txt). Parsed once from the copies compiled into the binary.

#include <string>
#include <vector>

namespace pcs {

struct Synonym {
  std::string phrase;                 // what residents write: 推上楼, 偷电
  std::vector<std::string> keywords;  // catalogue keywords it stands for
  std::string context;  // when not empty, the phrase counts only if the text also holds this
};

struct RoutingLexicon {
  std::vector<Synonym> synonyms;
  std::vector<std::string> urgentCues;
  // Phrases that contain a cue but are no danger (燃气费 holds no 燃气味, 威胁停水 is a
  // dispute): a cue found only inside one of these does not count.
  std::vector<std::string> urgentExceptions;

  // The built-in lexicon. A missing file gives an empty part; a malformed line throws
  // pcs::Error(InvalidInput) naming the file and line (a build with bad data fails its tests).
  static const RoutingLexicon& builtin();
};

}  // namespace pcs
