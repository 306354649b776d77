#pragma once
// Demo data for the README's run command: the made-up city 云川市 of tools/demo_city (its
// organisation, estates, companies, users for every role in every county) and complaints
// worked through the real workflow over the months before the clock. Names and numbers are
// invented.

#include <functional>
#include <string>
#include <vector>

#include "app.h"
#include "demo_city.h"

namespace pcs::server {

using DemoUser = pcs::demo::DemoUser;

// The password every demo account has (shown on the login screen in demo mode only).
inline constexpr const char* kDemoPassword = "demo-2025-pcs";

// Complaints stored per write transaction while seeding (before the server listens): large
// enough that commits and their fsync do not dominate the first start.
inline constexpr int kDemoBatch = 250;

// The accounts seedDemo() creates, for the README and the login screen.
std::vector<DemoUser> demoUsers();

// Seeds an empty database: stores the organisation and reference data, creates the users with
// `createUser(user, password)` (which returns the new account's id), and registers and works
// `cases` complaints over the 18 months before `app.now()`. Deterministic for a given `seed`
// and clock. Does nothing and returns false when units already exist.
bool seedDemo(App& app,
              const std::function<std::string(const DemoUser&, const std::string&)>& createUser,
              int cases, unsigned seed);

}  // namespace pcs::server
