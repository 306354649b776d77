#pragma once
// Demo data for the README's run command: a made-up city (云川市) with its organisation, estates,
// companies, users for every role, and a few hundred cases in every state, all made through the
// real workflow so they are consistent. Names and numbers are invented.

#include <functional>
#include <string>
#include <vector>

#include "app.h"
#include "pcs/workflow.h"

namespace pcs::server {

struct DemoUser {
  std::string login;
  std::string displayName;
  std::string unitId;
  std::vector<Role> roles;
};

// The password every demo account has (shown on the login screen in demo mode only).
inline constexpr const char* kDemoPassword = "demo-2025-pcs";

// The accounts seedDemo() creates, for the README and the login screen.
std::vector<DemoUser> demoUsers();

// Seeds an empty database: stores the organisation and reference data, creates the users with
// `createUser(user, password)` (which returns the new account's id), and registers and works
// `cases` complaints over the days before `now`. Deterministic for a given `seed`. Does nothing
// when units already exist.
void seedDemo(App& app,
              const std::function<std::string(const DemoUser&, const std::string&)>& createUser,
              int cases, unsigned seed);

}  // namespace pcs::server
