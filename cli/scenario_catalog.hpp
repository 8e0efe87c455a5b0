// The built-in scenarios: every JSON file in the scenarios folder, found through
// SCULPIN_SCENARIO_DIR, else the source tree the binary was built from, else
// ../scenarios next to the binary.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.hpp"

namespace sculpin::cli {

std::string scenario_dir();
// All built-in scenarios, ordered by chapter then name. A broken file is an error: the
// catalog is all or nothing, so CI notices.
std::vector<sim::Scenario> load_catalog(const sim::LoadContext& ctx, std::string* error);
// A built-in name ("ch1-hello-world") or a path to a .json file.
std::optional<sim::Scenario> find_scenario(const std::string& name_or_path,
                                           const sim::LoadContext& ctx, std::string* error);
const char* chapter_title(int chapter);

}  // namespace sculpin::cli
