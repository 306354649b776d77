#include "routing_lexicon.h"

#include "pcs/embedded.h"
#include "pcs/error.h"
#include "text_lines.h"

namespace pcs {
namespace {

RoutingLexicon load() {
  RoutingLexicon lex;
  auto parse = [](const char* file, auto&& onLine) {
    auto content = embeddedFile(file);
    if (!content) return;
    try {
      for (const TextLine& line : splitLines(*content)) onLine(line);
    } catch (const Error& e) {
      throw Error(ErrorCode::InvalidInput, std::string(file) + ": " + e.what());
    }
  };
  parse("urgent_cues.txt", [&](const TextLine& line) {
    if (line.words.size() != 2) line.fail("expected `cue WORD` or `except PHRASE`");
    if (line.words[0] == "cue")
      lex.urgentCues.push_back(line.words[1]);
    else if (line.words[0] == "except")
      lex.urgentExceptions.push_back(line.words[1]);
    else
      line.fail("unknown directive '" + line.words[0] + "'");
  });
  parse("routing_synonyms.txt", [&](const TextLine& line) {
    if (line.words[0] != "say") line.fail("unknown directive '" + line.words[0] + "'");
    std::vector<std::string> w = line.words;
    std::string context;
    if (w.size() >= 3 && w[w.size() - 2] == "if") {
      context = w.back();
      w.resize(w.size() - 2);
    }
    if (w.size() < 3) line.fail("expected `say PHRASE KEYWORD... [if WORD]`");
    lex.synonyms.push_back(
        Synonym{w[1], std::vector<std::string>(w.begin() + 2, w.end()), std::move(context)});
  });
  return lex;
}

}  // namespace

const RoutingLexicon& RoutingLexicon::builtin() {
  static const RoutingLexicon lex = load();
  return lex;
}

}  // namespace pcs
