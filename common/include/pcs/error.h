#pragma once
// The one error type the domain throws. Handlers map `code` to an HTTP status and show
// `what()` to the user, so messages say what was wrong in words a clerk understands.

#include <stdexcept>
#include <string>

namespace pcs {

enum class ErrorCode {
  InvalidInput,  // malformed or out-of-range input: 400
  NotFound,      // a referenced record does not exist: 404
  Forbidden,     // the role or unit may not do this: 403
  Conflict,      // the record's state does not allow it (illegal transition): 409
  Unavailable,   // data needed for the answer is missing: 503
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

// Shorthands for the domain engines' refusals (the case workflow, procedures).
namespace refuse {
[[noreturn]] inline void forbid(const std::string& why) {
  throw Error(ErrorCode::Forbidden, why);
}
[[noreturn]] inline void conflict(const std::string& why) {
  throw Error(ErrorCode::Conflict, why);
}
[[noreturn]] inline void invalid(const std::string& why) {
  throw Error(ErrorCode::InvalidInput, why);
}
}  // namespace refuse

}  // namespace pcs
