// Complainant identity and masking (R9, R18).
//
// Sections:
//   1. UTF-8 decoding and folding of input-method variants (full-width, dashes, spaces)
//   2. Phone number parsing (mobile, landline, extension, country code)
//   3. Contact normalisation and complainant keys
//   4. Masking

#include "pcs/identity.h"

#include <array>
#include <optional>
#include <vector>

#include "pcs/utf8.h"

namespace pcs {
namespace {

// ---------------------------------------------------------------------------------------------
// 1. UTF-8 decoding and folding
// ---------------------------------------------------------------------------------------------

// One decoded character with the bytes it came from, so masking can copy a character verbatim.
struct Glyph {
  char32_t cp;
  std::string_view bytes;
};

// Invalid or truncated sequences become one U+FFFD glyph per byte: masking then still counts
// them as one character each and never splits a valid character.
std::vector<Glyph> decodeUtf8(std::string_view s) {
  std::vector<Glyph> out;
  for (size_t pos = 0; pos < s.size();) {
    const size_t begin = pos;
    const char32_t cp = utf8::decodeNext(s, pos);
    out.push_back({cp, s.substr(begin, pos - begin)});
  }
  return out;
}

void appendUtf8(std::string& out, char32_t cp) {
  utf8::append(out, cp);
}

constexpr char32_t kMiddleDot = 0x00B7;  // the separator of transliterated minority names

// Folds what a Chinese input method or a copied web page produces into plain ASCII where an
// ASCII equivalent exists. Every kind of space becomes ' ' (zero-width ones included, so they
// are removed wherever spaces are); every dash becomes '-'.
char32_t fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;  // full-width ASCII block
  switch (c) {
    case '\t':
    case '\n':
    case '\r':
    case 0x00A0:  // no-break space
    case 0x3000:  // ideographic space
    case 0x200B:  // zero-width space
    case 0x200C:
    case 0x200D:
    case 0x2060:
    case 0xFEFF:  // byte-order mark pasted from a file
    case 0x202F:
    case 0x205F:
      return ' ';
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:  // em dash: 全角破折号 is typed as two of these
    case 0x2015:
    case 0x2212:  // minus sign
    case 0xFE58:
    case 0xFE63:
    case 0x30FC:  // katakana prolonged sound mark, offered by some input methods for "-"
      return '-';
    case 0x3002:  // 。 typed for "."
      return '.';
    case 0x3010:  // 【
    case 0x3014:  // 〔
      return '[';
    case 0x3011:  // 】
    case 0x3015:  // 〕
      return ']';
    case 0x2022:  // bullet
    case 0x2027:
    case 0x2219:
    case 0x30FB:  // katakana middle dot
    case 0xFF65:  // half-width katakana middle dot
      return kMiddleDot;
    default:
      break;
  }
  if (c >= 0x2000 && c <= 0x200A) return ' ';  // en/em/thin/hair spaces
  return c;
}

std::u32string decodeFolded(std::string_view s) {
  std::u32string out;
  for (const Glyph& g : decodeUtf8(s)) out += fold(g.cp);
  return out;
}

std::u32string trimSpaces(const std::u32string& s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && s[b] == ' ') ++b;
  while (e > b && s[e - 1] == ' ') --e;
  return s.substr(b, e - b);
}

char32_t asciiLower(char32_t c) {
  return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}
bool isDigit(char32_t c) {
  return c >= '0' && c <= '9';
}

// Lower-cases ASCII, drops spaces, re-encodes.
std::string compactLower(const std::u32string& s) {
  std::string out;
  for (char32_t c : s)
    if (c != ' ') appendUtf8(out, asciiLower(c));
  return out;
}

// ---------------------------------------------------------------------------------------------
// 2. Phone number parsing
// ---------------------------------------------------------------------------------------------

// Lengths of mainland numbers (GB/T numbering plan as published by MIIT): mobiles are 11
// digits starting 13-19; area codes are 010 and 02x (3 digits with the trunk 0) or 0xxx (4);
// subscriber numbers are 7 or 8 digits and never start with 0. (Real ones do not start with 1
// either, but staff and test data write "1234567", and nothing else of that length is valid.)
constexpr size_t kMobileDigits = 11;
constexpr size_t kSubscriberMin = 7;
constexpr size_t kSubscriberMax = 8;
constexpr size_t kExtensionMax = 6;
constexpr std::string_view kChinaCountryCode = "86";
constexpr std::string_view kInternationalPrefix = "00";

struct Phone {
  ContactKind kind = ContactKind::Other;
  std::string area;    // "0355" for a landline; empty for a mobile or a bare local number
  std::string number;  // 11-digit mobile or 7-8 digit subscriber number
  std::string ext;     // extension digits, landlines only
};

bool isMobile(std::string_view d) {
  return d.size() == kMobileDigits && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

bool isSubscriber(std::string_view d) {
  return d.size() >= kSubscriberMin && d.size() <= kSubscriberMax && d[0] != '0';
}

// The length of the area code at the front of a national number starting with the trunk 0.
size_t areaCodeLength(std::string_view d) {
  return (d[1] == '1' || d[1] == '2') ? 3 : 4;
}

// A number in national form: a mobile, 0 + mobile, or 0 + area code + subscriber. With
// `trunkOptional` (after a country code) the trunk 0 of a landline may be missing.
std::optional<Phone> parseNational(std::string_view d, bool trunkOptional) {
  if (isMobile(d)) return Phone{ContactKind::Mobile, "", std::string(d), ""};
  if (d.size() == kMobileDigits + 1 && d[0] == '0' && isMobile(d.substr(1)))
    return Phone{ContactKind::Mobile, "", std::string(d.substr(1)), ""};
  if (d.size() >= 3 && d[0] == '0' && d[1] != '0') {
    const size_t areaLen = areaCodeLength(d);
    if (isSubscriber(d.substr(areaLen)))
      return Phone{ContactKind::Landline, std::string(d.substr(0, areaLen)),
                   std::string(d.substr(areaLen)), ""};
  }
  if (trunkOptional && !d.empty() && d[0] != '0') {
    std::optional<Phone> p = parseNational("0" + std::string(d), false);
    if (p && p->kind == ContactKind::Landline) return p;
  }
  return std::nullopt;
}

// The whole digit string, with what preceded the first digit telling whether a '+' was typed.
std::optional<Phone> parseDigits(std::string_view d, bool plus, std::string_view localArea) {
  if (plus || d.starts_with(kInternationalPrefix)) {
    std::string_view intl = plus ? d : d.substr(kInternationalPrefix.size());
    if (intl.starts_with(kChinaCountryCode))
      if (auto p = parseNational(intl.substr(kChinaCountryCode.size()), true)) return p;
    return std::nullopt;  // a foreign number: the caller keys it with its '+'
  }
  if (auto p = parseNational(d, false)) return p;
  // "86" without '+' or "00": no national number starts with 8 and is this long.
  if (d.starts_with(kChinaCountryCode) && d.size() > kSubscriberMax)
    if (auto p = parseNational(d.substr(kChinaCountryCode.size()), true)) return p;
  if (isSubscriber(d))
    return Phone{ContactKind::Landline, std::string(localArea), std::string(d), ""};
  return std::nullopt;
}

// "0355" from a configured "0355" or "355"; empty when it is not a plausible area code.
std::string normaliseAreaCode(std::string_view area) {
  std::string d;
  for (char c : area)
    if (c >= '0' && c <= '9') d += c;
  if (d.empty()) return "";
  if (d[0] != '0') d.insert(d.begin(), '0');
  if (d.size() < 3 || d[1] == '0' || areaCodeLength(d) != d.size()) return "";
  return d;
}

// Finds an explicit extension marker. Returns the position where the main number ends and the
// position where the extension digits begin, or nullopt.
struct ExtSplit {
  size_t mainEnd;
  size_t extBegin;
};
std::optional<ExtSplit> findExtensionMarker(const std::u32string& s) {
  static const std::array<std::u32string_view, 6> markers = {U"分机", U"转", U"ext.",
                                                             U"ext",  U"x",  U"#"};
  std::u32string lower;
  for (char32_t c : s) lower += asciiLower(c);
  for (std::u32string_view m : markers) {
    const size_t pos = lower.find(m);
    if (pos != std::u32string::npos && pos > 0) return ExtSplit{pos, pos + m.size()};
  }
  return std::nullopt;
}

bool isSeparator(char32_t c) {
  return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '[' ||
         c == ']' || c == kMiddleDot;
}

// Parses the number part of a contact (no label, no '@'). Digits are collected in groups (runs
// between separators) so a dash-separated extension can be told from a longer subscriber
// number. nullopt when the text is not made only of digits and separators.
struct DigitText {
  bool plus = false;
  std::string digits;
  std::vector<std::string> groups;
};
std::optional<DigitText> collectDigits(const std::u32string& s) {
  DigitText t;
  bool inGroup = false;
  for (char32_t c : s) {
    if (isDigit(c)) {
      if (!inGroup) t.groups.emplace_back();
      t.groups.back() += static_cast<char>(c);
      t.digits += static_cast<char>(c);
      inGroup = true;
    } else if (c == '+' && t.digits.empty() && !t.plus) {
      t.plus = true;
      inGroup = false;
    } else if (isSeparator(c)) {
      inGroup = false;
    } else {
      return std::nullopt;
    }
  }
  if (t.digits.empty()) return std::nullopt;
  return t;
}

// A landline written as area, subscriber in one or more groups, then a short group: the last
// group is an extension ("0355-1234567-8021", "(0355)123 4567-21"). Only tried when the
// groups line up exactly, so "0355-1234-5678" stays an 8-digit subscriber number.
std::optional<Phone> parseGroupedExtension(const DigitText& t) {
  if (t.plus || t.groups.size() < 3) return std::nullopt;
  const std::string& area = t.groups.front();
  const std::string& ext = t.groups.back();
  if (area.size() < 3 || area[0] != '0' || area[1] == '0' || areaCodeLength(area) != area.size())
    return std::nullopt;
  if (ext.empty() || ext.size() > kExtensionMax) return std::nullopt;
  std::string sub;
  for (size_t i = 1; i + 1 < t.groups.size(); ++i) sub += t.groups[i];
  if (!isSubscriber(sub)) return std::nullopt;
  return Phone{ContactKind::Landline, area, sub, ext};
}

// A number written among words ("13800138000（张先生）", "手机13800138000"): used only when
// exactly one run of digits and separators holds digits and it is a mobile or a landline with
// its area code, so "3号楼1单元" or two numbers side by side stay unrecognised text.
std::optional<Phone> findEmbeddedNumber(const std::u32string& s) {
  std::optional<std::u32string> run;
  std::u32string current;
  auto close = [&]() -> bool {
    bool hasDigit = false;
    for (char32_t c : current) hasDigit = hasDigit || isDigit(c);
    if (hasDigit) {
      if (run) return false;
      run = current;
    }
    current.clear();
    return true;
  };
  for (char32_t c : s) {
    if (isDigit(c) || isSeparator(c) || c == '+') {
      current += c;
    } else if (!close()) {
      return std::nullopt;
    }
  }
  if (!close() || !run) return std::nullopt;

  std::optional<DigitText> t = collectDigits(*run);
  if (!t) return std::nullopt;
  std::optional<Phone> p = parseDigits(t->digits, t->plus, "");
  if (!p || (p->kind == ContactKind::Landline && p->area.empty())) return std::nullopt;
  return p;
}

// Removes a leading label such as "手机：" or "Tel:" (text with no digit before a colon).
// A QQ number is not a phone number, so "QQ:12345678" keeps its label and stays text.
std::u32string stripLabel(const std::u32string& s) {
  const size_t colon = s.find(U':');
  if (colon == std::u32string::npos) return s;
  std::u32string label;
  for (size_t i = 0; i < colon; ++i) {
    if (isDigit(s[i]) || s[i] == '@' || s[i] == '+') return s;
    label += asciiLower(s[i]);
  }
  if (label.find(U"qq") != std::u32string::npos) return s;
  return trimSpaces(s.substr(colon + 1));
}

// ---------------------------------------------------------------------------------------------
// 3. Contact normalisation and complainant keys
// ---------------------------------------------------------------------------------------------

// Words staff type when nothing was given. As a name they would merge every anonymous caller
// into one complainant; as a contact, every caller who left no number.
constexpr std::array<std::string_view, 26> kPlaceholders = {
    "匿名",       "匿名者",   "匿名用户", "无", "无名", "无名氏", "不详", "未知", "未留名",
    "未留姓名",   "暂无",     "保密",     "略", "市民", "群众",   "业主", "未留", "未提供",
    "无联系方式", "未留电话", "无电话",   "空", "null", "none",   "n/a",  "na"};

bool isMeaningful(char32_t c) {
  if (c >= 0x80) return c != kMiddleDot && c != 0xFFFD;
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c);
}

// True for "" after compacting, punctuation only ("-", "/", "？"), a placeholder word, or one
// digit repeated ("0", "11111111111": typed to get past a required field).
bool isPlaceholder(const std::u32string& s) {
  bool meaningful = false;
  bool oneDigitRepeated = true;
  char32_t firstDigit = 0;
  for (char32_t c : s) {
    if (isSeparator(c)) continue;
    meaningful = meaningful || isMeaningful(c);
    if (!isDigit(c) || (firstDigit != 0 && c != firstDigit)) oneDigitRepeated = false;
    if (firstDigit == 0) firstDigit = c;
  }
  if (!meaningful || oneDigitRepeated) return true;

  const std::string compact = compactLower(s);
  for (std::string_view w : kPlaceholders)
    if (compact == w) return true;
  return false;
}

// The parsed form of a contact, shared by the key and the mask.
struct Parsed {
  ContactKind kind = ContactKind::Empty;
  Phone phone;        // Mobile, Landline
  std::string text;   // Email: the address; Other: "p:"/"o:" key body
  char otherTag = 0;  // 'p' (digits) or 'o' (text) for Other
};

std::optional<Parsed> parseEmail(const std::u32string& s) {
  std::string addr = compactLower(s);
  while (!addr.empty() && (addr.back() == '.' || addr.back() == ',' || addr.back() == ';'))
    addr.pop_back();
  const size_t at = addr.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= addr.size()) return std::nullopt;
  if (addr.find('@', at + 1) != std::string::npos) return std::nullopt;
  Parsed p;
  p.kind = ContactKind::Email;
  p.text = addr;
  return p;
}

Parsed parseContact(std::string_view raw, std::string_view localAreaCode) {
  const std::u32string s = stripLabel(trimSpaces(decodeFolded(raw)));
  Parsed p;
  if (isPlaceholder(s)) return p;

  // Step: e-mail.
  if (s.find(U'@') != std::u32string::npos) {
    if (auto e = parseEmail(s)) return *e;
    p.kind = ContactKind::Other;
    p.otherTag = 'o';
    p.text = compactLower(s);
    return p;
  }

  // Step: split an explicit extension ("转8021", "ext 21", "#21").
  std::u32string main = s;
  std::string ext;
  if (auto split = findExtensionMarker(s)) {
    std::u32string tail = s.substr(split->extBegin);
    std::string digits;
    bool clean = true;
    for (char32_t c : tail) {
      if (isDigit(c))
        digits += static_cast<char>(c);
      else if (!isSeparator(c))
        clean = false;
    }
    if (clean && !digits.empty() && digits.size() <= kExtensionMax) {
      main = s.substr(0, split->mainEnd);
      ext = digits;
    }
  }

  // Step: a number made of digits and separators.
  const std::string area = normaliseAreaCode(localAreaCode);
  std::optional<DigitText> t = collectDigits(main);
  if (!t) {
    if (auto embedded = findEmbeddedNumber(main)) {
      p.kind = embedded->kind;
      p.phone = *embedded;
      if (p.kind == ContactKind::Landline && !ext.empty()) p.phone.ext = ext;
      return p;
    }
    p.kind = ContactKind::Other;
    p.otherTag = 'o';
    p.text = compactLower(s);
    return p;
  }
  std::optional<Phone> phone;
  if (ext.empty()) phone = parseGroupedExtension(*t);
  if (!phone) phone = parseDigits(t->digits, t->plus, area);
  // A last short group that made the whole unparseable is an extension of what precedes it.
  if (!phone && ext.empty() && t->groups.size() >= 2 && t->groups.back().size() <= kExtensionMax) {
    const std::string& last = t->groups.back();
    std::string rest = t->digits.substr(0, t->digits.size() - last.size());
    std::optional<Phone> head = parseDigits(rest, t->plus, area);
    if (head && head->kind == ContactKind::Landline) {
      phone = head;
      phone->ext = last;
    }
  }
  if (!phone) {
    p.kind = ContactKind::Other;
    p.otherTag = 'p';
    p.text = (t->plus || t->digits.starts_with(kInternationalPrefix))
                 ? "+" + (t->plus ? t->digits : t->digits.substr(kInternationalPrefix.size()))
                 : t->digits;
    if (!ext.empty()) p.text += "x" + ext;
    return p;
  }

  if (phone->kind == ContactKind::Landline && !ext.empty()) phone->ext = ext;
  p.kind = phone->kind;
  p.phone = *phone;
  return p;
}

std::string keyOf(const Parsed& p) {
  switch (p.kind) {
    case ContactKind::Mobile:
      return "m:" + p.phone.number;
    case ContactKind::Landline: {
      std::string k = "l:";
      if (!p.phone.area.empty()) k += p.phone.area + "-";
      k += p.phone.number;
      if (!p.phone.ext.empty()) k += "x" + p.phone.ext;
      return k;
    }
    case ContactKind::Email:
      return "e:" + p.text;
    case ContactKind::Other:
      return std::string(1, p.otherTag) + ":" + p.text;
    case ContactKind::Empty:
      break;
  }
  return "";
}

constexpr std::string_view kNamePrefix = "n:";
constexpr std::string_view kAnonymousPrefix = "a:";

}  // namespace

ContactKey normaliseContact(std::string_view raw, std::string_view localAreaCode) {
  const Parsed p = parseContact(raw, localAreaCode);
  return ContactKey{p.kind, keyOf(p)};
}

std::string normaliseName(std::string_view name) {
  std::u32string folded;
  for (char32_t c : decodeFolded(name)) {
    if (c == ' ') continue;
    folded += c == '.' ? kMiddleDot : asciiLower(c);
  }
  if (isPlaceholder(folded)) return "";
  std::string out;
  for (char32_t c : folded) appendUtf8(out, c);
  return out;
}

std::string complainantKey(std::string_view name, std::string_view contact,
                           std::string_view localAreaCode) {
  ContactKey c = normaliseContact(contact, localAreaCode);
  if (c.kind != ContactKind::Empty) return c.key;
  std::string n = normaliseName(name);
  if (!n.empty()) return std::string(kNamePrefix) + n;
  return "";
}

std::string anonymousComplainantKey(std::string_view caseId) {
  return std::string(kAnonymousPrefix) + std::string(caseId);
}

std::string complainantRuleZh() {
  return "同一投诉人的认定（同一人举报不重复计入）：\n"
         "1. 优先按联系方式认定。手机号去除空格、横线、括号等分隔符和 +86、0086、86 "
         "国家码后按 11 位号码比对；固定电话统一为“区号-号码”（含分机号）后比对；"
         "电子邮箱不区分大小写；全角数字和符号按半角处理。\n"
         "2. 未留联系方式（或只填“无”“不详”、重复数字等）的，按姓名认定（去除空格，全角转"
         "半角）；“匿名”“不详”等不视为姓名。\n"
         "3. 姓名和联系方式均未留的，每件投诉各计为一名投诉人。\n"
         "4. 留有联系方式的投诉与只留姓名的投诉不合并计算，因为可能同名不同人。\n"
         "同一投诉人对同一企业多次投诉，在统计期内只计一次。";
}

// ---------------------------------------------------------------------------------------------
// 4. Masking
// ---------------------------------------------------------------------------------------------

namespace {

std::string stars(size_t n) {
  return std::string(n, '*');
}

// Keeps the last `keep` characters of a digit string, masking the rest.
std::string maskDigitsKeepLast(std::string_view d, size_t keep) {
  if (d.size() <= keep) return stars(d.size());
  return stars(d.size() - keep) + std::string(d.substr(d.size() - keep));
}

constexpr size_t kMobileShownHead = 3;  // carrier prefix, as on bank and rail tickets
constexpr size_t kMobileShownTail = 4;
constexpr size_t kLandlineShownTail = 3;
constexpr size_t kOtherShownEach = 2;  // first and last characters kept of any other contact

std::string maskMobile(std::string_view d) {
  return std::string(d.substr(0, kMobileShownHead)) +
         stars(d.size() - kMobileShownHead - kMobileShownTail) +
         std::string(d.substr(d.size() - kMobileShownTail));
}

std::string maskLandline(std::string_view area, std::string_view number) {
  std::string out;
  if (!area.empty()) out = std::string(area) + "-";
  return out + maskDigitsKeepLast(number, kLandlineShownTail);
}

std::string maskEmail(std::string_view addr) {
  const size_t at = addr.find('@');
  if (at == std::string_view::npos || at == 0) return stars(3);
  std::vector<Glyph> local = decodeUtf8(addr.substr(0, at));
  return std::string(local.front().bytes) + "***" + std::string(addr.substr(at));
}

// First and last two characters of a longer text, all stars for a short one.
std::string maskText(std::string_view text) {
  std::vector<Glyph> g = decodeUtf8(text);
  if (g.size() <= 2 * kOtherShownEach) return stars(g.size());
  std::string out;
  for (size_t i = 0; i < g.size(); ++i) {
    if (i < kOtherShownEach || i >= g.size() - kOtherShownEach)
      out += g[i].bytes;
    else
      out += '*';
  }
  return out;
}

std::string maskParsed(const Parsed& p) {
  switch (p.kind) {
    case ContactKind::Mobile:
      return maskMobile(p.phone.number);
    case ContactKind::Landline:
      return maskLandline(p.phone.area, p.phone.number);
    case ContactKind::Email:
      return maskEmail(p.text);
    case ContactKind::Other:
      return maskText(p.text);
    case ContactKind::Empty:
      break;
  }
  return "";
}

}  // namespace

std::string maskName(std::string_view name) {
  std::vector<Glyph> g = decodeUtf8(name);
  // Trim ASCII and ideographic spaces so " 张三" does not keep only the space.
  size_t b = 0;
  size_t e = g.size();
  while (b < e && fold(g[b].cp) == ' ') ++b;
  while (e > b && fold(g[e - 1].cp) == ' ') --e;
  if (e - b == 0) return "";
  if (e - b == 1) return "*";
  return std::string(g[b].bytes) + stars(e - b - 1);
}

std::string maskContact(std::string_view raw, std::string_view localAreaCode) {
  return maskParsed(parseContact(raw, localAreaCode));
}

std::string maskComplainantKey(std::string_view key) {
  if (key.empty()) return "";
  if (key.starts_with(kAnonymousPrefix)) return "匿名";
  if (key.size() < 2 || key[1] != ':') return maskText(key);
  const std::string_view body = key.substr(2);
  switch (key[0]) {
    case 'm':
      return body.size() == kMobileDigits ? maskMobile(body) : maskText(body);
    case 'l': {
      std::string_view number = body;
      std::string_view area;
      const size_t dash = number.find('-');
      if (dash != std::string_view::npos) {
        area = number.substr(0, dash);
        number = number.substr(dash + 1);
      }
      const size_t x = number.find('x');
      if (x != std::string_view::npos) number = number.substr(0, x);
      return maskLandline(area, number);
    }
    case 'e':
      return maskEmail(body);
    case 'n':
      return maskName(body);
    default:
      return maskText(body);
  }
}

}  // namespace pcs
