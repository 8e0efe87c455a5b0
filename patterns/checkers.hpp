// The named invariant checkers that scenarios can ask for ({"kind": "checker", ...}).
#pragma once

#include "sim/expectations.hpp"

namespace sculpin::patterns {

const sim::CheckerRegistry& checkers();

}  // namespace sculpin::patterns
