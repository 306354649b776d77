#include "open311.h"

#include <sodium.h>

#include <cstdio>
#include <stdexcept>

#include "pcs/date.h"

namespace pcs::server {

std::string newApiKey() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  char text[sodium_base64_ENCODED_LEN(sizeof bytes, kVariant)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, kVariant);
  return text;
}

std::string apiKeyHash(std::string_view key) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

namespace {

// Reads exactly `n` ASCII digits at `pos`; nullopt when any is missing.
std::optional<int> digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<int64_t> parseIso8601(std::string_view s) {
  // Date and the separator.
  if (s.size() < 16) return std::nullopt;
  auto date = Date::parse(s.substr(0, 10));
  if (!date || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return std::nullopt;

  // Hours, minutes and optional seconds with an optional fraction.
  auto hh = digits(s, 11, 2), mm = digits(s, 14, 2);
  if (!hh || !mm || s[13] != ':' || *hh > 23 || *mm > 59) return std::nullopt;
  size_t pos = 16;
  int ss = 0;
  if (pos < s.size() && s[pos] == ':') {
    auto sec = digits(s, pos + 1, 2);
    if (!sec || *sec > 59) return std::nullopt;
    ss = *sec;
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      size_t end = pos + 1;
      while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
      if (end == pos + 1) return std::nullopt;
      pos = end;
    }
  }

  // The offset: none (Beijing time), Z, or +HH[:MM] / -HH[:MM].
  int64_t offset = kCstOffsetSeconds;
  if (pos < s.size()) {
    const char sign = s[pos];
    if ((sign == 'Z' || sign == 'z') && pos + 1 == s.size()) {
      offset = 0;
    } else if (sign == '+' || sign == '-') {
      auto oh = digits(s, pos + 1, 2);
      if (!oh) return std::nullopt;
      size_t p = pos + 3;
      int om = 0;
      const bool colon = p < s.size() && s[p] == ':';
      if (colon) ++p;
      if (colon || p < s.size()) {
        auto m = digits(s, p, 2);
        if (!m || p + 2 != s.size()) return std::nullopt;
        om = *m;
      }
      if (*oh > 14 || om > 59) return std::nullopt;
      offset = (sign == '-' ? -1 : 1) * (int64_t{*oh} * 3600 + om * 60);
    } else {
      return std::nullopt;
    }
  }

  return int64_t{date->dayNumber()} * kSecondsPerDay + *hh * 3600 + *mm * 60 + ss - offset;
}

std::string formatIso8601(int64_t unixSeconds) {
  const Date d = cstDate(unixSeconds);
  const int64_t inDay = unixSeconds + kCstOffsetSeconds - int64_t{d.dayNumber()} * kSecondsPerDay;
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", static_cast<int>(inDay / 3600),
                static_cast<int>(inDay / 60 % 60), static_cast<int>(inDay % 60));
  return d.toString() + buf + "+08:00";
}

}  // namespace pcs::server
