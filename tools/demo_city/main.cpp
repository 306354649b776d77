// pcs-demo-city: prints what a seed produces (the data the server loads on its first start),
// without a database. Usage:
//   pcs-demo-city [--cases N] [--seed S] [--now "YYYY-MM-DD HH:MM"] [--months M] [--sample K]
// --now defaults to the current time; --sample prints K generated complaint texts.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "demo_city.h"
#include "pcs/error.h"

namespace {

int usage(const std::string& why) {
  std::cerr << "pcs-demo-city: " << why << "\n"
            << "usage: pcs-demo-city [--cases N] [--seed S] [--now \"YYYY-MM-DD HH:MM\"] "
               "[--months M] [--sample K]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  pcs::demo::CaseOptions options;
  options.seed = 20250408;  // the server's default seed (server/options.h)
  options.now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  int sample = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return usage("prints what a demo seed produces"), 0;
    if (i + 1 >= argc) return usage(a + " needs a value");
    const std::string v = argv[++i];
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    const bool number = end && *end == '\0' && !v.empty();
    if (a == "--cases" && number && n >= 0 && n <= 1000000)
      options.cases = static_cast<int>(n);
    else if (a == "--seed" && number && n >= 0)
      options.seed = static_cast<unsigned>(n);
    else if (a == "--months" && number && n >= 1 && n <= 120)
      options.months = static_cast<int>(n);
    else if (a == "--sample" && number && n >= 0)
      sample = static_cast<int>(n);
    else if (a == "--now" && pcs::parseCst(v))
      options.now = *pcs::parseCst(v);
    else
      return usage("bad option or value: " + a + " " + v);
  }

  try {
    const pcs::demo::City& city = pcs::demo::demoCity();
    const pcs::Calendar calendar = pcs::Calendar::builtin();
    const pcs::RuleSet rules = pcs::RuleSet::builtin();
    const pcs::Catalogue catalogue = pcs::Catalogue::builtin();
    pcs::demo::SummaryBuilder summary(city, options.now);
    int shown = 0;
    const auto started = std::chrono::steady_clock::now();
    pcs::demo::generateCases(city, {city.org, calendar, rules, catalogue}, options,
                             [&](pcs::Case&& c) {
                               if (shown < sample && c.id.size() > 4) {
                                 std::cout << c.id << "  " << c.content << "\n";
                                 ++shown;
                               }
                               summary.add(c);
                             });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (shown) std::cout << "\n";
    std::cout << pcs::demo::formatSummary(summary.finish(), city, catalogue);
    std::cout << "\n生成用时 " << seconds << " 秒（不含写入数据库）\n";
  } catch (const std::exception& e) {
    std::cerr << "pcs-demo-city: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
