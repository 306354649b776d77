// The web root handler (see static_files.h for the contract).
//
// Sections: media types | request path checks | file lookup | validators and encodings |
// the gzip cache | the handler.
//
// NOTE: who compresses what. cpp-httplib 0.11.4 (built with zlib and brotli) compresses a
// set_content body by itself when its Content-Type is text/* (but not text/event-stream),
// image/svg+xml, application/javascript, application/json, application/xml or
// application/xhtml+xml, choosing br or gzip from Accept-Encoding, on every request and without
// a Vary header. It never compresses application/wasm or fonts, which are the bulk of the client.
// So: for httplib's types we only add Vary and a weak ETag (the bytes on the wire depend on
// the encoding httplib picks); for kOwnGzip types we compress once and cache. The two sets are
// disjoint, so nothing is compressed twice (a test checks both halves).
#include "static_files.h"

#include <httplib.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "log.h"

namespace pcs::server {

const char* const kPageContentSecurityPolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; "
    "style-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Media types

struct MediaType {
  std::string_view extension;  // lower case, without the dot
  std::string_view type;
  bool ownGzip;  // compressed here (see the NOTE above); never one of httplib's own types
};

constexpr MediaType kMediaTypes[] = {
    {"html", "text/html; charset=utf-8", false},
    {"js", "text/javascript", false},
    {"css", "text/css", false},
    {"json", "application/json", false},
    {"svg", "image/svg+xml", false},
    {"wasm", "application/wasm", true},
    {"otf", "font/otf", true},
    {"ttf", "font/ttf", true},
    {"ico", "image/vnd.microsoft.icon", true},
    {"png", "image/png", false},  // already deflated inside
};
constexpr std::string_view kUnknownType = "application/octet-stream";

const MediaType* mediaTypeOf(const std::string& fileName) {
  auto dot = fileName.rfind('.');
  if (dot == std::string::npos) return nullptr;
  std::string ext = fileName.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& m : kMediaTypes)
    if (m.extension == ext) return &m;
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Request path checks

// `path` is httplib's req.path, already percent-decoded exactly once; it is never decoded again,
// so "%252e%252e" stays the harmless name "%2e%2e". Returns the path relative to the web root, or
// nothing when any segment could climb out, name the root itself in another spelling, or smuggle
// bytes a file system or a header would treat specially.
std::optional<std::string> safeRelativePath(const std::string& path) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  if (path.rfind("/api/", 0) == 0) return std::nullopt;

  std::string rel = path.substr(1);
  if (rel.empty() || rel.back() == '/') rel += "index.html";

  for (unsigned char c : rel) {
    // NUL, CR, LF and other controls; backslash (a separator elsewhere); colon (drive letters,
    // alternate data streams).
    if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') return std::nullopt;
  }
  size_t start = 0;
  while (start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    std::string_view segment(rel.data() + start, end - start);
    // Empty segments ("//etc/passwd" would be absolute), "." and "..", and dot files (nothing
    // the build produces starts with a dot; ".git" and friends must never leak).
    if (segment.empty() || segment[0] == '.') return std::nullopt;
    start = end + 1;
  }
  return rel;
}

// ---------------------------------------------------------------------------------------------
// File lookup

struct FileInfo {
  fs::path path;  // canonical
  uintmax_t size = 0;
  int64_t mtimeNs = 0;
};

// The regular file `rel` names below `webRoot`, with symlinks resolved, or nothing. The root is
// canonicalised per request so that a web root created or replaced after start-up still works.
std::optional<FileInfo> findFile(const std::string& webRoot, const std::string& rel) {
  std::error_code ec;
  fs::path root = fs::canonical(webRoot, ec);
  if (ec) return std::nullopt;
  fs::path file = fs::weakly_canonical(root / rel, ec);
  if (ec) return std::nullopt;

  // The trailing separator keeps a sibling such as /srv/web2 from passing as below /srv/web.
  std::string rootPrefix = root.string();
  if (rootPrefix.back() != '/') rootPrefix += '/';
  if (file.string().rfind(rootPrefix, 0) != 0) return std::nullopt;

  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  FileInfo info;
  info.path = file;
  info.size = static_cast<uintmax_t>(st.st_size);
  info.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return info;
}

std::optional<std::string> readFile(const fs::path& path, uintmax_t size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Validators and encodings

std::string toHex(uint64_t v) {
  static const char* const kDigits = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), kDigits[v & 0xf]);
    v >>= 4;
  } while (v != 0);
  return s;
}

// The opaque part of an entity tag (without quotes), or "*".
std::string etagValue(const FileInfo& f, bool gzip) {
  return toHex(f.size) + "-" + toHex(static_cast<uint64_t>(f.mtimeNs)) + (gzip ? "-gz" : "");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 weak comparison: W/ prefixes are ignored; "*" matches any current file.
bool ifNoneMatchHits(const std::string& header, const std::string& value) {
  std::string_view rest(header);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view tag = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"' &&
        tag.substr(1, tag.size() - 2) == value)
      return true;
  }
  return false;
}

// Whether Accept-Encoding lists gzip (or "*") with a non-zero quality.
bool acceptsGzip(const std::string& header) {
  std::string_view rest(header);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);

    size_t semi = item.find(';');
    std::string coding(trim(item.substr(0, semi)));
    std::transform(coding.begin(), coding.end(), coding.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (coding != "gzip" && coding != "x-gzip" && coding != "*") continue;
    if (semi == std::string_view::npos) return true;
    std::string_view params = trim(item.substr(semi + 1));
    if (params.rfind("q=", 0) != 0 && params.rfind("Q=", 0) != 0) return true;
    std::string_view q = params.substr(2);
    // q=0, q=0.0, q=0.000 refuse; anything else accepts.
    bool zero = !q.empty() && q[0] == '0' && q.find_first_not_of("0.", 0) == std::string_view::npos;
    if (!zero) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The gzip cache

// Files above this are sent uncompressed rather than held in memory twice.
constexpr uintmax_t kMaxGzipBytes = 32u << 20;

std::optional<std::string> gzipBytes(const std::string& in) {
  z_stream zs{};
  // 15 window bits plus 16 asks zlib for a gzip wrapper; level 9 because each file version is
  // compressed only once.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    return std::nullopt;
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

// One compressed copy per file path, replaced when the file's size or mtime changes. A null
// copy records that compressing did not pay (so it is not retried for that version).
class GzipCache {
 public:
  // The cached copy for this version of the file: nothing when not cached yet; a null pointer
  // when compressing it did not pay.
  std::optional<std::shared_ptr<const std::string>> find(const FileInfo& f) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(f.path.string());
    if (it != entries_.end() && it->second.size == f.size && it->second.mtimeNs == f.mtimeNs)
      return it->second.gzip;
    return std::nullopt;
  }

  // Compresses `identity` (the bytes of version `f`) and keeps the result.
  std::shared_ptr<const std::string> add(const FileInfo& f, const std::string& identity) {
    // Compressed outside the lock: two first requests may both compress, which is harmless.
    std::shared_ptr<const std::string> gzip;
    if (auto bytes = gzipBytes(identity); bytes && bytes->size() < identity.size())
      gzip = std::make_shared<const std::string>(std::move(*bytes));
    else if (!bytes)
      logWarn("web", "gzip failed for " + f.path.string() + "; sending it uncompressed");

    std::lock_guard lock(mutex_);
    entries_[f.path.string()] = Entry{f.size, f.mtimeNs, gzip};
    return gzip;
  }

 private:
  struct Entry {
    uintmax_t size;
    int64_t mtimeNs;
    std::shared_ptr<const std::string> gzip;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

// ---------------------------------------------------------------------------------------------
// The handler

void notFound(httplib::Response& res) {
  res.status = 404;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "no-cache");
  res.set_content("Not Found", "text/plain; charset=utf-8");
}

void serve(const std::string& webRoot, GzipCache& cache, const httplib::Request& req,
           httplib::Response& res) {
  auto rel = safeRelativePath(req.path);
  if (!rel) return notFound(res);
  auto file = findFile(webRoot, *rel);
  if (!file) return notFound(res);

  const MediaType* media = mediaTypeOf(file->path.filename().string());
  std::string type(media ? media->type : kUnknownType);
  bool html = media && media->extension == "html";
  bool ownGzip = media && media->ownGzip && file->size <= kMaxGzipBytes;
  bool httplibCompresses =
      media && !media->ownGzip &&
      (type.rfind("text/", 0) == 0 || media->extension == "json" || media->extension == "svg");
  bool gzip = ownGzip && acceptsGzip(req.get_header_value("Accept-Encoding"));

  // Headers every answer for this file carries, 304 included.
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control",
                 html ? "no-cache" : "public, max-age=" + std::to_string(kStaticMaxAgeSeconds));
  if (ownGzip || httplibCompresses) res.set_header("Vary", "Accept-Encoding");
  if (html) {
    res.set_header("Content-Security-Policy", kPageContentSecurityPolicy);
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
  }

  // The tag names the encoding the client asked for, so a 304 needs no file read. (If gzip does
  // not pay for a file, its "-gz" tag labels identity bytes: harmless, a cache miss at worst.)
  std::string tag = etagValue(*file, gzip);
  res.set_header("ETag", (httplibCompresses ? "W/\"" : "\"") + tag + "\"");
  if (ifNoneMatchHits(req.get_header_value("If-None-Match"), tag)) {
    res.status = 304;
    return;
  }

  std::shared_ptr<const std::string> compressed;
  if (gzip) {
    if (auto cached = cache.find(*file); cached && *cached) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(**cached, type.c_str());
      return;
    }
  }

  auto identity = readFile(file->path, file->size);
  if (!identity) {
    logWarn("web", "cannot read " + file->path.string());
    res.headers.clear();
    return notFound(res);
  }
  if (gzip) compressed = cache.add(*file, *identity);

  if (compressed) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(*compressed, type.c_str());
  } else {
    res.set_content(std::move(*identity), type.c_str());
  }
}

}  // namespace

std::string staticContentType(const std::string& fileName) {
  const MediaType* media = mediaTypeOf(fileName);
  return std::string(media ? media->type : kUnknownType);
}

bool registerStaticFiles(httplib::Server& server, const std::string& webRoot) {
  auto cache = std::make_shared<GzipCache>();
  // [\s\S] rather than '.', which would not match a decoded CR or LF; such paths must reach
  // serve() too, to be refused with the same 404 and headers as any other bad path.
  server.Get(R"(/[\s\S]*)", [webRoot, cache](const httplib::Request& req, httplib::Response& res) {
    serve(webRoot, *cache, req, res);
  });
  std::error_code ec;
  return fs::is_directory(webRoot, ec);
}

}  // namespace pcs::server
