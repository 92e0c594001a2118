// The reference's LR schedule (osu_dreamer/modules/lr_schedule.py) as torch's LambdaLR applies
// it: during optimizer step k (0-based) the learning rate is base_lr × lr_schedule(args, k).
// Plain C++ (no libtorch): the trainer's log and the checkpoint writer use it too.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace cartography::latent::training {

struct LrScheduleArgs {
  int64_t warmup_steps = 0;
  double warmup_init = 1.0;  // the factor at step 0; it grows exponentially to 1 at warmup_steps
  double decay_start = std::numeric_limits<double>::infinity();  // then (k / decay_start)^-1/2
};

// The reference asserts warmup_steps <= decay_start; a decay_start of 0 would divide by zero
// there (Python raises), and non-finite factors would make every LR NaN, so all are refused.
inline void check_lr_schedule(const LrScheduleArgs& a) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("LR schedule: " + what); };
  if (a.warmup_steps < 0) fail("warmup_steps is negative (" + std::to_string(a.warmup_steps) + ")");
  if (!std::isfinite(a.warmup_init) || a.warmup_init < 0)
    fail("warmup_init must be a finite number >= 0 (got " + std::to_string(a.warmup_init) + ")");
  if (std::isnan(a.decay_start) || a.decay_start <= 0)
    fail("decay_start must be > 0 or infinite (got " + std::to_string(a.decay_start) + ")");
  if (static_cast<double>(a.warmup_steps) > a.decay_start)
    fail("warmup_steps (" + std::to_string(a.warmup_steps) + ") exceeds decay_start (" +
         std::to_string(a.decay_start) + ")");
}

// Same operations in the same order as the Python (true division, then pow), so the values are
// bit-identical to the reference's doubles.
inline double lr_schedule(const LrScheduleArgs& a, int64_t step) {
  const double k = static_cast<double>(step);
  if (step < a.warmup_steps) return std::pow(a.warmup_init, 1.0 - k / static_cast<double>(a.warmup_steps));
  if (k > a.decay_start) return std::pow(k / a.decay_start, -0.5);
  return 1.0;
}

}  // namespace cartography::latent::training
