#pragma once
// JSON on the wire through cereal. A response body is one object whose fields the caller
// writes as name-value pairs: toJson([&](auto& ar) { ar(cereal::make_nvp("date", s)); }).

#include <cereal/archives/json.hpp>
#include <sstream>
#include <string>

#include "pcs/error.h"

namespace pcs::server {

template <class WriteFields>
std::string toJson(WriteFields&& write) {
  std::ostringstream out;
  {
    cereal::JSONOutputArchive ar(out, cereal::JSONOutputArchive::Options::NoIndent());
    write(ar);
  }
  return out.str();
}

// {"error": message}
std::string errorJson(const std::string& message);

// The HTTP status a domain error answers with.
int httpStatusFor(ErrorCode code);

}  // namespace pcs::server
