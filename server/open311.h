#pragma once
// Pieces of the Open311 GeoReport v2 interface (routes_open311.cpp) that need no server: API
// keys and their stored hashes, and the ISO 8601 times GeoReport exchanges.
//
// A connected system (the 12345 platform, another city's system) authenticates with an API
// key: 32 random bytes in base64url without padding, shown once when an administrator creates
// the client. The api_clients table keeps only the key's SHA-256 (hex), so a copy of the
// database does not let anyone act as a client.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pcs::server {

// Longest API key accepted for lookup; a real one has 43 characters.
inline constexpr size_t kMaxApiKeyBytes = 128;

// A fresh API key: 32 bytes from libsodium's generator, base64url without padding.
std::string newApiKey();

// Lower-case hex SHA-256 of the key's bytes, as stored in api_clients.key_hash.
std::string apiKeyHash(std::string_view key);

// Parses an ISO 8601 instant as GeoReport sends it: "YYYY-MM-DDTHH:MM[:SS[.fraction]]"
// followed by "Z", "+HH:MM", "+HHMM" or "+HH" (or '-'). A time without an offset is read as
// Beijing time (UTC+8), the city's own clock. A space instead of 'T' is accepted. Fractions of
// a second are dropped. nullopt for anything else, including impossible dates and times.
std::optional<int64_t> parseIso8601(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS+08:00": the instant in Beijing time with its offset.
std::string formatIso8601(int64_t unixSeconds);

}  // namespace pcs::server
