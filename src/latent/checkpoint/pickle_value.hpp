// The values a pickle stream builds, as plain C++ data. Python objects of classes that do not
// exist here (the osu_dreamer dataclasses in hyper_parameters, optimizer state, Lightning
// callbacks) become opaque `Object` records holding their class name, constructor arguments
// and BUILD state, so nothing in a checkpoint makes the reader crash and hyper-parameters
// stored inside such objects stay reachable.
#pragma once

#include <any>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cartography::latent::pickle {

struct Value;
// Shared so that the pickle memo can alias mutable containers exactly as Python does.
using Ref = std::shared_ptr<Value>;

struct None {};
struct Bytes {
  std::string data;
};
struct List {
  std::vector<Ref> items;
};
struct Tuple {
  std::vector<Ref> items;
};
struct Set {
  std::vector<Ref> items;
};
struct Dict {
  std::vector<std::pair<Ref, Ref>> items;  // insertion order, as Python keeps it
  Ref attributes;                          // BUILD state of a dict subclass (OrderedDict._metadata)
};
// A reference to a module-level name (`GLOBAL module name`) that was not called.
struct Global {
  std::string module, name;
  std::string qualified() const { return module + "." + name; }
};
// An instance of a class we do not model.
struct Object {
  std::string cls;                          // "module.Name"
  Ref args;                                 // constructor arguments (a tuple) or null
  Ref state;                                // BUILD state, usually a dict of fields, or null
  std::vector<std::pair<Ref, Ref>> items;   // SETITEM on a dict subclass
  std::vector<Ref> list_items;              // APPEND on a list subclass
};
// Something a reader hook made (a tensor record, a storage); `kind` names it for messages.
struct Extension {
  std::string kind;
  std::any payload;
};

struct Value {
  std::variant<None, bool, int64_t, double, std::string, Bytes, List, Tuple, Set, Dict, Global,
               Object, Extension>
      v;

  template <typename T>
  const T* get() const { return std::get_if<T>(&v); }
  template <typename T>
  T* get() { return std::get_if<T>(&v); }

  // Python-ish name of the value's type, for error messages ("dict", "tuple", "Object foo.Bar").
  std::string type_name() const;
};

template <typename T>
Ref make(T value) {
  auto r = std::make_shared<Value>();
  r->v = std::move(value);
  return r;
}

// Dict lookup by string key; null when `dict` is not a dict or has no such key.
Ref lookup(const Ref& dict, std::string_view key);

// A named field of a record: a dict item, or a field of an opaque object's BUILD state (a
// dataclass pickles its fields that way), or of its first constructor argument when that is a
// dict. Null when absent.
Ref field(const Ref& record, std::string_view name);

// Converters that return nullopt-like failure by throwing std::invalid_argument with a message
// naming the expected type; callers add the file and path.
int64_t as_int(const Ref& v);
double as_number(const Ref& v);
const std::string& as_string(const Ref& v);
const std::vector<Ref>& as_sequence(const Ref& v);  // list or tuple

// The values directly held by v (container items, object args/state, ...), in order.
std::vector<Ref> children(const Value& v);

// Why the graph under `root` is unsafe to keep, or empty: a reference cycle (shared_ptr would
// leak it) or nesting deeper than `max_depth` (destruction would recurse that deep).
// Iterative: a hostile pickle cannot overflow the stack here.
std::string graph_problem(const Ref& root, size_t max_depth);

// Empties every container reachable from `roots` without recursion, so that a cyclic or very
// deep graph is freed (used when a pickle is refused).
void dismantle(std::vector<Ref> roots);

// A short repr for diagnostics and the CLI (`depth` bounds nested output).
std::string repr(const Ref& v, int depth = 3);

}  // namespace cartography::latent::pickle
