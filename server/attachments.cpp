#include "attachments.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "pcs/utf8.h"

namespace pcs::server {
namespace {

// ---- UTF-8 ----------------------------------------------------------------------------------

// A byte that is not part of valid UTF-8 decodes as U+FFFD; it becomes '_' in a name.
constexpr char32_t kInvalid = utf8::kReplacement;

std::vector<char32_t> decodeUtf8(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t pos = 0; pos < s.size();) out.push_back(utf8::decodeNext(s, pos));
  return out;
}

void appendUtf8(std::string& out, char32_t cp) {
  utf8::append(out, cp);
}

std::string encodeUtf8(const std::vector<char32_t>& cps) {
  std::string out;
  for (char32_t cp : cps) appendUtf8(out, cp);
  return out;
}

// ---- file names -----------------------------------------------------------------------------

bool isControl(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

// Characters that draw nothing but change how the rest reads: a right-to-left override makes
// "photo\u202Efdp.exe" look like "photoexe.pdf". Line and paragraph separators break lines.
bool isInvisibleFormat(char32_t c) {
  return (c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF || c == 0x061C || c == 0x00AD;
}

// Quotes end a quoted header value or an HTML attribute; the rest are not allowed in a
// Windows file name, where most downloads are opened.
bool isReplacedPunctuation(char32_t c) {
  return c == '<' || c == '>' || c == ':' || c == '|' || c == '?' || c == '*';
}

bool isTrimmed(char32_t c) {
  return c == ' ' || c == '.' || c == 0x3000;  // 0x3000: the ideographic space
}

char32_t asciiLower(char32_t c) {
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

// The position of the dot that starts the name's extension, or npos. An extension is 1-16
// characters after a dot that is not the first character.
size_t extensionStart(const std::vector<char32_t>& name) {
  for (size_t i = name.size(); i-- > 1;) {
    if (name[i] == '.') return name.size() - i - 1 >= 1 && name.size() - i <= 17 ? i : size_t(-1);
  }
  return size_t(-1);
}

bool endsWithAny(const std::vector<char32_t>& name, std::initializer_list<const char*> exts) {
  for (const char* ext : exts) {
    const size_t n = std::strlen(ext);
    if (name.size() <= n) continue;
    bool same = true;
    for (size_t k = 0; k < n && same; ++k)
      same = asciiLower(name[name.size() - n + k]) == static_cast<char32_t>(ext[k]);
    if (same) return true;
  }
  return false;
}

bool matchesType(const std::vector<char32_t>& name, const FileType& type) {
  const std::string_view mime = type.mime;
  if (mime == "image/jpeg") return endsWithAny(name, {".jpg", ".jpeg", ".jpe", ".jfif"});
  if (mime == "image/png") return endsWithAny(name, {".png"});
  if (mime == "application/pdf") return endsWithAny(name, {".pdf"});
  return false;
}

void trimEnds(std::vector<char32_t>& s) {
  while (!s.empty() && isTrimmed(s.back())) s.pop_back();
  size_t lead = 0;
  while (lead < s.size() && isTrimmed(s[lead])) ++lead;
  s.erase(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(lead));
}

// RFC 8187 attr-char: what may stand unencoded in filename*.
bool isAttrChar(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::strchr("!#$&+-.^_`|~", c) != nullptr;
}

bool isAsciiAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

// ---- types ----------------------------------------------------------------------------------

std::optional<FileType> sniffFileType(std::string_view content) {
  static constexpr std::string_view kJpeg("\xFF\xD8\xFF", 3);
  static constexpr std::string_view kPng("\x89PNG\r\n\x1A\n", 8);
  static constexpr std::string_view kPdf("%PDF-", 5);
  if (content.substr(0, kJpeg.size()) == kJpeg) return FileType{"image/jpeg", ".jpg"};
  if (content.substr(0, kPng.size()) == kPng) return FileType{"image/png", ".png"};
  if (content.substr(0, kPdf.size()) == kPdf) return FileType{"application/pdf", ".pdf"};
  return std::nullopt;
}

const char* acceptedTypesText() {
  return "JPEG, PNG or PDF";
}

// ---- names ----------------------------------------------------------------------------------

std::string sanitizeFileName(std::string_view raw, const std::optional<FileType>& type) {
  std::vector<char32_t> in = decodeUtf8(raw);

  // Only the last path component: "../../etc/passwd" and "C:\\Users\\a\\b.jpg" lose their
  // folders, which are the sender's and mean nothing here.
  auto sep = std::find_if(in.rbegin(), in.rend(), [](char32_t c) { return c == '/' || c == '\\'; });
  in.erase(in.begin(), sep.base());

  std::vector<char32_t> name;
  for (char32_t c : in) {
    if (c == kInvalid || isReplacedPunctuation(c)) {
      name.push_back('_');
    } else if (!isControl(c) && !isInvisibleFormat(c) && c != '"' && c != '\'') {
      name.push_back(c);
    }
  }
  trimEnds(name);
  if (name.empty()) name = decodeUtf8(kDefaultFileName);

  if (type && !matchesType(name, *type)) {
    for (const char* p = type->extension; *p; ++p) name.push_back(static_cast<unsigned char>(*p));
  }

  // Cut the stem, not the extension, so a long name still opens with the right program.
  if (name.size() > kMaxFileNameChars) {
    const size_t dot = extensionStart(name);
    const size_t extLen = dot == size_t(-1) ? 0 : name.size() - dot;
    std::vector<char32_t> cut(
        name.begin(), name.begin() + static_cast<std::ptrdiff_t>(kMaxFileNameChars - extLen));
    while (!cut.empty() && isTrimmed(cut.back())) cut.pop_back();
    if (extLen > 0)
      cut.insert(cut.end(), name.begin() + static_cast<std::ptrdiff_t>(dot), name.end());
    name = std::move(cut);
  }
  return encodeUtf8(name);
}

std::string contentDisposition(std::string_view fileName) {
  const std::string safe = sanitizeFileName(fileName);

  // The fallback for clients without RFC 8187: printable ASCII only, nothing that ends the
  // quoted string or starts an escape.
  std::string ascii;
  for (char32_t c : decodeUtf8(safe))
    ascii += c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%' && c != ';'
                 ? static_cast<char>(c)
                 : '_';
  const size_t dot = ascii.rfind('.');
  const std::string stem = dot == std::string::npos || dot == 0 ? ascii : ascii.substr(0, dot);
  const std::string ext = stem.size() == ascii.size() ? "" : ascii.substr(dot);
  if (std::none_of(stem.begin(), stem.end(), isAsciiAlnum)) {
    const bool plainExt = ext.size() > 1 && std::all_of(ext.begin() + 1, ext.end(), isAsciiAlnum);
    ascii = std::string("attachment") + (plainExt ? ext : "");
  }

  std::string encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : safe) {
    if (isAttrChar(c)) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0x0F];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

std::optional<std::string> multipartBoundary(std::string_view contentType) {
  std::string lower(contentType);
  for (char& ch : lower) ch = static_cast<char>(asciiLower(static_cast<unsigned char>(ch)));
  const size_t key = lower.find("boundary=");
  if (key == std::string::npos) return std::nullopt;
  std::string_view value = contentType.substr(key + 9);
  if (!value.empty() && value.front() == '"') {
    value.remove_prefix(1);
    value = value.substr(0, value.find('"'));
  } else {
    value = value.substr(0, value.find(';'));
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  }
  return std::string(value);
}

// ---- hashing and ids ------------------------------------------------------------------------

std::string sha256Hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string newAttachmentId() {
  // sodium_init is idempotent and thread-safe; Auth calls it too, but this must not depend on it.
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char bytes[12];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return std::string("att-") + hex;
}

}  // namespace pcs::server
