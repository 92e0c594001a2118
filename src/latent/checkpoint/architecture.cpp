#include "latent/checkpoint/architecture.hpp"

#include <algorithm>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "common/checked.hpp"

namespace cartography::latent {

int64_t LatentArchitecture::chunk() const {
  int64_t c = 1;
  for (int64_t s : strides) c *= s;
  return c;
}

int64_t LatentArchitecture::receptive_radius() const {
  // Walk the encoder stage by stage; `scale` is the input frames per step at the current
  // resolution. A WaveNet of k=3 convolutions with dilations 2^j reaches sum(2^j) steps either
  // side; a stage's depthwise conv of kernel 2s ('same': left (2s-1)/2, right the rest) then
  // AvgPool(s) reaches its left/right taps plus the pool window.
  int64_t radius = 0, scale = 1;
  for (int64_t s : strides) {
    radius += scale * num_stacks * ((int64_t{1} << stack_depth) - 1);
    const int64_t left = (2 * s - 1) / 2, right = 2 * s - 1 - left;
    radius += scale * std::max(left, right + s - 1);
    scale *= s;
  }
  return radius;
}

std::string LatentArchitecture::describe() const {
  std::ostringstream os;
  os << "H=" << h_dim << " D=" << emb_dim << " strides=[";
  for (size_t i = 0; i < strides.size(); ++i) os << (i ? "," : "") << strides[i];
  os << "] stacks=" << num_stacks << " depth=" << stack_depth << " expand=" << ae_expand << "/"
     << wavenet_expand;
  return os.str();
}

LatentArchitecture published_architecture() {
  LatentArchitecture a;
  a.h_dim = 360;
  a.emb_dim = 32;
  a.strides = {2, 3, 3};
  a.num_stacks = 1;
  a.stack_depth = 4;
  a.from_hyper_parameters = true;
  return a;
}

namespace {

std::vector<int64_t> shape_of(const Checkpoint& ck, const std::string& key) {
  const TensorRecord* t = ck.find_tensor(key);
  if (!t) ck.fail("state_dict has no " + key + " (not an osu-dreamer latent model?)");
  return t->shape;
}

// Size `dim` of a weight (negative: from the end), or a CheckpointError when it has fewer dims.
int64_t dim_of(const Checkpoint& ck, const std::string& key, int dim) {
  const std::vector<int64_t> shape = shape_of(ck, key);
  const auto rank = static_cast<int64_t>(shape.size());
  const int64_t i = dim < 0 ? rank + dim : dim;
  if (i < 0 || i >= rank) ck.fail(key + " has " + std::to_string(rank) + " dimensions, too few for an osu-dreamer weight");
  return shape[static_cast<size_t>(i)];
}

void expect_shape(const Checkpoint& ck, const std::string& key, const std::vector<int64_t>& want) {
  const std::vector<int64_t> got = shape_of(ck, key);
  if (got != want) {
    auto str = [](const std::vector<int64_t>& s) {
      std::string o = "[";
      for (size_t i = 0; i < s.size(); ++i) o += (i ? ", " : "") + std::to_string(s[i]);
      return o + "]";
    };
    ck.fail(key + " has shape " + str(got) + " but the hyper-parameters imply " + str(want));
  }
}

// The architecture from the weights alone, for checkpoints without hyper_parameters (a bare
// state_dict). Stacks cannot be told from depth there: one stack is assumed.
LatentArchitecture infer_from_weights(const Checkpoint& ck) {
  LatentArchitecture a;
  a.h_dim = dim_of(ck, "encoder.0.weight", 0);
  a.emb_dim = dim_of(ck, "encoder.2.mu.weight", 0);
  for (int i = 0;; ++i) {
    const std::string key = "encoder.1.downs." + std::to_string(i) + ".1.weight";
    if (!ck.find_tensor(key)) break;
    a.strides.push_back(dim_of(ck, key, -1) / 2);
  }
  int64_t layers = 0;
  while (ck.find_tensor("encoder.1.blocks.0.layers." + std::to_string(layers) + ".res.weight")) ++layers;
  a.num_stacks = 1;
  a.stack_depth = layers;
  if (a.h_dim <= 0) ck.fail("encoder.0.weight has an empty first dimension");
  a.ae_expand = dim_of(ck, "encoder.1.downs.0.0.weight", 0) / a.h_dim;
  a.wavenet_expand = dim_of(ck, "encoder.1.blocks.0.layers.0.filter.0.weight", 0) / a.h_dim;
  return a;
}

// Whether every size derived from the hyper-parameters (widths, kernel sizes, layer counts, the
// chunk and the receptive radius) fits 64 bits; they come from the file.
bool sizes_fit(const LatentArchitecture& a) {
  using checked::add;
  using checked::mul;
  if (!mul(a.h_dim, a.wavenet_expand) || !mul(a.h_dim, a.ae_expand) || !mul(a.num_stacks, a.stack_depth))
    return false;
  std::optional<int64_t> radius = 0, scale = 1;
  for (int64_t s : a.strides) {
    const auto kernel = mul(int64_t{2}, s);
    if (!kernel || !radius || !scale) return false;
    // radius += scale * stacks * (2^depth - 1) + scale * (kernel - 1); stack_depth <= 30 here.
    const auto wavenet = mul(*scale, a.num_stacks);
    const auto reach = wavenet ? mul(*wavenet, (int64_t{1} << a.stack_depth) - 1) : std::nullopt;
    const auto pool = mul(*scale, *kernel);
    radius = reach && pool ? add(*radius, *reach) : std::nullopt;
    radius = radius ? add(*radius, *pool) : std::nullopt;
    scale = mul(*scale, s);
  }
  return radius && scale;
}

int64_t int_field(const Checkpoint& ck, const pickle::Ref& record, const char* path, const char* name,
                  std::optional<int64_t> fallback = std::nullopt) {
  pickle::Ref v = pickle::field(record, name);
  if (!v) {
    if (fallback) return *fallback;
    ck.fail(std::string("hyper_parameters has no ") + path + name);
  }
  try {
    return pickle::as_int(v);
  } catch (const std::invalid_argument& e) {
    ck.fail(std::string("hyper_parameters ") + path + name + ": " + e.what());
  }
}

}  // namespace

LatentArchitecture read_architecture(const Checkpoint& ck) {
  LatentArchitecture a;
  pickle::Ref hp = ck.hyper_parameters();
  if (!hp) {
    a = infer_from_weights(ck);
  } else {
    a.from_hyper_parameters = true;
    a.h_dim = int_field(ck, hp, "", "h_dim");
    a.emb_dim = int_field(ck, hp, "", "emb_dim");
    pickle::Ref ae = pickle::field(hp, "ae_args");
    if (!ae) ck.fail("hyper_parameters has no ae_args");
    try {
      for (const pickle::Ref& s : pickle::as_sequence(pickle::field(ae, "strides")))
        a.strides.push_back(pickle::as_int(s));
    } catch (const std::invalid_argument& e) {
      ck.fail(std::string("hyper_parameters ae_args.strides: ") + e.what());
    }
    a.ae_expand = int_field(ck, ae, "ae_args.", "expand", 1);
    pickle::Ref layer = pickle::field(ae, "layer_args");
    if (!layer) ck.fail("hyper_parameters has no ae_args.layer_args");
    a.num_stacks = int_field(ck, layer, "ae_args.layer_args.", "num_stacks");
    a.stack_depth = int_field(ck, layer, "ae_args.layer_args.", "stack_depth");
    a.wavenet_expand = int_field(ck, layer, "ae_args.layer_args.", "expand", 1);
  }
  if (a.h_dim <= 0 || a.emb_dim <= 0 || a.strides.empty() || a.num_stacks <= 0 || a.stack_depth <= 0 ||
      a.stack_depth > 30 || a.ae_expand <= 0 || a.wavenet_expand <= 0)
    ck.fail("implausible latent-model hyper-parameters: " + a.describe());
  for (int64_t s : a.strides)
    if (s <= 0) ck.fail("implausible stride in " + a.describe());
  if (!sizes_fit(a)) ck.fail("implausible latent-model hyper-parameters (sizes overflow): " + a.describe());

  // The weights must have exactly the shapes this architecture implies.
  const int64_t H = a.h_dim, D = a.emb_dim, hw = H * a.wavenet_expand, ha = H * a.ae_expand;
  expect_shape(ck, "encoder.0.weight", {H, a.x_dim, 1});
  for (size_t b = 0; b < a.strides.size(); ++b) {
    const std::string block = "encoder.1.blocks." + std::to_string(b);
    for (int64_t l = 0; l < a.layers_per_block(); ++l) {
      const std::string layer = block + ".layers." + std::to_string(l);
      for (const char* branch : {".filter", ".gate"}) {
        expect_shape(ck, layer + branch + ".0.weight", {hw, H, 1});
        expect_shape(ck, layer + branch + ".1.weight", {hw, 1, 3});
      }
      expect_shape(ck, layer + ".res.weight", {H, hw, 1});
      expect_shape(ck, layer + ".skip.weight", {H, hw, 1});
    }
    if (ck.find_tensor(block + ".layers." + std::to_string(a.layers_per_block()) + ".res.weight"))
      ck.fail(block + " has more layers than the hyper-parameters' " + std::to_string(a.layers_per_block()));
    expect_shape(ck, block + ".out.0.weight_logits", {a.layers_per_block()});
    expect_shape(ck, block + ".out.2.weight", {H, H, 1});
    const std::string down = "encoder.1.downs." + std::to_string(b);
    expect_shape(ck, down + ".0.weight", {ha, H, 1});
    expect_shape(ck, down + ".1.weight", {ha, 1, 2 * a.strides[b]});
    expect_shape(ck, down + ".4.weight", {H, ha, 1});
  }
  if (ck.find_tensor("encoder.1.blocks." + std::to_string(a.strides.size()) + ".out.2.weight"))
    ck.fail("the encoder has more stages than the hyper-parameters' strides");
  expect_shape(ck, "encoder.2.mu.weight", {D, H, 1});
  expect_shape(ck, "encoder.2.mu.bias", {D});
  expect_shape(ck, "encoder.2.logvar.weight", {D, H, 1});
  expect_shape(ck, "encoder.2.logvar.bias", {D});
  return a;
}

}  // namespace cartography::latent
