// What scenario files may name: the registered programs (with their parameters) and the
// named checkers; and how a scenario run finds a program's coroutine. Shared by the CLI,
// the GUI and the tests.
#pragma once

#include "sim/scenario.hpp"
#include "sim/scenario_runner.hpp"

namespace sculpin::patterns {

sim::LoadContext load_context();
sim::ProgramLookup program_lookup();

}  // namespace sculpin::patterns
