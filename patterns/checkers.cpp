#include "patterns/checkers.hpp"

namespace sculpin::patterns {

const sim::CheckerRegistry& checkers() {
    static const sim::CheckerRegistry all = [] {
        sim::CheckerRegistry registry;
        return registry;
    }();
    return all;
}

}  // namespace sculpin::patterns
