// sculpin-bench --soak MINUTES: PUB -> slow SUB and PUSH -> slow PULL over tcp, both
// producers at full rate, for the given time. RSS is printed once a second; at the end the
// soak says whether RSS stayed within ±5 % of its value after warm-up (the HWMs bound
// every queue, so it must).
#pragma once

namespace sculpin::bench {

// Returns 0 when RSS stayed flat, 1 when it did not, 2 when the soak itself failed.
int run_soak(double minutes);

}  // namespace sculpin::bench
