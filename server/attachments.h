#pragma once
// Attachments of a case (photos of the site, scanned letters): what is accepted and how a
// user-supplied file name is made safe to show and to put in a download header. The routes
// are in routes_attachments.cpp; this file holds the checks, free of HTTP and storage.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pcs::server {

// A phone photo is 2-6 MB and a scanned letter a few MB; 10 MiB leaves room for both while
// keeping one upload well under the server's 16 MiB request limit (Options::maxBodyBytes).
inline constexpr size_t kMaxAttachmentBytes = size_t{10} << 20;
// A case collects evidence over weeks, not an archive; 20 files at most keeps one case's blobs
// (and a backup) bounded at 200 MiB.
inline constexpr int kMaxAttachmentsPerCase = 20;
// RFC 2046 limits a multipart boundary to 70 characters; httplib accepts any length, so the
// upload route refuses longer ones itself.
inline constexpr size_t kMaxBoundaryChars = 70;
// A displayed file name is cut to this many characters (Unicode code points).
inline constexpr size_t kMaxFileNameChars = 100;
// The name shown when the user's name is empty once sanitised.
inline constexpr const char* kDefaultFileName = "附件";

// A type the server accepts, recognised from the file's first bytes.
struct FileType {
  const char* mime;       // "image/jpeg", "image/png", "application/pdf"
  const char* extension;  // ".jpg", ".png", ".pdf": what a saved copy must end with
};

// The type of `content` from its magic bytes (JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A,
// PDF "%PDF-"), or nullopt for anything else. The declared type and the name are ignored.
std::optional<FileType> sniffFileType(std::string_view content);

// The accepted types, for error messages: "JPEG, PNG or PDF".
const char* acceptedTypesText();

// The name to store and show for an uploaded file: the last path component only, without
// control characters (CR/LF included), quotes, backslashes or invisible formatting characters
// (bidirectional overrides, zero-width marks), invalid UTF-8 replaced by '_', leading and
// trailing spaces and dots trimmed, at most kMaxFileNameChars code points (the extension kept
// when cutting), kDefaultFileName when nothing is left. When `type` is given and the name does
// not already end in one of its extensions, type.extension is appended, so a saved copy opens
// as what it is (a PDF named "x.html" becomes "x.html.pdf").
std::string sanitizeFileName(std::string_view raw, const std::optional<FileType>& type = {});

// The value of a Content-Disposition header that downloads `fileName`:
//   attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded UTF-8>
// The name is sanitised again first, so nothing the user typed reaches the header raw.
std::string contentDisposition(std::string_view fileName);

// The boundary parameter of a multipart Content-Type (quotes removed), or nullopt when there is
// none. Does not judge its length.
std::optional<std::string> multipartBoundary(std::string_view contentType);

// Lower-case hex SHA-256 of `data` (libsodium).
std::string sha256Hex(std::string_view data);

// A new random attachment id, "att-" and 24 hex digits.
std::string newAttachmentId();

}  // namespace pcs::server
