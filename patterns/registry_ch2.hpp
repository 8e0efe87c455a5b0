// Parts of the program registry kept in files of their own, so that the registry itself
// (registry.cpp) changes by one call each.
#pragma once

#include <map>
#include <string>

#include "patterns/registry.hpp"

namespace sculpin::patterns {

// Chapter 2's programs beyond the first ones: several sockets, the weather proxy, the kill
// signal, the multithreaded server, the thread relay and pub-sub envelopes.
void add_chapter2_programs(std::map<std::string, ProgramInfo>& programs);

// Returns `programs` with the test-only `broken` parameter declared for every program that
// has one (broken_switches.cpp). Scenario files never set it; tests do, to see
// expectations fail.
std::map<std::string, ProgramInfo> with_broken_switches(
    std::map<std::string, ProgramInfo> programs);

}  // namespace sculpin::patterns
