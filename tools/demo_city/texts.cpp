// Complaint texts the way residents write them: an entry's phrases (data/complaints.txt) with
// openers, durations, escalations, demands and closers around them (data/style.txt), short or
// long, with or without punctuation, now and then a dialect particle or a typing slip.
#include <sstream>

#include "internal.h"
#include "pcs/error.h"

namespace pcs::demo {

ComplaintWriter::ComplaintWriter() {
  std::string code;
  for (const std::string& line : dataLines(dataFile("complaints.txt"))) {
    if (line.rfind("entry ", 0) == 0) {
      std::istringstream in(line.substr(6));
      int weight = 1;
      in >> code >> weight;
      if (weight < 1) weight = 1;
      entries_.push_back({code, weight});
      phrases_[code];
      continue;
    }
    if (code.empty()) throw Error(ErrorCode::InvalidInput, "complaints.txt: phrase before entry");
    phrases_[code].push_back(line);
  }
  style_ = dataSections(dataFile("style.txt"), true);
  for (const std::string& pair : style_["typos"]) {
    const size_t space = pair.find(' ');
    if (space != std::string::npos)
      typos_.push_back({pair.substr(0, space), pair.substr(space + 1)});
  }
}

namespace {

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

bool endsWithPunctuation(const std::string& s) {
  for (const char* p : {"，", "。", "！", "？", "：", "、"})
    if (s.size() >= 3 && s.compare(s.size() - 3, 3, p) == 0) return true;
  return false;
}

}  // namespace

std::string ComplaintWriter::fill(Rng& rng, std::string text, const TextContext& ctx) const {
  replaceAll(text, "{estate}", ctx.estate);
  replaceAll(text, "{company}", ctx.company.empty() ? "物业" : ctx.company);
  replaceAll(text, "{b}", std::to_string(ctx.building));
  replaceAll(text, "{u}", std::to_string(ctx.unit));
  replaceAll(text, "{r}", std::to_string(ctx.room));
  replaceAll(text, "{n}", std::to_string(2 + rng.below(6)));
  replaceAll(text, "{m}", std::to_string(1 + rng.below(8)));
  return text;
}

std::string ComplaintWriter::line(Rng& rng, const std::string& section,
                                  const TextContext& ctx) const {
  const auto it = style_.find(section);
  if (it == style_.end() || it->second.empty())
    throw Error(ErrorCode::NotFound, "style.txt has no section " + section);
  return fill(rng, rng.pick(it->second), ctx);
}

// Dialect particles and typing slips, each on a few complaints only.
std::string ComplaintWriter::sprinkle(Rng& rng, std::string text) const {
  if (rng.chance(120)) {
    const size_t comma = text.find("，", text.size() / 3);
    if (comma != std::string::npos) text.insert(comma, rng.pick(style_.at("particles")));
  }
  if (rng.chance(90) && !typos_.empty()) {
    const auto& [wrong, right] =
        typos_[static_cast<size_t>(rng.below(static_cast<int>(typos_.size())))];
    const size_t at = text.find(right);
    if (at != std::string::npos) text.replace(at, right.size(), wrong);
  }
  return text;
}

std::string ComplaintWriter::write(Rng& rng, const std::string& code, const std::string& second,
                                   const TextContext& ctx) const {
  const auto it = phrases_.find(code);
  if (it == phrases_.end() || it->second.empty())
    throw Error(ErrorCode::NotFound, "complaints.txt has no phrases for " + code);

  // The pieces, in the order people say them; each but the core is optional.
  std::vector<std::string> parts;
  if (rng.chance(450)) parts.push_back(line(rng, "openers", ctx));
  parts.push_back(fill(rng, rng.pick(it->second), ctx));
  if (rng.chance(180)) {  // a second symptom of the same matter
    std::string more = fill(rng, rng.pick(it->second), ctx);
    if (more != parts.back()) parts.push_back("还有，" + more);
  }
  if (!second.empty() && phrases_.count(second))
    parts.push_back((rng.chance(500) ? "另外" : "而且") +
                    fill(rng, rng.pick(phrases_.at(second)), ctx));
  if (rng.chance(400)) parts.push_back(line(rng, "durations", ctx));
  if (rng.chance(450)) parts.push_back(line(rng, "escalations", ctx));
  if (rng.chance(550)) parts.push_back(line(rng, "demands", ctx));
  if (rng.chance(250)) parts.push_back(line(rng, "closers", ctx));

  // Joined with commas, a full stop before the demand now and then; some people type no
  // punctuation at all, some use spaces.
  const int style = rng.below(10);
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (i > 0 && !endsWithPunctuation(text))
      text += style == 0 ? " " : (rng.chance(250) ? "。" : "，");
    text += p;
  }
  if (style == 1) replaceAll(text, "，", "");
  if (!endsWithPunctuation(text) && style > 1) text += rng.chance(300) ? "！" : "。";
  return sprinkle(rng, text);
}

}  // namespace pcs::demo
