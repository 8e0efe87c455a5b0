// The scenario catalog and program lookup the GUI shares with `sculpin run`.
#pragma once

#include "sim/scenario.hpp"
#include "sim/scenario_runner.hpp"

namespace sculpin::gui {

sim::LoadContext load_context();  // same as the CLI's: registered programs and checkers
sim::ProgramLookup program_lookup();

}  // namespace sculpin::gui
