#include "patterns/checkers.hpp"

#include "patterns/lazy_pirate_checker.hpp"
#include "patterns/peering_checker.hpp"
#include "patterns/pubsub_checkers.hpp"

namespace sculpin::patterns {

const sim::CheckerRegistry& checkers() {
    static const sim::CheckerRegistry all = [] {
        sim::CheckerRegistry registry;
        registry["lazy-pirate"] = check_lazy_pirate_scenario;
        registry["peering-state-converges"] = check_peering_state;
        registry["peering-every-request-answered"] = check_peering_answers;
        registry["espresso-capture"] = check_espresso_capture;
        registry["last-value-cache"] = check_last_value_cache;
        registry["black-box-scales"] = check_black_box_scales;
        return registry;
    }();
    return all;
}

}  // namespace sculpin::patterns
