#pragma once
// Serialisation of the domain types with cereal: JSON for the API, portable binary for storage.
//
// Sections:
//   1. versions        CEREAL_CLASS_VERSION of every record type
//   2. read errors     how a failed read names the field that was wrong
//   3. enum keys       the stable key of every enum value, and the reverse lookups
//   4. values          Date and the enums as single values
//   5. records         one serialize() per struct, with its JSON wire names
//   6. archives        the binary and JSON readers that do not trust their input; the JSON writer
//   7. entry points    toJsonString / fromJsonString / toBinary / fromBinary
//
// Wire format. JSON member names are snake_case ("received_at", "owner_unit_id"); they are the
// API's names and never change. Enums are their key strings ("state":"in_progress") and dates
// "YYYY-MM-DD" in JSON; in binary both are int32 (enum ordinal, day number since 1970-01-01).
// An optional is its value, or null when empty. JSON carries no record versions: a record
// without "cereal_class_version" is read as the current version.
//
// Older JSON (written through cereal's own archive) stays readable: an optional may also be
// {"nullopt":true} or {"nullopt":false,"data":...}, or be left out (empty); the first object of
// a record type may carry "cereal_class_version", which then holds for every later object of
// that type in the document (cereal reads it once per type).
//
// Versioning. Every record type has a version (section 1) and its serialize() receives the
// version the record was written with. A field added in version N is read only when
// version >= N, so older records stay readable (see serialize(Case)). JSON members are found by
// name, so a newer JSON record is read by older code (unknown members are ignored); a binary
// record is positional, so a version newer than this program knows is refused.
//
// Errors. Every read failure - malformed JSON, a missing member, a wrong type, an unknown enum
// key, a truncated or hostile binary blob - throws pcs::Error(InvalidInput) whose message names
// the field path and the problem, e.g.
//   invalid JSON record: case.assignments.state: unknown assignment state "lost" (known: ...)
// Binary is written with cereal's portable binary archive, JSON with our own writer (section 6:
// cereal's JSON writer adds the cereal artefacts above). Reading uses the two reading archives
// of section 6, which check every value and length themselves instead of relying on cereal's
// readers (which resize to untrusted length prefixes, and detect wrong JSON types only through
// rapidjson assertions - and those abort, or vanish under NDEBUG, in any program where some
// file includes rapidjson without cereal's override).

// clang-format off
// cereal's JSON archive first, so that rapidjson in this file is configured the way cereal
// configures it everywhere else.
#include <cereal/archives/json.hpp>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
// clang-format on

#include <algorithm>
#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "pcs/calendar.h"
#include "pcs/case.h"
#include "pcs/catalogue.h"
#include "pcs/date.h"
#include "pcs/deadline.h"
#include "pcs/error.h"
#include "pcs/handler.h"
#include "pcs/identity.h"
#include "pcs/ledger.h"
#include "pcs/org.h"
#include "pcs/procedure.h"
#include "pcs/workflow.h"

// ---------------------------------------------------------------------------------------------
// 1. versions
//
// Raise a type's number when a field is added to it, and read the field only from records of
// that version or later (see serialize(Case)). Never lower a number or reuse one.

CEREAL_CLASS_VERSION(pcs::Rule, 1)
CEREAL_CLASS_VERSION(pcs::Suspension, 1)
CEREAL_CLASS_VERSION(pcs::Deadline, 1)
CEREAL_CLASS_VERSION(pcs::DayInfo, 1)
CEREAL_CLASS_VERSION(pcs::UnitHistory, 1)
CEREAL_CLASS_VERSION(pcs::OrgUnit, 1)
CEREAL_CLASS_VERSION(pcs::Company, 1)
CEREAL_CLASS_VERSION(pcs::Estate, 1)
CEREAL_CLASS_VERSION(pcs::Complainant, 1)
CEREAL_CLASS_VERSION(pcs::Attachment, 1)
CEREAL_CLASS_VERSION(pcs::Signature, 1)
CEREAL_CLASS_VERSION(pcs::PlanMilestone, 1)
CEREAL_CLASS_VERSION(pcs::SuspensionRequest, 1)
CEREAL_CLASS_VERSION(pcs::ExtensionRequest, 1)
CEREAL_CLASS_VERSION(pcs::PenaltyClock, 1)
CEREAL_CLASS_VERSION(pcs::Assignment, 2)  // 2: decided_due
CEREAL_CLASS_VERSION(pcs::Event, 1)
CEREAL_CLASS_VERSION(pcs::Case, 1)
CEREAL_CLASS_VERSION(pcs::DispatchTarget, 1)
CEREAL_CLASS_VERSION(pcs::Command, 1)
CEREAL_CLASS_VERSION(pcs::Actor, 1)
CEREAL_CLASS_VERSION(pcs::CatalogueEntry, 1)
CEREAL_CLASS_VERSION(pcs::ContactKey, 1)
CEREAL_CLASS_VERSION(pcs::LedgerComplaint, 1)
CEREAL_CLASS_VERSION(pcs::LedgerThresholds, 1)
CEREAL_CLASS_VERSION(pcs::CompanyStanding, 1)
CEREAL_CLASS_VERSION(pcs::SurveyResult, 1)
CEREAL_CLASS_VERSION(pcs::LedgerWindow, 1)
CEREAL_CLASS_VERSION(pcs::ComplainantCases, 1)
CEREAL_CLASS_VERSION(pcs::ComplainantCount, 1)
CEREAL_CLASS_VERSION(pcs::CompanyCounts, 1)
CEREAL_CLASS_VERSION(pcs::LedgerCriterion, 1)
CEREAL_CLASS_VERSION(pcs::LedgerProposal, 1)
CEREAL_CLASS_VERSION(pcs::ProcedureStep, 1)
CEREAL_CLASS_VERSION(pcs::ProcedureSurvey, 1)
CEREAL_CLASS_VERSION(pcs::ProcedureProposal, 1)
CEREAL_CLASS_VERSION(pcs::ProcedureEvent, 1)
CEREAL_CLASS_VERSION(pcs::Procedure, 1)

namespace pcs::detail {

template <class Archive>
inline constexpr bool kIsTextArchive = cereal::traits::is_text_archive<Archive>::value;

// ---------------------------------------------------------------------------------------------
// 2. read errors

// A failed read of one field. It travels out through the enclosing records, each adding its
// own name in front, so the final message gives the whole path ("assignments.resolve_due.due").
class ReadError : public std::exception {
 public:
  ReadError(std::string field, std::string reason)
      : path_(std::move(field)), reason_(std::move(reason)) {}
  void enclose(std::string_view outer) { path_.insert(0, std::string(outer) + "."); }
  const std::string& path() const { return path_; }
  const char* what() const noexcept override { return reason_.c_str(); }

 private:
  std::string path_;
  std::string reason_;
};

// Quotes untrusted text for a message, cut to a sane length on a UTF-8 character boundary.
inline std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxQuotedBytes = 60;
  if (text.size() <= kMaxQuotedBytes) return "\"" + std::string(text) + "\"";
  std::size_t cut = kMaxQuotedBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "\"" + std::string(text.substr(0, cut)) + "...\"";
}

// A named member that is not in the JSON object being read.
class MissingField : public std::exception {
 public:
  explicit MissingField(std::string name)
      : name_(std::move(name)), message_("required field \"" + name_ + "\" is missing") {}
  const std::string& name() const { return name_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string name_;
  std::string message_;
};

// Reads or writes one member under its wire name. On reading, any failure below becomes a
// ReadError naming this member.
template <class Archive, class T>
void field(Archive& ar, const char* name, T& value) {
  if constexpr (Archive::is_loading::value) {
    try {
      ar(cereal::make_nvp(name, value));
    } catch (ReadError& e) {
      e.enclose(name);
      throw;
    } catch (const MissingField& e) {
      // The member itself, or one read inside it (the "nullopt"/"data" of an old-form optional).
      throw ReadError(name, e.name() == name ? "required field is missing" : e.what());
    } catch (const Error& e) {
      throw ReadError(name, e.what());
    } catch (const cereal::Exception& e) {
      throw ReadError(name, e.what());
    }
  } else {
    ar(cereal::make_nvp(name, value));
  }
}

// Refuses record versions this program cannot read: 0 was never written, and a binary record
// newer than this program has fields in places it does not know. Newer JSON is fine (by name).
template <class T, class Archive>
void checkVersion(const Archive&, std::uint32_t version) {
  if constexpr (Archive::is_loading::value) {
    const std::uint32_t known = cereal::detail::Version<T>::version;
    if (version == 0 || (!kIsTextArchive<Archive> && version > known))
      throw Error(ErrorCode::InvalidInput, "record version " + std::to_string(version) +
                                               " is not readable (this program reads 1 to " +
                                               std::to_string(known) + ")");
  }
}

// ---------------------------------------------------------------------------------------------
// 3. enum keys
//
// EnumKeys<E> names every enum that goes on the wire: what it is (for messages), how many values
// it has (they are 0..count-1, declared without explicit values) and the key of each. Adding an
// enumerator at the end means updating kLast here; the keys themselves live with the enum.

template <class E>
struct EnumKeys;

#define PCS_ENUM_KEYS(E, WHAT, LAST, KEY_FN)                                         \
  template <>                                                                        \
  struct EnumKeys<E> {                                                               \
    static constexpr const char* kWhat = WHAT;                                       \
    static constexpr int kCount = static_cast<int>(LAST) + 1;                        \
    static std::string_view key(E value) { return std::string_view(KEY_FN(value)); } \
  };

inline const char* recurrenceKey(Recurrence r) {
  switch (r) {
    case Recurrence::Once:
      return "once";
    case Recurrence::Weekly:
      return "weekly";
    case Recurrence::Monthly:
      return "monthly";
  }
  return "once";
}

inline const char* contactKindKey(ContactKind k) {
  switch (k) {
    case ContactKind::Mobile:
      return "mobile";
    case ContactKind::Landline:
      return "landline";
    case ContactKind::Email:
      return "email";
    case ContactKind::Other:
      return "other";
    case ContactKind::Empty:
      return "empty";
  }
  return "empty";
}

PCS_ENUM_KEYS(Handler, "handler", Handler::Community, handlerKey)
PCS_ENUM_KEYS(RuleUnit, "time-limit unit", RuleUnit::Hours, ruleUnitKey)
PCS_ENUM_KEYS(Recurrence, "recurrence", Recurrence::Monthly, recurrenceKey)
PCS_ENUM_KEYS(DayKind, "day kind", DayKind::AdjustedWorkday, dayKindKey)
PCS_ENUM_KEYS(OrgLevel, "organisation level", OrgLevel::Community, orgLevelKey)
PCS_ENUM_KEYS(UnitKind, "unit kind", UnitKind::PartyGovernment, unitKindKey)
PCS_ENUM_KEYS(ListStatus, "list status", ListStatus::Black, listStatusKey)
PCS_ENUM_KEYS(Channel, "channel", Channel::Open311, channelKey)
PCS_ENUM_KEYS(CaseState, "case state", CaseState::Merged, caseStateKey)
PCS_ENUM_KEYS(AssignmentState, "assignment state", AssignmentState::Closed, assignmentStateKey)
PCS_ENUM_KEYS(Satisfaction, "satisfaction", Satisfaction::Unreachable, satisfactionKey)
PCS_ENUM_KEYS(Role, "role", Role::Admin, roleKey)
PCS_ENUM_KEYS(Action, "action", Action::SetDecidedDeadline, actionKey)
PCS_ENUM_KEYS(ContactKind, "contact kind", ContactKind::Empty, contactKindKey)
PCS_ENUM_KEYS(LedgerRule, "ledger rule", LedgerRule::Exit, ledgerRuleKey)
PCS_ENUM_KEYS(ProcedureKind, "procedure kind", ProcedureKind::Exit, procedureKindKey)
PCS_ENUM_KEYS(ProcedureStage, "procedure stage", ProcedureStage::Closed, procedureStageKey)
PCS_ENUM_KEYS(ProcedureAction, "procedure action", ProcedureAction::Withdraw, procedureActionKey)
PCS_ENUM_KEYS(StepState, "step state", StepState::Skipped, stepStateKey)

#undef PCS_ENUM_KEYS

static_assert(EnumKeys<Handler>::kCount == kHandlerCount);

// The value whose key is `key`, or nullopt.
template <class E>
std::optional<E> enumFromKey(std::string_view key) {
  for (int i = 0; i < EnumKeys<E>::kCount; ++i) {
    const E value = static_cast<E>(i);
    if (EnumKeys<E>::key(value) == key) return value;
  }
  return std::nullopt;
}

// Reverse lookups the enums' own headers do not offer.
inline std::optional<Recurrence> recurrenceFromKey(std::string_view k) {
  return enumFromKey<Recurrence>(k);
}
inline std::optional<DayKind> dayKindFromKey(std::string_view k) {
  return enumFromKey<DayKind>(k);
}
inline std::optional<OrgLevel> orgLevelFromKey(std::string_view k) {
  return enumFromKey<OrgLevel>(k);
}
inline std::optional<UnitKind> unitKindFromKey(std::string_view k) {
  return enumFromKey<UnitKind>(k);
}
inline std::optional<ListStatus> listStatusFromKey(std::string_view k) {
  return enumFromKey<ListStatus>(k);
}
inline std::optional<CaseState> caseStateFromKey(std::string_view k) {
  return enumFromKey<CaseState>(k);
}
inline std::optional<AssignmentState> assignmentStateFromKey(std::string_view k) {
  return enumFromKey<AssignmentState>(k);
}
inline std::optional<ContactKind> contactKindFromKey(std::string_view k) {
  return enumFromKey<ContactKind>(k);
}
inline std::optional<LedgerRule> ledgerRuleFromKey(std::string_view k) {
  return enumFromKey<LedgerRule>(k);
}

template <class E>
E enumFromKeyOrThrow(std::string_view key) {
  if (const auto value = enumFromKey<E>(key)) return *value;
  std::string known;
  for (int i = 0; i < EnumKeys<E>::kCount; ++i)
    known += (i ? ", " : "") + std::string(EnumKeys<E>::key(static_cast<E>(i)));
  throw Error(ErrorCode::InvalidInput, "unknown " + std::string(EnumKeys<E>::kWhat) + " " +
                                           quoted(key) + " (known: " + known + ")");
}

template <class E>
E enumFromNumberOrThrow(std::int32_t number) {
  if (number < 0 || number >= EnumKeys<E>::kCount)
    throw Error(ErrorCode::InvalidInput,
                "unknown " + std::string(EnumKeys<E>::kWhat) + " number " + std::to_string(number));
  return static_cast<E>(number);
}

// The dates a record may hold: exactly those Date::parse() accepts, so every binary record can
// also be written as JSON and read back.
inline Date earliestDate() {
  static const Date first = Date::fromYmd(1900, 1, 1);
  return first;
}
inline Date latestDate() {
  static const Date last = Date::fromYmd(2200, 12, 31);
  return last;
}

}  // namespace pcs::detail

namespace pcs {

// ---------------------------------------------------------------------------------------------
// 4. values
//
// Date and every enum are "minimal" values: one JSON string or one int32, never an object. The
// text/binary choice is made on the archive type.

template <class Archive,
          cereal::traits::EnableIf<detail::kIsTextArchive<Archive>> = cereal::traits::sfinae>
std::string save_minimal(const Archive&, const Date& d) {
  return d.toString();
}

template <class Archive,
          cereal::traits::EnableIf<detail::kIsTextArchive<Archive>> = cereal::traits::sfinae>
void load_minimal(const Archive&, Date& d, const std::string& text) {
  const std::optional<Date> parsed = Date::parse(text);
  if (!parsed)
    throw Error(ErrorCode::InvalidInput,
                "not a date " + detail::quoted(text) + " (expected YYYY-MM-DD, 1900 to 2200)");
  d = *parsed;
}

template <class Archive,
          cereal::traits::DisableIf<detail::kIsTextArchive<Archive>> = cereal::traits::sfinae>
std::int32_t save_minimal(const Archive&, const Date& d) {
  return d.dayNumber();
}

template <class Archive,
          cereal::traits::DisableIf<detail::kIsTextArchive<Archive>> = cereal::traits::sfinae>
void load_minimal(const Archive&, Date& d, const std::int32_t& dayNumber) {
  const Date value = Date::fromDayNumber(dayNumber);
  if (value < detail::earliestDate() || value > detail::latestDate())
    throw Error(ErrorCode::InvalidInput,
                "day number " + std::to_string(dayNumber) + " is outside 1900 to 2200");
  d = value;
}

// cereal serialises any enum as its underlying integer; these overloads are more specialised
// than that template, so they win and every enum goes out as its key (text) or ordinal (binary)
// and comes back checked.
#define PCS_SERIALIZE_ENUM(E)                                                                    \
  template <class Archive,                                                                       \
            cereal::traits::EnableIf<detail::kIsTextArchive<Archive>> = cereal::traits::sfinae>  \
  std::string save_minimal(const Archive&, const E& value) {                                     \
    return std::string(detail::EnumKeys<E>::key(value));                                         \
  }                                                                                              \
  template <class Archive,                                                                       \
            cereal::traits::EnableIf<detail::kIsTextArchive<Archive>> = cereal::traits::sfinae>  \
  void load_minimal(const Archive&, E& value, const std::string& key) {                          \
    value = detail::enumFromKeyOrThrow<E>(key);                                                  \
  }                                                                                              \
  template <class Archive,                                                                       \
            cereal::traits::DisableIf<detail::kIsTextArchive<Archive>> = cereal::traits::sfinae> \
  std::int32_t save_minimal(const Archive&, const E& value) {                                    \
    return static_cast<std::int32_t>(value);                                                     \
  }                                                                                              \
  template <class Archive,                                                                       \
            cereal::traits::DisableIf<detail::kIsTextArchive<Archive>> = cereal::traits::sfinae> \
  void load_minimal(const Archive&, E& value, const std::int32_t& number) {                      \
    value = detail::enumFromNumberOrThrow<E>(number);                                            \
  }

PCS_SERIALIZE_ENUM(Handler)
PCS_SERIALIZE_ENUM(RuleUnit)
PCS_SERIALIZE_ENUM(Recurrence)
PCS_SERIALIZE_ENUM(DayKind)
PCS_SERIALIZE_ENUM(OrgLevel)
PCS_SERIALIZE_ENUM(UnitKind)
PCS_SERIALIZE_ENUM(ListStatus)
PCS_SERIALIZE_ENUM(Channel)
PCS_SERIALIZE_ENUM(CaseState)
PCS_SERIALIZE_ENUM(AssignmentState)
PCS_SERIALIZE_ENUM(Satisfaction)
PCS_SERIALIZE_ENUM(Role)
PCS_SERIALIZE_ENUM(Action)
PCS_SERIALIZE_ENUM(ContactKind)
PCS_SERIALIZE_ENUM(LedgerRule)
PCS_SERIALIZE_ENUM(ProcedureKind)
PCS_SERIALIZE_ENUM(ProcedureStage)
PCS_SERIALIZE_ENUM(ProcedureAction)
PCS_SERIALIZE_ENUM(StepState)

#undef PCS_SERIALIZE_ENUM

// ---------------------------------------------------------------------------------------------
// 5. records
//
// One serialize() per struct, members in declaration order, each under its wire name.

template <class Archive>
void serialize(Archive& ar, Rule& r, std::uint32_t const version) {
  detail::checkVersion<Rule>(ar, version);
  detail::field(ar, "id", r.id);
  detail::field(ar, "unit", r.unit);
  detail::field(ar, "amount", r.amount);
  detail::field(ar, "recurrence", r.recurrence);
  detail::field(ar, "title", r.title);
  detail::field(ar, "from", r.from);
}

template <class Archive>
void serialize(Archive& ar, Suspension& s, std::uint32_t const version) {
  detail::checkVersion<Suspension>(ar, version);
  detail::field(ar, "from", s.from);
  detail::field(ar, "to", s.to);
}

template <class Archive>
void serialize(Archive& ar, Deadline& d, std::uint32_t const version) {
  detail::checkVersion<Deadline>(ar, version);
  detail::field(ar, "rule_id", d.ruleId);
  detail::field(ar, "unit", d.unit);
  detail::field(ar, "from", d.from);
  detail::field(ar, "due", d.due);
  detail::field(ar, "provisional", d.provisional);
  detail::field(ar, "explanation", d.explanation);
}

template <class Archive>
void serialize(Archive& ar, DayInfo& d, std::uint32_t const version) {
  detail::checkVersion<DayInfo>(ar, version);
  detail::field(ar, "date", d.date);
  detail::field(ar, "kind", d.kind);
  detail::field(ar, "working", d.working);
  detail::field(ar, "name", d.name);
  detail::field(ar, "provisional", d.provisional);
}

template <class Archive>
void serialize(Archive& ar, UnitHistory& h, std::uint32_t const version) {
  detail::checkVersion<UnitHistory>(ar, version);
  detail::field(ar, "at", h.at);
  detail::field(ar, "old_name", h.oldName);
  detail::field(ar, "old_parent_id", h.oldParentId);
  detail::field(ar, "note", h.note);
}

template <class Archive>
void serialize(Archive& ar, OrgUnit& u, std::uint32_t const version) {
  detail::checkVersion<OrgUnit>(ar, version);
  detail::field(ar, "id", u.id);
  detail::field(ar, "name", u.name);
  detail::field(ar, "level", u.level);
  detail::field(ar, "kind", u.kind);
  detail::field(ar, "handler", u.handler);
  detail::field(ar, "parent_id", u.parentId);
  detail::field(ar, "active", u.active);
  detail::field(ar, "history", u.history);
}

template <class Archive>
void serialize(Archive& ar, Company& c, std::uint32_t const version) {
  detail::checkVersion<Company>(ar, version);
  detail::field(ar, "id", c.id);
  detail::field(ar, "name", c.name);
  detail::field(ar, "credit_code", c.creditCode);
  detail::field(ar, "service_grade", c.serviceGrade);
  detail::field(ar, "credit_rating", c.creditRating);
  detail::field(ar, "list_status", c.listStatus);
  detail::field(ar, "months_on_black_list", c.monthsOnBlackList);
}

template <class Archive>
void serialize(Archive& ar, Estate& e, std::uint32_t const version) {
  detail::checkVersion<Estate>(ar, version);
  detail::field(ar, "id", e.id);
  detail::field(ar, "name", e.name);
  detail::field(ar, "address", e.address);
  detail::field(ar, "county_id", e.countyId);
  detail::field(ar, "street_id", e.streetId);
  detail::field(ar, "community_id", e.communityId);
  detail::field(ar, "company_id", e.companyId);
  detail::field(ar, "high_rise", e.highRise);
  detail::field(ar, "direct_power", e.directPower);
}

template <class Archive>
void serialize(Archive& ar, Complainant& c, std::uint32_t const version) {
  detail::checkVersion<Complainant>(ar, version);
  detail::field(ar, "name", c.name);
  detail::field(ar, "contact", c.contact);
  detail::field(ar, "key", c.key);
}

template <class Archive>
void serialize(Archive& ar, Attachment& a, std::uint32_t const version) {
  detail::checkVersion<Attachment>(ar, version);
  detail::field(ar, "id", a.id);
  detail::field(ar, "file_name", a.fileName);
  detail::field(ar, "mime_type", a.mimeType);
  detail::field(ar, "size", a.size);
  detail::field(ar, "sha256", a.sha256);
  detail::field(ar, "added_at", a.addedAt);
  detail::field(ar, "added_by", a.addedBy);
}

template <class Archive>
void serialize(Archive& ar, Signature& s, std::uint32_t const version) {
  detail::checkVersion<Signature>(ar, version);
  detail::field(ar, "user_id", s.userId);
  detail::field(ar, "unit_id", s.unitId);
  detail::field(ar, "at", s.at);
  detail::field(ar, "opinion", s.opinion);
}

template <class Archive>
void serialize(Archive& ar, PlanMilestone& m, std::uint32_t const version) {
  detail::checkVersion<PlanMilestone>(ar, version);
  detail::field(ar, "due", m.due);
  detail::field(ar, "text", m.text);
}

template <class Archive>
void serialize(Archive& ar, SuspensionRequest& s, std::uint32_t const version) {
  detail::checkVersion<SuspensionRequest>(ar, version);
  detail::field(ar, "from", s.from);
  detail::field(ar, "to", s.to);
  detail::field(ar, "reason", s.reason);
  detail::field(ar, "requested_by", s.requestedBy);
  detail::field(ar, "requested_at", s.requestedAt);
}

template <class Archive>
void serialize(Archive& ar, ExtensionRequest& e, std::uint32_t const version) {
  detail::checkVersion<ExtensionRequest>(ar, version);
  detail::field(ar, "days", e.days);
  detail::field(ar, "reason", e.reason);
  detail::field(ar, "requested_by", e.requestedBy);
  detail::field(ar, "requested_at", e.requestedAt);
}

template <class Archive>
void serialize(Archive& ar, PenaltyClock& p, std::uint32_t const version) {
  detail::checkVersion<PenaltyClock>(ar, version);
  detail::field(ar, "discovered_on", p.discoveredOn);
  detail::field(ar, "law_reference", p.lawReference);
  detail::field(ar, "verify_due", p.verifyDue);
  detail::field(ar, "decide_due", p.decideDue);
  detail::field(ar, "extended", p.extended);
  detail::field(ar, "verified", p.verified);
  detail::field(ar, "outcome", p.outcome);
  detail::field(ar, "decided_at", p.decidedAt);
}

template <class Archive>
void serialize(Archive& ar, Assignment& a, std::uint32_t const version) {
  detail::checkVersion<Assignment>(ar, version);
  detail::field(ar, "id", a.id);
  detail::field(ar, "handler", a.handler);
  detail::field(ar, "unit_id", a.unitId);
  detail::field(ar, "state", a.state);
  detail::field(ar, "catalogue_codes", a.catalogueCodes);
  detail::field(ar, "dispatched_at", a.dispatchedAt);
  detail::field(ar, "accepted_at", a.acceptedAt);
  detail::field(ar, "resolved_at", a.resolvedAt);
  detail::field(ar, "closed_at", a.closedAt);
  detail::field(ar, "resolve_due", a.resolveDue);
  detail::field(ar, "plan_due", a.planDue);
  detail::field(ar, "progress_due", a.progressDue);
  detail::field(ar, "plan", a.plan);
  detail::field(ar, "progress_reports", a.progressReports);
  detail::field(ar, "last_progress_at", a.lastProgressAt);
  detail::field(ar, "suspensions", a.suspensions);
  detail::field(ar, "pending_suspension", a.pendingSuspension);
  detail::field(ar, "extension_days", a.extensionDays);
  detail::field(ar, "pending_extension", a.pendingExtension);
  detail::field(ar, "substantiated", a.substantiated);
  detail::field(ar, "answer", a.answer);
  detail::field(ar, "co_sign_street", a.coSignStreet);
  detail::field(ar, "co_sign_housing", a.coSignHousing);
  detail::field(ar, "return_reason", a.returnReason);
  detail::field(ar, "reject_reason", a.rejectReason);
  detail::field(ar, "penalty", a.penalty);
  if (version >= 2) detail::field(ar, "decided_due", a.decidedDue);
}

template <class Archive>
void serialize(Archive& ar, Event& e, std::uint32_t const version) {
  detail::checkVersion<Event>(ar, version);
  detail::field(ar, "seq", e.seq);
  detail::field(ar, "at", e.at);
  detail::field(ar, "user_id", e.userId);
  detail::field(ar, "unit_id", e.unitId);
  detail::field(ar, "role", e.role);
  detail::field(ar, "action", e.action);
  detail::field(ar, "assignment_id", e.assignmentId);
  detail::field(ar, "from_state", e.fromState);
  detail::field(ar, "to_state", e.toState);
  detail::field(ar, "reason", e.reason);
  detail::field(ar, "detail", e.detail);
}

template <class Archive>
void serialize(Archive& ar, Case& c, std::uint32_t const version) {
  detail::checkVersion<Case>(ar, version);
  detail::field(ar, "id", c.id);
  detail::field(ar, "received_at", c.receivedAt);
  detail::field(ar, "registered_at", c.registeredAt);
  detail::field(ar, "channel", c.channel);
  detail::field(ar, "external_ref", c.externalRef);
  detail::field(ar, "complainant", c.complainant);
  detail::field(ar, "content", c.content);
  detail::field(ar, "location", c.location);
  detail::field(ar, "estate_id", c.estateId);
  detail::field(ar, "company_id", c.companyId);
  detail::field(ar, "county_id", c.countyId);
  detail::field(ar, "street_id", c.streetId);
  detail::field(ar, "community_id", c.communityId);
  detail::field(ar, "categories", c.categories);
  detail::field(ar, "urgent", c.urgent);
  detail::field(ar, "urgent_reason", c.urgentReason);
  detail::field(ar, "major", c.major);
  detail::field(ar, "intake_unit_id", c.intakeUnitId);
  detail::field(ar, "owner_unit_id", c.ownerUnitId);
  detail::field(ar, "state", c.state);
  detail::field(ar, "dispatch_due", c.dispatchDue);
  detail::field(ar, "dispatch_due_at", c.dispatchDueAt);
  detail::field(ar, "dispatched_at", c.dispatchedAt);
  detail::field(ar, "reported_urgent_at", c.reportedUrgentAt);
  detail::field(ar, "assignments", c.assignments);
  detail::field(ar, "satisfaction", c.satisfaction);
  detail::field(ar, "merged_into", c.mergedInto);
  detail::field(ar, "merged_from", c.mergedFrom);
  detail::field(ar, "attachments", c.attachments);
  detail::field(ar, "returns", c.returns);
  detail::field(ar, "reopens", c.reopens);
  detail::field(ar, "closed_at", c.closedAt);
  detail::field(ar, "events", c.events);

  // How a field is added later. Say version 2 adds `std::string hotlineArea`: append
  //   if (version >= 2) detail::field(ar, "hotline_area", c.hotlineArea);
  // here (after every older field, so binary records keep their layout) and raise
  // CEREAL_CLASS_VERSION(pcs::Case, 2) in section 1. New records are written as version 2 with
  // the field; a version-1 record skips the read and keeps the member's default. Writing is
  // always the current version, so the condition only ever guards reading.
}

template <class Archive>
void serialize(Archive& ar, DispatchTarget& t, std::uint32_t const version) {
  detail::checkVersion<DispatchTarget>(ar, version);
  detail::field(ar, "unit_id", t.unitId);
  detail::field(ar, "catalogue_codes", t.catalogueCodes);
}

template <class Archive>
void serialize(Archive& ar, Command& c, std::uint32_t const version) {
  detail::checkVersion<Command>(ar, version);
  detail::field(ar, "action", c.action);
  detail::field(ar, "assignment_id", c.assignmentId);
  detail::field(ar, "reason", c.reason);
  detail::field(ar, "targets", c.targets);
  detail::field(ar, "major", c.major);
  detail::field(ar, "plan", c.plan);
  detail::field(ar, "substantiated", c.substantiated);
  detail::field(ar, "text", c.text);
  detail::field(ar, "satisfaction", c.satisfaction);
  detail::field(ar, "target_case_id", c.targetCaseId);
  detail::field(ar, "from", c.from);
  detail::field(ar, "to", c.to);
  detail::field(ar, "days", c.days);
}

template <class Archive>
void serialize(Archive& ar, Actor& a, std::uint32_t const version) {
  detail::checkVersion<Actor>(ar, version);
  detail::field(ar, "user_id", a.userId);
  detail::field(ar, "unit_id", a.unitId);
  detail::field(ar, "roles", a.roles);
}

template <class Archive>
void serialize(Archive& ar, CatalogueEntry& e, std::uint32_t const version) {
  detail::checkVersion<CatalogueEntry>(ar, version);
  detail::field(ar, "code", e.code);
  detail::field(ar, "handler", e.handler);
  detail::field(ar, "group", e.group);
  detail::field(ar, "title", e.title);
  detail::field(ar, "text", e.text);
  detail::field(ar, "keywords", e.keywords);
  detail::field(ar, "urgent", e.urgent);
}

template <class Archive>
void serialize(Archive& ar, ContactKey& k, std::uint32_t const version) {
  detail::checkVersion<ContactKey>(ar, version);
  detail::field(ar, "kind", k.kind);
  detail::field(ar, "key", k.key);
}

template <class Archive>
void serialize(Archive& ar, LedgerComplaint& c, std::uint32_t const version) {
  detail::checkVersion<LedgerComplaint>(ar, version);
  detail::field(ar, "case_id", c.caseId);
  detail::field(ar, "company_id", c.companyId);
  detail::field(ar, "complainant_key", c.complainantKey);
  detail::field(ar, "received_at", c.receivedAt);
  detail::field(ar, "substantiated", c.substantiated);
}

template <class Archive>
void serialize(Archive& ar, LedgerThresholds& t, std::uint32_t const version) {
  detail::checkVersion<LedgerThresholds>(ar, version);
  detail::field(ar, "key_supervision", t.keySupervision);
  detail::field(ar, "key_supervision_months", t.keySupervisionMonths);
  detail::field(ar, "grade_review", t.gradeReview);
  detail::field(ar, "grade_review_months", t.gradeReviewMonths);
  detail::field(ar, "exit_count", t.exitCount);
  detail::field(ar, "exit_months", t.exitMonths);
  detail::field(ar, "regrade_satisfaction", t.regradeSatisfaction);
  detail::field(ar, "exit_satisfaction", t.exitSatisfaction);
  detail::field(ar, "long_black_list_months", t.longBlackListMonths);
}

template <class Archive>
void serialize(Archive& ar, CompanyStanding& s, std::uint32_t const version) {
  detail::checkVersion<CompanyStanding>(ar, version);
  detail::field(ar, "credit_rating", s.creditRating);
  detail::field(ar, "low_credit", s.lowCredit);
  detail::field(ar, "months_on_black_list", s.monthsOnBlackList);
}

template <class Archive>
void serialize(Archive& ar, SurveyResult& s, std::uint32_t const version) {
  detail::checkVersion<SurveyResult>(ar, version);
  detail::field(ar, "satisfaction", s.satisfaction);
  detail::field(ar, "refused_to_fix", s.refusedToFix);
  detail::field(ar, "fix_inadequate", s.fixInadequate);
}

template <class Archive>
void serialize(Archive& ar, LedgerWindow& w, std::uint32_t const version) {
  detail::checkVersion<LedgerWindow>(ar, version);
  detail::field(ar, "start", w.start);
  detail::field(ar, "end", w.end);
  detail::field(ar, "unbounded", w.unbounded);
}

template <class Archive>
void serialize(Archive& ar, ComplainantCases& c, std::uint32_t const version) {
  detail::checkVersion<ComplainantCases>(ar, version);
  detail::field(ar, "key", c.key);
  detail::field(ar, "case_ids", c.caseIds);
}

template <class Archive>
void serialize(Archive& ar, ComplainantCount& c, std::uint32_t const version) {
  detail::checkVersion<ComplainantCount>(ar, version);
  detail::field(ar, "company_id", c.companyId);
  detail::field(ar, "window", c.window);
  detail::field(ar, "substantiated_only", c.substantiatedOnly);
  detail::field(ar, "complaints", c.complaints);
  detail::field(ar, "distinct_complainants", c.distinctComplainants);
  detail::field(ar, "complainants", c.complainants);
  detail::field(ar, "case_ids", c.caseIds);
}

template <class Archive>
void serialize(Archive& ar, CompanyCounts& c, std::uint32_t const version) {
  detail::checkVersion<CompanyCounts>(ar, version);
  detail::field(ar, "company_id", c.companyId);
  detail::field(ar, "all", c.all);
  detail::field(ar, "substantiated_half_year", c.substantiatedHalfYear);
  detail::field(ar, "substantiated_year", c.substantiatedYear);
}

template <class Archive>
void serialize(Archive& ar, LedgerCriterion& c, std::uint32_t const version) {
  detail::checkVersion<LedgerCriterion>(ar, version);
  detail::field(ar, "what", c.what);
  detail::field(ar, "value", c.value);
  detail::field(ar, "threshold", c.threshold);
  detail::field(ar, "text_zh", c.textZh);
}

template <class Archive>
void serialize(Archive& ar, LedgerProposal& p, std::uint32_t const version) {
  detail::checkVersion<LedgerProposal>(ar, version);
  detail::field(ar, "rule", p.rule);
  detail::field(ar, "rule_id", p.ruleId);
  detail::field(ar, "company_id", p.companyId);
  detail::field(ar, "count", p.count);
  detail::field(ar, "criteria", p.criteria);
  detail::field(ar, "explanation_zh", p.explanationZh);
}

// Procedures (pcs/procedure.h) are stored as this JSON by the server. The record's "format"
// member says which fields it was written with (JSON carries no cereal versions): a field added
// later is read only when format is high enough, as for binary records.
template <class Archive>
void serialize(Archive& ar, ProcedureStep& s, std::uint32_t const version) {
  detail::checkVersion<ProcedureStep>(ar, version);
  detail::field(ar, "stage", s.stage);
  detail::field(ar, "rule_id", s.ruleId);
  detail::field(ar, "unit_id", s.unitId);
  detail::field(ar, "state", s.state);
  detail::field(ar, "from", s.from);
  detail::field(ar, "due", s.due);
  detail::field(ar, "unit", s.unit);
  detail::field(ar, "provisional", s.provisional);
  detail::field(ar, "explanation", s.explanation);
  detail::field(ar, "done_at", s.doneAt);
  detail::field(ar, "done_by", s.doneBy);
  detail::field(ar, "late", s.late);
}

template <class Archive>
void serialize(Archive& ar, ProcedureSurvey& s, std::uint32_t const version) {
  detail::checkVersion<ProcedureSurvey>(ar, version);
  detail::field(ar, "id", s.surveyId);
  detail::field(ar, "satisfaction", s.satisfaction);
  detail::field(ar, "counted", s.counted);
  detail::field(ar, "refused_to_fix", s.refusedToFix);
  detail::field(ar, "fix_inadequate", s.fixInadequate);
  detail::field(ar, "published_on", s.publishedOn);
}

template <class Archive>
void serialize(Archive& ar, ProcedureProposal& p, std::uint32_t const version) {
  detail::checkVersion<ProcedureProposal>(ar, version);
  detail::field(ar, "action", p.action);
  detail::field(ar, "text_zh", p.textZh);
  detail::field(ar, "criteria", p.criteria);
}

template <class Archive>
void serialize(Archive& ar, ProcedureEvent& e, std::uint32_t const version) {
  detail::checkVersion<ProcedureEvent>(ar, version);
  detail::field(ar, "seq", e.seq);
  detail::field(ar, "at", e.at);
  detail::field(ar, "user_id", e.userId);
  detail::field(ar, "unit_id", e.unitId);
  detail::field(ar, "role", e.role);
  detail::field(ar, "action", e.action);
  detail::field(ar, "text", e.text);
  detail::field(ar, "stage_from", e.stageFrom);
  detail::field(ar, "stage_to", e.stageTo);
  detail::field(ar, "detail", e.detail);
  detail::field(ar, "notified", e.notified);
}

template <class Archive>
void serialize(Archive& ar, Procedure& p, std::uint32_t const version) {
  detail::checkVersion<Procedure>(ar, version);
  // Written as the current version; read back as whatever the record says.
  std::uint32_t format = cereal::detail::Version<Procedure>::version;
  detail::field(ar, "format", format);
  if constexpr (Archive::is_loading::value) {
    if (format == 0 || format > cereal::detail::Version<Procedure>::version)
      throw Error(ErrorCode::InvalidInput,
                  "procedure record format " + std::to_string(format) + " is not readable");
  }
  detail::field(ar, "id", p.id);
  detail::field(ar, "kind", p.kind);
  detail::field(ar, "company_id", p.companyId);
  detail::field(ar, "estate_id", p.estateId);
  detail::field(ar, "county_id", p.countyId);
  detail::field(ar, "street_id", p.streetId);
  detail::field(ar, "community_id", p.communityId);
  detail::field(ar, "stage", p.stage);
  detail::field(ar, "outcome", p.outcome);
  detail::field(ar, "opened_at", p.openedAt);
  detail::field(ar, "opened_by", p.openedBy);
  detail::field(ar, "opened_unit_id", p.openedUnitId);
  detail::field(ar, "reason", p.reason);
  detail::field(ar, "proposal_id", p.proposalId);
  detail::field(ar, "evidence", p.evidence);
  detail::field(ar, "grade_before", p.gradeBefore);
  detail::field(ar, "grade_after", p.gradeAfter);
  detail::field(ar, "survey", p.survey);
  detail::field(ar, "next_proposal", p.nextProposal);
  detail::field(ar, "handovers", p.handovers);
  detail::field(ar, "closed_at", p.closedAt);
  detail::field(ar, "steps", p.steps);
  detail::field(ar, "events", p.events);
}

}  // namespace pcs

namespace pcs::detail {

// ---------------------------------------------------------------------------------------------
// 6. archives
//
// cereal's own input archives trust their input: a binary string or vector is resize()d to its
// length prefix before a byte of content is read, so eight hostile bytes can ask for gigabytes;
// and the JSON archive detects a wrong type only through rapidjson's assertions. The two
// reading archives here read exactly the formats cereal's PortableBinaryOutputArchive and our
// JsonWriter (6c) write, plus the older JSON cereal's JSONOutputArchive wrote, and
//   - refuse a binary length prefix larger than the bytes left (every element we write takes
//     at least one byte), so a string is never larger than the input;
//   - grow every vector one element at a time as elements are actually read, never from a
//     length, so memory follows the data that is really there;
//   - check every value's type and range before taking it (a bool byte other than 0 or 1 is
//     refused, not copied: it would be undefined behaviour);
//   - check JSON syntax, UTF-8 and nesting depth without recursion before building the DOM;
//   - throw pcs::Error(InvalidInput), or MissingField, for anything else they meet.
// The JSON writer is ours because cereal's adds "cereal_class_version" members and writes an
// optional as an object; external systems get neither.

// 6a. binary ------------------------------------------------------------------------------------

class CheckedBinaryInputArchive
    : public cereal::InputArchive<CheckedBinaryInputArchive, cereal::AllowEmptyClassElision> {
 public:
  explicit CheckedBinaryInputArchive(std::string_view bytes)
      : cereal::InputArchive<CheckedBinaryInputArchive, cereal::AllowEmptyClassElision>(this),
        pos_(bytes.data()),
        end_(bytes.data() + bytes.size()) {
    std::uint8_t littleEndian = 0;
    loadBytes(&littleEndian, 1, 1);
    if (littleEndian > 1)
      throw Error(ErrorCode::InvalidInput, "not a binary record (bad byte-order mark)");
    swap_ = (littleEndian == 1) != (cereal::portable_binary_detail::is_little_endian() == 1);
  }

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - pos_); }

  // Copies `size` bytes out, reversing each `elementSize` group when the record's byte order is
  // not the host's.
  void loadBytes(void* data, std::size_t size, std::size_t elementSize) {
    if (size > remaining())
      throw Error(ErrorCode::InvalidInput, "the record ends early (" + std::to_string(size) +
                                               " more bytes needed, " +
                                               std::to_string(remaining()) + " left)");
    std::memcpy(data, pos_, size);
    pos_ += size;
    if (swap_ && elementSize > 1) {
      auto* p = static_cast<unsigned char*>(data);
      for (std::size_t i = 0; i + elementSize <= size; i += elementSize)
        std::reverse(p + i, p + i + elementSize);
    }
  }

  void checkCount(std::uint64_t count) const {
    if (count > remaining())
      throw Error(ErrorCode::InvalidInput, "a length of " + std::to_string(count) +
                                               " elements with only " +
                                               std::to_string(remaining()) + " bytes left");
  }

  // Called after the record: anything left over means the blob is not the record asked for.
  void finish() const {
    if (remaining() != 0)
      throw Error(ErrorCode::InvalidInput,
                  std::to_string(remaining()) + " unexpected bytes after the record");
  }

 private:
  const char* pos_;
  const char* end_;
  bool swap_ = false;
};

// 6b. JSON --------------------------------------------------------------------------------------

// The deepest nesting a JSON record may have. Ours nest about ten levels (case, assignments,
// an assignment, penalty, its optional, a deadline...); the limit keeps every later step, some
// of them recursive, far from the stack's end whatever the input.
inline constexpr int kMaxJsonDepth = 64;

// SAX handler for checkJsonText(): counts depth, and requires the document to be an object.
struct JsonShapeCheck
    : RAPIDJSON_NAMESPACE::BaseReaderHandler<RAPIDJSON_NAMESPACE::UTF8<>, JsonShapeCheck> {
  bool tooDeep = false;
  bool notObject = false;

  bool Default() { return begin(false); }
  bool StartObject() { return begin(true) && enter(); }
  bool StartArray() { return begin(false) && enter(); }
  bool EndObject(RAPIDJSON_NAMESPACE::SizeType) { return leave(); }
  bool EndArray(RAPIDJSON_NAMESPACE::SizeType) { return leave(); }

 private:
  bool begin(bool isObject) {
    if (!started_ && !isObject) notObject = true;
    started_ = true;
    return !notObject;
  }
  bool enter() {
    if (++depth_ > kMaxJsonDepth) tooDeep = true;
    return !tooDeep;
  }
  bool leave() {
    --depth_;
    return true;
  }
  int depth_ = 0;
  bool started_ = false;
};

// Checks JSON syntax (strict: no NaN, no comments), UTF-8, nesting depth and that the document
// is an object, iteratively. Throws pcs::Error(InvalidInput) saying what and where.
inline void checkJsonText(std::string_view json) {
  namespace rj = RAPIDJSON_NAMESPACE;
  // rapidjson stops at a NUL as if the text ended there; JSON text never holds one raw.
  if (json.find('\0') != std::string_view::npos)
    throw Error(ErrorCode::InvalidInput, "malformed JSON: contains a NUL byte");

  rj::MemoryStream stream(json.data(), json.size());
  rj::Reader reader;
  JsonShapeCheck shape;
  const rj::ParseResult result =
      reader.Parse<rj::kParseIterativeFlag | rj::kParseValidateEncodingFlag>(stream, shape);
  if (shape.notObject)
    throw Error(ErrorCode::InvalidInput, "malformed JSON: a record must be a JSON object");
  if (shape.tooDeep)
    throw Error(ErrorCode::InvalidInput, "malformed JSON: nested more than " +
                                             std::to_string(kMaxJsonDepth) + " levels deep");
  if (result.IsError())
    throw Error(ErrorCode::InvalidInput, "malformed JSON at byte " +
                                             std::to_string(result.Offset()) + ": " +
                                             rj::GetParseError_En(result.Code()));
}

// Reads the JSON JsonWriter writes, and the older JSON of cereal's JSONOutputArchive. Members
// are found by name wherever they are in their object (in written order this is one comparison
// per member); unknown members are ignored; array elements are read in order.
class CheckedJsonInputArchive : public cereal::InputArchive<CheckedJsonInputArchive>,
                                public cereal::traits::TextArchive {
  using Value = RAPIDJSON_NAMESPACE::Value;

 public:
  explicit CheckedJsonInputArchive(std::string_view json)
      : cereal::InputArchive<CheckedJsonInputArchive>(this) {
    namespace rj = RAPIDJSON_NAMESPACE;
    checkJsonText(json);
    document_.Parse<rj::kParseIterativeFlag | rj::kParseFullPrecisionFlag>(json.data(),
                                                                           json.size());
    if (document_.HasParseError() || !document_.IsObject())
      throw Error(ErrorCode::InvalidInput, "malformed JSON");
    stack_.push_back({&document_, 0});
  }

  // The hooks cereal's loaders below call.

  void setNextName(const char* name) { nextName_ = name; }

  // Enters the object or array the next read names. `version` is the current version of the
  // record type about to be read there (0 for vectors), the one a record that gives none has.
  void startNode(std::uint32_t version = 0) {
    const Value& node = current();
    if (!node.IsObject() && !node.IsArray()) throw wrongType(node, "an object or an array");
    stack_.push_back({&node, 0});
    enteredVersion_ = version;
  }

  // The version of the record just entered: its "cereal_class_version" member (older JSON), or
  // the type's current version when it has none. cereal asks once per type and document.
  void loadRecordVersion(const char* name, std::uint32_t& version) {
    const Value& node = *stack_.back().node;
    if (!node.IsObject()) throw wrongType(node, "an object");
    setNextName(name);
    if (peek() == nullptr) {
      version = enteredVersion_;
      return;
    }
    loadValue(version);
  }

  // The value the next read would take, without taking it: nullptr when the member the next
  // read names is absent. A later read without a name takes exactly this value.
  const Value* peek() {
    Level& level = stack_.back();
    const char* name = std::exchange(nextName_, nullptr);
    const Value& node = *level.node;
    if (node.IsObject()) {
      if (name) {
        const std::size_t index = memberIndex(node, level.index, name);
        if (index == kAbsent) return nullptr;
        level.index = index;
      }
      if (level.index >= node.MemberCount())
        throw Error(ErrorCode::InvalidInput, "a value is missing");
      return &(node.MemberBegin() + static_cast<std::ptrdiff_t>(level.index))->value;
    }
    if (name) throw wrongType(node, "an object");
    if (level.index >= node.Size()) throw Error(ErrorCode::InvalidInput, "a value is missing");
    return &node.Begin()[level.index];
  }

  // Passes over the value peek() returned.
  void skip() { ++stack_.back().index; }

  void finishNode() {
    stack_.pop_back();
    ++stack_.back().index;
  }

  void loadSize(cereal::size_type& size) {
    const Value& node = *stack_.back().node;
    if (!node.IsArray()) throw wrongType(node, "an array");
    size = node.Size();
  }

  void loadValue(std::string& text) {
    const Value& v = current();
    if (!v.IsString()) throw wrongType(v, "a string");
    text.assign(v.GetString(), v.GetStringLength());
    ++stack_.back().index;
  }

  void loadValue(bool& flag) {
    const Value& v = current();
    if (!v.IsBool()) throw wrongType(v, "true or false");
    flag = v.IsTrue();
    ++stack_.back().index;
  }

  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  void loadValue(T& number) {
    const Value& v = current();
    if (!v.IsInt64() && !v.IsUint64()) throw wrongType(v, "a whole number");
    using Limits = std::numeric_limits<T>;
    bool fits = false;
    if constexpr (std::is_signed_v<T>) {
      fits = v.IsInt64() && v.GetInt64() >= Limits::min() && v.GetInt64() <= Limits::max();
      if (fits) number = static_cast<T>(v.GetInt64());
    } else {
      fits = v.IsUint64() && v.GetUint64() <= Limits::max();
      if (fits) number = static_cast<T>(v.GetUint64());
    }
    if (!fits)
      throw Error(ErrorCode::InvalidInput, "number out of range (" + std::to_string(Limits::min()) +
                                               " to " + std::to_string(Limits::max()) + ")");
    ++stack_.back().index;
  }

  template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  void loadValue(T& number) {
    const Value& v = current();
    if (!v.IsNumber()) throw wrongType(v, "a number");
    number = static_cast<T>(v.GetDouble());
    ++stack_.back().index;
  }

 private:
  struct Level {
    const Value* node;  // an object or an array
    std::size_t index;  // the member or element read next
  };

  static constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);

  // The value the next read takes: the member named by setNextName(), or the next in order.
  const Value& current() {
    const char* name = nextName_;
    const Value* value = peek();
    if (value == nullptr) throw MissingField(name);
    return *value;
  }

  // The index of the member called `name`, or kAbsent; `hint` is where it is when members are
  // in order.
  static std::size_t memberIndex(const Value& object, std::size_t hint, std::string_view name) {
    const std::size_t count = object.MemberCount();
    const auto nameAt = [&object](std::size_t i) {
      const Value& n = (object.MemberBegin() + static_cast<std::ptrdiff_t>(i))->name;
      return std::string_view(n.GetString(), n.GetStringLength());
    };
    if (hint < count && nameAt(hint) == name) return hint;
    for (std::size_t i = 0; i < count; ++i)
      if (nameAt(i) == name) return i;
    return kAbsent;
  }

  static Error wrongType(const Value& v, const char* expected) {
    const char* got = v.IsNull()     ? "null"
                      : v.IsBool()   ? "true/false"
                      : v.IsObject() ? "an object"
                      : v.IsArray()  ? "an array"
                      : v.IsString() ? "a string"
                                     : "a number";
    return Error(ErrorCode::InvalidInput,
                 std::string("wrong type: expected ") + expected + ", got " + got);
  }

  RAPIDJSON_NAMESPACE::Document document_;
  std::vector<Level> stack_;
  const char* nextName_ = nullptr;
  std::uint32_t enteredVersion_ = 0;
};

// 6c. JSON writer -------------------------------------------------------------------------------

// Writes compact JSON through rapidjson's Writer: records are objects whose members are named by
// their NVPs, vectors arrays, an optional its value or null, Date and enums strings. cereal's
// record versions are left out. Names and values come in through the hooks of 6d.
//
// cereal opens a node (a record or a vector) before it knows which one it is: a vector says so
// with its size tag, as its first item. So a node is opened in the text only when its first item,
// or its end, arrives; until then it waits, and only the innermost node can be waiting.
class JsonWriter : public cereal::OutputArchive<JsonWriter>, public cereal::traits::TextArchive {
 public:
  // The document is itself an object; the caller's value goes in as one named member.
  JsonWriter() : cereal::OutputArchive<JsonWriter>(this), writer_(buffer_) {
    writer_.StartObject();
    nodes_.push_back({nullptr, false, true});
  }

  // Closes the document and returns its text. Call once, after the last value.
  std::string finish() {
    writer_.EndObject();
    return std::string(buffer_.GetString(), buffer_.GetSize());
  }

  void setNextName(const char* name) { nextName_ = name; }

  // A record or vector begins; its name is the pending one.
  void startNode() {
    openInnermost();
    nodes_.push_back({std::exchange(nextName_, nullptr), false, false});
  }

  // The node just started is a vector.
  void makeArray() { nodes_.back().array = true; }

  void finishNode() {
    openInnermost();  // an empty record or vector is still written: {} or []
    if (nodes_.back().array)
      writer_.EndArray();
    else
      writer_.EndObject();
    nodes_.pop_back();
  }

  void writeNull() {
    beginValue();
    writer_.Null();
  }

  void writeValue(bool flag) {
    beginValue();
    writer_.Bool(flag);
  }

  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  void writeValue(T number) {
    static_assert(sizeof(T) <= sizeof(std::int64_t));
    beginValue();
    if constexpr (std::is_signed_v<T>)
      writer_.Int64(static_cast<std::int64_t>(number));
    else
      writer_.Uint64(static_cast<std::uint64_t>(number));
  }

  template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  void writeValue(T number) {
    const double value = static_cast<double>(number);
    // JSON has no NaN or infinity; cereal wrote them as bare words no JSON parser reads back.
    if (!std::isfinite(value))
      throw Error(ErrorCode::InvalidInput, std::string("cannot write ") +
                                               (nextName_ ? nextName_ : "a value") +
                                               " as JSON: it is not a finite number");
    beginValue();
    writer_.Double(value);
  }

  void writeValue(const std::string& text) {
    beginValue();
    writer_.String(text.data(), static_cast<RAPIDJSON_NAMESPACE::SizeType>(text.size()));
  }

 private:
  struct Node {
    const char* name;  // its member name in the enclosing object
    bool array;
    bool open;  // its opening bracket is written
  };

  // Writes the opening of the innermost node if it is still waiting, under its name.
  void openInnermost() {
    Node& node = nodes_.back();
    if (node.open) return;
    node.open = true;
    writeName(nodes_[nodes_.size() - 2], node.name);
    if (node.array)
      writer_.StartArray();
    else
      writer_.StartObject();
  }

  // Before a single value in the innermost node.
  void beginValue() {
    openInnermost();
    writeName(nodes_.back(), std::exchange(nextName_, nullptr));
  }

  // Names a value in `parent`: a member needs a name, an array element has none.
  void writeName(const Node& parent, const char* name) {
    if (parent.array) return;
    // Every member of our records is written through field(), which names it.
    if (name == nullptr) throw std::logic_error("JsonWriter: an object member without a name");
    writer_.Key(name, static_cast<RAPIDJSON_NAMESPACE::SizeType>(std::strlen(name)));
  }

  RAPIDJSON_NAMESPACE::StringBuffer buffer_;
  RAPIDJSON_NAMESPACE::Writer<RAPIDJSON_NAMESPACE::StringBuffer, RAPIDJSON_NAMESPACE::UTF8<>,
                              RAPIDJSON_NAMESPACE::UTF8<>, RAPIDJSON_NAMESPACE::CrtAllocator,
                              RAPIDJSON_NAMESPACE::kWriteNoFlags>
      writer_;
  std::vector<Node> nodes_;
  const char* nextName_ = nullptr;
};

// 6d. what cereal looks up for these archives (by argument-dependent lookup) ------------------

// Memory follows the elements actually read, whatever count the input announced.
template <class Archive, class T, class Alloc>
void loadGrowing(Archive& ar, std::vector<T, Alloc>& values) {
  cereal::size_type count = 0;
  ar(cereal::make_size_tag(count));
  values.clear();
  for (cereal::size_type i = 0; i < count; ++i) {
    values.emplace_back();
    ar(values.back());
  }
}

template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
void load(CheckedBinaryInputArchive& ar, T& value) {
  static_assert(!std::is_floating_point_v<T> || std::numeric_limits<T>::is_iec559);
  ar.loadBytes(std::addressof(value), sizeof(T), sizeof(T));
}

inline void load(CheckedBinaryInputArchive& ar, bool& value) {
  std::uint8_t byte = 0;
  ar.loadBytes(&byte, 1, 1);
  if (byte > 1)
    throw Error(ErrorCode::InvalidInput, "a true/false value is " + std::to_string(byte));
  value = byte == 1;
}

template <class T>
void load(CheckedBinaryInputArchive& ar, cereal::BinaryData<T>& data) {
  using Element = std::remove_pointer_t<T>;
  ar.loadBytes(data.data, static_cast<std::size_t>(data.size), sizeof(Element));
}

template <class T>
void load(CheckedBinaryInputArchive& ar, cereal::NameValuePair<T>& nvp) {
  ar(nvp.value);
}

template <class T>
void load(CheckedBinaryInputArchive& ar, cereal::SizeTag<T>& tag) {
  ar(tag.size);
  ar.checkCount(tag.size);
}

// More specialised than cereal's vector loader. (bool vectors keep cereal's loader: their
// prefix is checked above, and they are one byte per element.)
template <class T, class Alloc, std::enable_if_t<!std::is_same_v<T, bool>, int> = 0>
void load(CheckedBinaryInputArchive& ar, std::vector<T, Alloc>& values) {
  loadGrowing(ar, values);
}

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

// JSON: records and vectors are objects or arrays (a node); NVPs, size tags, numbers, strings,
// minimal values (Date, enums) and optionals (their value, or null) are not.
template <class T>
inline constexpr bool kJsonNode =
    !std::is_arithmetic_v<T> && !IsOptional<T>::value &&
    !cereal::traits::has_minimal_input_serialization<T, CheckedJsonInputArchive>::value;

template <class T, std::enable_if_t<kJsonNode<T>, int> = 0>
void prologue(CheckedJsonInputArchive& ar, const T&) {
  ar.startNode(cereal::detail::Version<T>::version);
}
template <class T, std::enable_if_t<kJsonNode<T>, int> = 0>
void epilogue(CheckedJsonInputArchive& ar, const T&) {
  ar.finishNode();
}
template <class T>
void prologue(CheckedJsonInputArchive&, const cereal::NameValuePair<T>&) {}
template <class T>
void epilogue(CheckedJsonInputArchive&, const cereal::NameValuePair<T>&) {}
template <class T>
void prologue(CheckedJsonInputArchive&, const cereal::SizeTag<T>&) {}
template <class T>
void epilogue(CheckedJsonInputArchive&, const cereal::SizeTag<T>&) {}
inline void prologue(CheckedJsonInputArchive&, const std::string&) {}
inline void epilogue(CheckedJsonInputArchive&, const std::string&) {}

// The record version cereal asks for under this name may be absent (see the file comment).
inline constexpr const char* kVersionName = "cereal_class_version";

template <class T>
void load(CheckedJsonInputArchive& ar, cereal::NameValuePair<T>& nvp) {
  if constexpr (std::is_same_v<T, std::uint32_t&>) {
    if (std::strcmp(nvp.name, kVersionName) == 0) return ar.loadRecordVersion(nvp.name, nvp.value);
  }
  ar.setNextName(nvp.name);
  ar(nvp.value);
}

template <class T>
void load(CheckedJsonInputArchive& ar, cereal::SizeTag<T>& tag) {
  ar.loadSize(tag.size);
}

template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
void load(CheckedJsonInputArchive& ar, T& value) {
  ar.loadValue(value);
}

inline void load(CheckedJsonInputArchive& ar, std::string& text) {
  ar.loadValue(text);
}

template <class T, class Alloc, std::enable_if_t<!std::is_same_v<T, bool>, int> = 0>
void load(CheckedJsonInputArchive& ar, std::vector<T, Alloc>& values) {
  loadGrowing(ar, values);
}

// An optional is null, absent, or its value; or, in older JSON, {"nullopt":true} or
// {"nullopt":false,"data":<value>}. (No record has a member called "nullopt", so an object
// that has one is the old form.)
template <class T>
void load(CheckedJsonInputArchive& ar, std::optional<T>& value) {
  const auto* next = ar.peek();
  if (next == nullptr || next->IsNull()) {
    if (next) ar.skip();
    value.reset();
  } else if (next->IsObject() && next->HasMember("nullopt")) {
    ar.startNode();
    bool empty = true;
    ar(cereal::make_nvp("nullopt", empty));
    if (empty) {
      value.reset();
    } else {
      value.emplace();
      ar(cereal::make_nvp("data", *value));
    }
    ar.finishNode();
  } else {
    value.emplace();
    ar(*value);
  }
}

// JSON writer: the same split into nodes and single values as for reading.
template <class T>
inline constexpr bool kJsonWriterNode =
    !std::is_arithmetic_v<T> && !IsOptional<T>::value &&
    !cereal::traits::has_minimal_output_serialization<T, JsonWriter>::value;

template <class T, std::enable_if_t<kJsonWriterNode<T>, int> = 0>
void prologue(JsonWriter& ar, const T&) {
  ar.startNode();
}
template <class T, std::enable_if_t<kJsonWriterNode<T>, int> = 0>
void epilogue(JsonWriter& ar, const T&) {
  ar.finishNode();
}
template <class T>
void prologue(JsonWriter&, const cereal::NameValuePair<T>&) {}
template <class T>
void epilogue(JsonWriter&, const cereal::NameValuePair<T>&) {}
template <class T>
void prologue(JsonWriter&, const cereal::SizeTag<T>&) {}
template <class T>
void epilogue(JsonWriter&, const cereal::SizeTag<T>&) {}
inline void prologue(JsonWriter&, const std::string&) {}
inline void epilogue(JsonWriter&, const std::string&) {}

// Every name but the record version, which the wire format leaves out.
template <class T>
void save(JsonWriter& ar, const cereal::NameValuePair<T>& nvp) {
  if constexpr (std::is_same_v<std::decay_t<T>, std::uint32_t>) {
    if (std::strcmp(nvp.name, kVersionName) == 0) return;
  }
  ar.setNextName(nvp.name);
  ar(nvp.value);
}

template <class T>
void save(JsonWriter& ar, const cereal::SizeTag<T>&) {
  ar.makeArray();
}

template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
void save(JsonWriter& ar, const T& value) {
  ar.writeValue(value);
}

inline void save(JsonWriter& ar, const std::string& text) {
  ar.writeValue(text);
}

// The value under the optional's own name, or null.
template <class T>
void save(JsonWriter& ar, const std::optional<T>& value) {
  if (value)
    ar(*value);
  else
    ar.writeNull();
}

}  // namespace pcs::detail

// Each reader reads what one writer writes; cereal needs the pairing to match minimal (single
// value) loaders to their savers.
namespace cereal::traits::detail {
template <>
struct get_output_from_input<pcs::detail::CheckedBinaryInputArchive> {
  using type = cereal::PortableBinaryOutputArchive;
};
template <>
struct get_output_from_input<pcs::detail::CheckedJsonInputArchive> {
  using type = pcs::detail::JsonWriter;
};
template <>
struct get_input_from_output<pcs::detail::JsonWriter> {
  using type = pcs::detail::CheckedJsonInputArchive;
};
}  // namespace cereal::traits::detail

namespace pcs {

namespace detail {

// Turns whatever a read threw into the one error the API reports. Call only from a handler.
[[noreturn]] inline void rethrowAsInvalidInput(std::string_view what) {
  const std::string prefix = "invalid " + std::string(what) + ": ";
  try {
    throw;
  } catch (const ReadError& e) {
    throw Error(ErrorCode::InvalidInput, prefix + e.path() + ": " + e.what());
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidInput, prefix + e.what());
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::InvalidInput, prefix + "the record is too large");
  } catch (const std::length_error&) {
    throw Error(ErrorCode::InvalidInput, prefix + "the record is too large");
  } catch (const std::exception& e) {
    throw Error(ErrorCode::InvalidInput, prefix + e.what());
  }
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// 7. entry points

// `value` as one compact JSON object {"<rootName>":{...}}, in the wire format of the file
// comment (no record versions, optionals as value or null).
template <class T>
std::string toJsonString(const T& value, const char* rootName) {
  detail::JsonWriter ar;
  ar(cereal::make_nvp(rootName, value));
  return ar.finish();
}

// Reads what toJsonString(value, rootName) wrote, or older JSON of the same record (members in
// any order, unknown members ignored, see the file comment). Throws pcs::Error(InvalidInput)
// naming the problem and the field.
template <class T>
T fromJsonString(std::string_view json, const char* rootName) {
  T value{};
  try {
    detail::CheckedJsonInputArchive ar(json);
    detail::field(ar, rootName, value);
  } catch (...) {
    detail::rethrowAsInvalidInput("JSON record");
  }
  return value;
}

// `value` in cereal's portable binary format, little-endian.
template <class T>
std::string toBinary(const T& value) {
  std::ostringstream out(std::ios::out | std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(
        out, cereal::PortableBinaryOutputArchive::Options::LittleEndian());
    ar(value);
  }
  return out.str();
}

// Reads what toBinary() wrote, and nothing else: the whole input must be one record. Safe on
// hostile input (section 6): it throws pcs::Error(InvalidInput), and allocates at most a small
// multiple of the input's size.
template <class T>
T fromBinary(std::string_view bytes) {
  T value{};
  try {
    detail::CheckedBinaryInputArchive ar(bytes);
    ar(value);
    ar.finish();
  } catch (...) {
    detail::rethrowAsInvalidInput("binary record");
  }
  return value;
}

}  // namespace pcs
