#pragma once
// A field that picks an estate by typing part of its name: while none is chosen, the estates
// whose name contains the text are listed under it (the user's county's only, for a county
// user) and a click chooses one. Exposes the field as `<name>` and each option as
// `<name>.option.<estate id>` for the browser tests.

#include <string>

#include "session.h"

namespace pcs::client {

class EstatePicker {
 public:
  // Draws the field `width` pixels wide and its options. Returns true when the choice changed
  // (an estate chosen, or the text edited so that none is).
  bool draw(Session& session, const char* id, const char* hint, const std::string& name,
            float width);
  const std::string& estateId() const { return estateId_; }
  void clear();

  // Options listed at most; typing more narrows them down.
  static constexpr int kMaxOptions = 8;

 private:
  std::string query_;
  std::string estateId_;
};

}  // namespace pcs::client
