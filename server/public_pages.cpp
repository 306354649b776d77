// Public pages of the monthly red/black list and bulletin (R14), without login:
//   GET /public/                 every published issue, by county, newest month first
//   GET /public/bulletins/{id}   one published issue
//
// Server-rendered HTML in Chinese, readable on a phone without zooming (viewport meta, one
// column, cards instead of wide tables), no script at all. A draft, or an id that does not
// exist, is the same 404 page, so drafts cannot be found from outside.
//
// Personal data (R18): nothing here comes from a case. The pages show the issue's title and
// texts, county names, company names, the entries' reasons and their counted figures; never a
// complainant, a contact, an account or a staff name (tests/server/publication_test.cpp scans
// the HTML for every complainant's name and number). Every value is HTML-escaped.
//
// Caching: Cache-Control public for 5 minutes (an issue never changes, but the index gains
// issues and an issue gains a "corrected by" link), and an ETag answered with 304.
#include <httplib.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "app.h"
#include "pcs/date.h"
#include "publication.h"
#include "route_util.h"
#include "routes.h"

namespace pcs::server {
namespace {

constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kCacheControl = "public, max-age=300";
constexpr const char* kCsp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; "
    "frame-ancestors 'none'";

std::string esc(const std::string& s) {
  return htmlEscape(s);
}

std::string monthZh(const std::string& month) {
  const auto d = parseMonth(month);
  if (!d) return month;
  return std::to_string(d->year()) + "年" + std::to_string(d->month()) + "月";
}

std::string dateZh(int64_t at) {
  const Date d = cstDate(at);
  return std::to_string(d.year()) + "年" + std::to_string(d.month()) + "月" +
         std::to_string(d.day()) + "日";
}

std::string countyName(const Reference& ref, const std::string& id) {
  const OrgUnit* u = ref.org.find(id);
  return u ? u->name : id;
}

std::string page(const std::string& title, const std::string& body) {
  return "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         // An empty icon, so a browser does not ask the server for /favicon.ico.
         "<link rel=\"icon\" href=\"data:,\">"
         "<title>" +
         esc(title) +
         "</title><style>"
         "body{margin:0;font:16px/1.7 system-ui,-apple-system,\"PingFang SC\",\"Noto Sans CJK SC\","
         "\"Microsoft YaHei\",sans-serif;color:#1d1d1f;background:#f5f5f7}"
         "main{max-width:46rem;margin:0 auto;padding:1rem}"
         "h1{font-size:1.4rem;line-height:1.4;margin:.5rem 0 1rem}"
         "h2{font-size:1.15rem;margin:1.5rem 0 .5rem}"
         "a{color:#0b57d0}"
         "section,article{background:#fff;border-radius:.6rem;padding:.8rem 1rem;"
         "margin:.6rem 0;overflow-wrap:anywhere}"
         "article.red{border-left:.4rem solid #c62828}"
         "article.black{border-left:.4rem solid #333}"
         "ul{padding-left:1.2rem;margin:.3rem 0}"
         ".meta{color:#555;font-size:.9rem}"
         ".note{background:#fff4e5;border-radius:.6rem;padding:.6rem 1rem}"
         "dl{display:grid;grid-template-columns:auto 1fr;gap:.1rem .8rem;margin:.4rem 0 0}"
         "dt{color:#555}dd{margin:0}"
         "footer{color:#666;font-size:.85rem;margin:2rem 0 1rem}"
         "</style></head><body><main>" +
         body +
         "<footer>本页由物业投诉转办处置系统生成，仅公布企业及处置情况，不含任何个人信息。"
         "</footer></main></body></html>\n";
}

// 64-bit FNV-1a of the body, as a strong ETag.
std::string etagOf(const std::string& body) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : body) h = (h ^ c) * 1099511628211ULL;
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

void send(const httplib::Request& req, httplib::Response& res, int status,
          const std::string& body) {
  res.status = status;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy", kCsp);
  res.set_header("Referrer-Policy", "no-referrer");
  if (status != 200) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(body, kHtml);
    return;
  }
  const std::string etag = etagOf(body);
  res.set_header("Cache-Control", kCacheControl);
  res.set_header("ETag", etag);
  if (req.get_header_value("If-None-Match") == etag) {
    res.status = 304;
    return;
  }
  res.set_content(body, kHtml);
}

void notFound(const httplib::Request& req, httplib::Response& res) {
  send(req, res, 404,
       page("未找到",
            "<h1>未找到该期通报</h1><p>该期通报不存在或尚未发布。</p>"
            "<p><a href=\"/public/\">返回红黑榜及通报目录</a></p>"));
}

// ---- index ----------------------------------------------------------------------------------

void index(App& app, const httplib::Request& req, httplib::Response& res) {
  const auto ref = app.reference();
  SQLite::Database& db = app.db().reader();
  SQLite::Statement st(db,
                       "SELECT b.id, b.county_id, b.month, b.title, b.published_at, b.corrects_id, "
                       "(SELECT COUNT(*) FROM bulletin_entries e WHERE e.bulletin_id = b.id "
                       " AND e.list = 'red'), "
                       "(SELECT COUNT(*) FROM bulletin_entries e WHERE e.bulletin_id = b.id "
                       " AND e.list = 'black'), "
                       "(SELECT MIN(c.id) FROM bulletins c WHERE c.corrects_id = b.id "
                       " AND c.state = 'published') "
                       "FROM bulletins b WHERE b.state = 'published' "
                       "ORDER BY b.month DESC, b.id DESC");
  // County name -> its issues, newest month first.
  std::map<std::string, std::vector<std::string>> byCounty;
  while (st.executeStep()) {
    const int64_t id = st.getColumn(0).getInt64();
    std::string item = "<li><a href=\"/public/bulletins/" + std::to_string(id) + "\">" +
                       esc(monthZh(st.getColumn(2).getString())) + "：" +
                       esc(st.getColumn(3).getString()) + "</a><br><span class=\"meta\">红榜" +
                       std::to_string(st.getColumn(6).getInt()) + "家，黑榜" +
                       std::to_string(st.getColumn(7).getInt()) + "家；发布于" +
                       esc(dateZh(st.getColumn(4).getInt64()));
    if (!st.getColumn(5).isNull())
      item += "；更正第" + std::to_string(st.getColumn(5).getInt64()) + "期";
    if (!st.getColumn(8).isNull())
      item += "；已由第" + std::to_string(st.getColumn(8).getInt64()) + "期更正";
    item += "</span></li>";
    byCounty[countyName(*ref, st.getColumn(1).getString())].push_back(std::move(item));
  }
  std::string body = "<h1>物业服务企业红黑榜及投诉处置情况通报</h1>";
  if (byCounty.empty()) body += "<section><p>暂无已发布的红黑榜及通报。</p></section>";
  for (const auto& [county, items] : byCounty) {
    body += "<section><h2>" + esc(county) + "</h2><ul>";
    for (const std::string& item : items) body += item;
    body += "</ul></section>";
  }
  send(req, res, 200, page("红黑榜及通报", body));
}

// ---- one issue ------------------------------------------------------------------------------

std::string figureList(const std::string& evidence) {
  rapidjson::Document d;
  d.Parse(evidence.c_str());
  if (!d.IsObject()) return "";
  auto num = [&](const char* k) {
    return d.HasMember(k) && d[k].IsInt() ? std::to_string(d[k].GetInt()) : std::string("-");
  };
  std::optional<double> sat;
  if (d.HasMember("satisfaction") && d["satisfaction"].IsNumber())
    sat = d["satisfaction"].GetDouble();
  return "<dl><dt>本月投诉</dt><dd>" + num("complaints") + "件（" + num("complainants") +
         "名投诉人）</dd><dt>属实投诉</dt><dd>" + num("substantiated") +
         "名投诉人</dd><dt>本月办结</dt><dd>" + num("closed") + "件</dd><dt>逾期未办结</dt><dd>" +
         num("overdue") + "件</dd><dt>满意率</dt><dd>" + esc(percentZh(sat)) + "</dd></dl>";
}

void issue(App& app, const httplib::Request& req, httplib::Response& res) {
  const std::string idText = req.matches[1];
  if (idText.size() > 18) return notFound(req, res);
  const int64_t id = std::stoll(idText);
  const auto ref = app.reference();
  SQLite::Database& db = app.db().reader();
  SQLite::Statement st(db,
                       "SELECT county_id, month, title, praise_text, criticism_text, "
                       "published_at, corrects_id, correction_reason FROM bulletins "
                       "WHERE id = ? AND state = 'published'");
  st.bind(1, id);
  if (!st.executeStep()) return notFound(req, res);
  const std::string county = countyName(*ref, st.getColumn(0).getString());
  const std::string title = st.getColumn(2).getString();

  std::string body = "<p><a href=\"/public/\">← 红黑榜及通报目录</a></p><h1>" + esc(title) +
                     "</h1><p class=\"meta\">" + esc(county) + " · " +
                     esc(monthZh(st.getColumn(1).getString())) + " · 发布于" +
                     esc(dateZh(st.getColumn(5).getInt64())) + "</p>";
  if (!st.getColumn(6).isNull()) {
    const std::string old = std::to_string(st.getColumn(6).getInt64());
    body += "<p class=\"note\">本期为<a href=\"/public/bulletins/" + old + "\">第" + old +
            "期</a>的更正。更正原因：" + esc(st.getColumn(7).getString()) + "</p>";
  }
  {
    SQLite::Statement c(db,
                        "SELECT MIN(id) FROM bulletins WHERE corrects_id = ? "
                        "AND state = 'published'");
    c.bind(1, id);
    if (c.executeStep() && !c.getColumn(0).isNull()) {
      const std::string next = std::to_string(c.getColumn(0).getInt64());
      body += "<p class=\"note\">本期已被更正，请以<a href=\"/public/bulletins/" + next + "\">第" +
              next + "期</a>为准。</p>";
    }
  }

  SQLite::Statement e(db,
                      "SELECT list, company_name, reasons, evidence FROM bulletin_entries "
                      "WHERE bulletin_id = ? AND list IN ('red', 'black') ORDER BY id");
  e.bind(1, id);
  std::string red, black;
  while (e.executeStep()) {
    const std::string list = e.getColumn(0).getString();
    const std::string card = "<article class=\"" + list + "\"><strong>" +
                             esc(e.getColumn(1).getString()) + "</strong><p>" +
                             esc(e.getColumn(2).getString()) + "</p>" +
                             figureList(e.getColumn(3).getString()) + "</article>";
    (list == "red" ? red : black) += card;
  }
  body += "<h2>表扬</h2><section><p>" + esc(st.getColumn(3).getString()) + "</p></section>";
  body += "<h2 id=\"red\">红榜</h2>" +
          (red.empty() ? "<section><p>本期无企业列入红榜。</p></section>" : red);
  body += "<h2>批评</h2><section><p>" + esc(st.getColumn(4).getString()) + "</p></section>";
  body += "<h2 id=\"black\">黑榜</h2>" +
          (black.empty() ? "<section><p>本期无企业列入黑榜。</p></section>" : black);
  send(req, res, 200, page(title, body));
}

}  // namespace

void registerPublicPages(httplib::Server& http, App& app) {
  http.Get("/public", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/public/", 301);
  });
  http.Get("/public/",
           [&app](const httplib::Request& req, httplib::Response& res) { index(app, req, res); });
  http.Get(R"(/public/bulletins/(\d+))",
           [&app](const httplib::Request& req, httplib::Response& res) { issue(app, req, res); });
  // Anything else under /public/ is not a page (and never a file of the web root).
  http.Get(R"(/public/.+)",
           [](const httplib::Request& req, httplib::Response& res) { notFound(req, res); });
}

}  // namespace pcs::server
