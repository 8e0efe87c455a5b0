#include "patterns/scenario_context.hpp"

#include "patterns/checkers.hpp"
#include "patterns/registry.hpp"

namespace sculpin::patterns {

sim::LoadContext load_context() {
    sim::LoadContext ctx;
    for (const auto& [name, info] : programs()) {
        ctx.programs.insert(name);
        for (const auto& [param, doc] : info.params) ctx.program_params[name].insert(param);
    }
    for (const auto& [name, checker] : checkers()) ctx.checkers.insert(name);
    return ctx;
}

sim::ProgramLookup program_lookup() {
    return [](const std::string& name) -> sim::Program {
        const auto* info = find_program(name);
        return info ? sim::Program(info->run) : sim::Program();
    };
}

}  // namespace sculpin::patterns
