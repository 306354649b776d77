#pragma once
// Serves the built browser client (index.html, loader, the WebAssembly and the font) from one
// directory, the web root, for every GET or HEAD that no earlier route took and that is not
// under /api/.
//
// Contract:
//   * nothing outside the web root is reachable: a request path with a `.`/`..` or empty segment,
//     a backslash, a colon, a NUL or a control character is refused with 404, and so is a file
//     whose real path (symlinks resolved) is not below the canonical web root;
//   * only regular files are served; "/" and any path ending in "/" mean that folder's index.html;
//   * HTML is never cached without revalidation (no-cache) and carries the page's security
//     headers; everything else is cacheable for kStaticMaxAgeSeconds with an ETag, and a matching
//     If-None-Match gets 304;
//   * large binary files (WebAssembly, fonts) are sent gzip-compressed when the client accepts it,
//     compressed once per file version and kept in memory; text types are left to cpp-httplib,
//     which compresses them itself (see static_files.cpp).
#include <string>

namespace httplib {
class Server;
}

namespace pcs::server {

// How long browsers may reuse a non-HTML file without asking again. Short, because the files
// keep their names across releases; the ETag makes the re-check cheap.
inline constexpr int kStaticMaxAgeSeconds = 300;

// The Content-Security-Policy sent with every HTML page. The client needs its own scripts, the
// WebAssembly compiler ('wasm-unsafe-eval'), same-origin fetches (wasm, font, API) and the
// page's `data:` favicon; nothing inline, no frames, no plugins.
extern const char* const kPageContentSecurityPolicy;

// Registers the catch-all GET (and so HEAD) handler on `server`. Register it after every API
// route: cpp-httplib tries handlers in the order they were added. Returns false (and still
// registers, answering 404 until the folder appears) when `webRoot` is not a directory.
bool registerStaticFiles(httplib::Server& server, const std::string& webRoot);

// The media type for a file name, by its extension (case-insensitive); unknown extensions get
// application/octet-stream. Exposed for tests.
std::string staticContentType(const std::string& fileName);

}  // namespace pcs::server
