#include "gui/view_model/catalog.hpp"

#include "patterns/scenario_context.hpp"

namespace sculpin::gui {

sim::LoadContext load_context() {
    return patterns::load_context();
}

sim::ProgramLookup program_lookup() {
    return patterns::program_lookup();
}

}  // namespace sculpin::gui
