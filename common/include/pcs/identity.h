#pragma once
// Who is the same complainant (R9), and how personal data is masked (R18).
//
// The notice counts complaints against a company "once per person" (同一人举报不重复计入). A
// person is recognised by a normalised contact key, so that one mobile typed as 13800138000,
// +86 138 0013 8000, 008613800138000 or in full-width digits from a Chinese input method is one
// key. The raw contact is kept on the case for display to those who must call back; only the
// key is used for counting.
//
// Everything here is pure, byte-exact UTF-8 processing: no locale, no <format>, so the same
// answers come out of the server and the WebAssembly client.

#include <string>
#include <string_view>

namespace pcs {

enum class ContactKind {
  Mobile,    // an 11-digit mainland mobile number: key "m:13800138000"
  Landline,  // a fixed line: key "l:0355-1234567", "l:0355-1234567x8021", or "l:1234567"
             // when written without an area code and none was supplied
  Email,     // key "e:" + lower-cased address
  Other,     // anything else: "p:" + digits for an unrecognised number (400 lines, foreign
             // numbers keep their "+"), "o:" + compacted lower-case text otherwise
  Empty,     // nothing usable was written: key ""
};

struct ContactKey {
  ContactKind kind = ContactKind::Empty;
  std::string key;
};

// Normalises a contact as typed by intake staff or imported from 12345.
//
// Accepted noise: spaces (also U+3000 and no-break space), dashes (also U+2010..U+2015, U+2212,
// U+FF0D), dots, slashes, round/square/full-width brackets, full-width digits, letters and
// punctuation (U+FF01..U+FF5E), a leading label ending in a colon ("手机：", "电话:"), the
// country code as +86, 0086, 86 or +86 followed by the trunk 0, and a 0 dialled before a
// mobile. Extensions are recognised after 转, 分机, ext, x or #, or as a short last group
// after a complete dash-separated landline ("0355-1234567-8021"); a mobile drops its extension.
//
// `localAreaCode` (e.g. "0355"), when given, completes a 7- or 8-digit number written without
// an area code, so "1234567" and "0355-1234567" are the same line; without it a bare local
// number only matches the same bare local number.
//
// A contact that says nothing is Empty, so the complaint falls back to the name: blank or
// punctuation only ("-", "/"), a placeholder word (无, 不详, 未留电话, ...), or one digit
// repeated ("0", "11111111111", typed to get past a required field). A number labelled QQ is
// kept as text, never read as a telephone.
ContactKey normaliseContact(std::string_view raw, std::string_view localAreaCode = {});

// The name used for counting when there is no contact: trimmed, full-width ASCII folded to
// half-width, ASCII lower-cased, every space removed, and the name separators of minority
// names (·, •, ・, ．) unified. Placeholders such as 匿名, 不详 or 无 give "" (no name).
std::string normaliseName(std::string_view name);

// The identity under which a complaint is counted for its company (R9):
//   - the contact key when the contact is usable (so a person who spells their name
//     differently but leaves the same number is one person);
//   - otherwise "n:" + normaliseName(name), so contact-less complaints still count once per
//     name;
//   - otherwise "" (no name, no contact). Such a complaint cannot be shown to repeat anyone,
//     so the ledger counts each one as its own complainant: the notice only excludes repeats
//     by the same person, and under-counting would hide a company from supervision.
// A contact key and a name key are never merged: 张三 with a number and 张三 without one are
// two complainants, because two people can share a name.
std::string complainantKey(std::string_view name, std::string_view contact,
                           std::string_view localAreaCode = {});

// The key the ledger uses for a complaint whose complainantKey() is "": unique per case.
std::string anonymousComplainantKey(std::string_view caseId);

// The rule above in Chinese, for the UI next to every count of complainants.
std::string complainantRuleZh();

// Masking for pages that must not show personal data (R18). All counts are in code points,
// never bytes, so Chinese names are never cut inside a character.
//   maskName("张三") == "张*", maskName("欧阳明华") == "欧***", maskName("张") == "*"
std::string maskName(std::string_view name);
//   mobile "138****8000"; landline "0355-****567" (area code kept, last 3 digits kept,
//   extension dropped); e-mail "z***@qq.com"; anything else keeps at most its first and last
//   two characters; "" stays "".
std::string maskContact(std::string_view raw, std::string_view localAreaCode = {});
// Masks a key produced by complainantKey()/anonymousComplainantKey() for evidence lists:
// "m:13800138000" -> "138****8000", "n:张三" -> "张*", anonymous -> "匿名".
std::string maskComplainantKey(std::string_view key);

}  // namespace pcs
