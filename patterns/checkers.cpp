#include "patterns/checkers.hpp"

#include "patterns/lazy_pirate_checker.hpp"

namespace sculpin::patterns {

const sim::CheckerRegistry& checkers() {
    static const sim::CheckerRegistry all = [] {
        sim::CheckerRegistry registry;
        registry["lazy-pirate"] = check_lazy_pirate_scenario;
        return registry;
    }();
    return all;
}

}  // namespace sculpin::patterns
