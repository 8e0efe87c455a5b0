#include "gui/view_model/catalog.hpp"

#include "patterns/checkers.hpp"
#include "patterns/registry.hpp"

namespace sculpin::gui {

sim::LoadContext load_context() {
    sim::LoadContext ctx;
    for (const auto& [name, info] : patterns::programs()) {
        ctx.programs.insert(name);
        std::set<std::string> params;
        for (const auto& [param, doc] : info.params) params.insert(param);
        ctx.program_params[name] = params;
    }
    for (const auto& [name, checker] : patterns::checkers()) ctx.checkers.insert(name);
    return ctx;
}

sim::ProgramLookup program_lookup() {
    return [](const std::string& name) -> sim::Program {
        const auto* info = patterns::find_program(name);
        return info ? sim::Program(info->run) : sim::Program();
    };
}

}  // namespace sculpin::gui
