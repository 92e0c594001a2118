#include "latent/checkpoint/pickle_value.hpp"

#include <unordered_map>
#include <unordered_set>

#include <sstream>
#include <stdexcept>

namespace cartography::latent::pickle {

std::string Value::type_name() const {
  struct Namer {
    std::string operator()(const None&) const { return "None"; }
    std::string operator()(bool) const { return "bool"; }
    std::string operator()(int64_t) const { return "int"; }
    std::string operator()(double) const { return "float"; }
    std::string operator()(const std::string&) const { return "str"; }
    std::string operator()(const Bytes&) const { return "bytes"; }
    std::string operator()(const List&) const { return "list"; }
    std::string operator()(const Tuple&) const { return "tuple"; }
    std::string operator()(const Set&) const { return "set"; }
    std::string operator()(const Dict&) const { return "dict"; }
    std::string operator()(const Global& g) const { return "global " + g.qualified(); }
    std::string operator()(const Object& o) const { return "object of class " + o.cls; }
    std::string operator()(const Extension& e) const { return e.kind; }
  };
  return std::visit(Namer{}, v);
}

Ref lookup(const Ref& dict, std::string_view key) {
  if (!dict) return nullptr;
  const Dict* d = dict->get<Dict>();
  if (!d) return nullptr;
  for (const auto& [k, value] : d->items)
    if (const std::string* s = k ? k->get<std::string>() : nullptr; s && *s == key) return value;
  return nullptr;
}

Ref field(const Ref& record, std::string_view name) {
  if (!record) return nullptr;
  if (record->get<Dict>()) return lookup(record, name);
  if (const Object* o = record->get<Object>()) {
    if (Ref r = lookup(o->state, name)) return r;
    // A (dict, slots) state tuple, as __reduce_ex__ writes for classes with __slots__.
    if (const Tuple* t = o->state ? o->state->get<Tuple>() : nullptr)
      for (const Ref& part : t->items)
        if (Ref r = lookup(part, name)) return r;
    for (const auto& [k, value] : o->items)
      if (const std::string* s = k ? k->get<std::string>() : nullptr; s && *s == name) return value;
    if (const Tuple* a = o->args ? o->args->get<Tuple>() : nullptr; a && a->items.size() == 1)
      return lookup(a->items[0], name);
  }
  return nullptr;
}

int64_t as_int(const Ref& v) {
  if (v) {
    if (const int64_t* i = v->get<int64_t>()) return *i;
    if (const bool* b = v->get<bool>()) return *b ? 1 : 0;
  }
  throw std::invalid_argument("expected an int, found " + (v ? v->type_name() : std::string("nothing")));
}

double as_number(const Ref& v) {
  if (v) {
    if (const double* d = v->get<double>()) return *d;
    if (const int64_t* i = v->get<int64_t>()) return static_cast<double>(*i);
  }
  throw std::invalid_argument("expected a number, found " + (v ? v->type_name() : std::string("nothing")));
}

const std::string& as_string(const Ref& v) {
  if (v)
    if (const std::string* s = v->get<std::string>()) return *s;
  throw std::invalid_argument("expected a str, found " + (v ? v->type_name() : std::string("nothing")));
}

const std::vector<Ref>& as_sequence(const Ref& v) {
  if (v) {
    if (const List* l = v->get<List>()) return l->items;
    if (const Tuple* t = v->get<Tuple>()) return t->items;
  }
  throw std::invalid_argument("expected a list or tuple, found " +
                              (v ? v->type_name() : std::string("nothing")));
}

namespace {

void write_repr(std::ostream& os, const Ref& v, int depth);

void write_items(std::ostream& os, const std::vector<Ref>& items, int depth, const char* open,
                 const char* close) {
  os << open;
  if (depth <= 0 && !items.empty()) {
    os << "...";
  } else {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) os << ", ";
      if (i == 16) {
        os << "... (" << items.size() << " items)";
        break;
      }
      write_repr(os, items[i], depth - 1);
    }
  }
  os << close;
}

void write_pairs(std::ostream& os, const std::vector<std::pair<Ref, Ref>>& items, int depth) {
  os << "{";
  if (depth <= 0 && !items.empty()) {
    os << "...";
  } else {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) os << ", ";
      if (i == 32) {
        os << "... (" << items.size() << " items)";
        break;
      }
      write_repr(os, items[i].first, depth - 1);
      os << ": ";
      write_repr(os, items[i].second, depth - 1);
    }
  }
  os << "}";
}

void write_repr(std::ostream& os, const Ref& v, int depth) {
  if (!v) {
    os << "<null>";
    return;
  }
  struct Writer {
    std::ostream& os;
    int depth;
    void operator()(const None&) const { os << "None"; }
    void operator()(bool b) const { os << (b ? "True" : "False"); }
    void operator()(int64_t i) const { os << i; }
    void operator()(double d) const { os << d; }
    void operator()(const std::string& s) const { os << "'" << s << "'"; }
    void operator()(const Bytes& b) const { os << "b<" << b.data.size() << " bytes>"; }
    void operator()(const List& l) const { write_items(os, l.items, depth, "[", "]"); }
    void operator()(const Tuple& t) const { write_items(os, t.items, depth, "(", ")"); }
    void operator()(const Set& s) const { write_items(os, s.items, depth, "set(", ")"); }
    void operator()(const Dict& d) const { write_pairs(os, d.items, depth); }
    void operator()(const Global& g) const { os << g.qualified(); }
    void operator()(const Object& o) const {
      os << o.cls << "(";
      if (o.state) write_repr(os, o.state, depth - 1);
      os << ")";
    }
    void operator()(const Extension& e) const { os << "<" << e.kind << ">"; }
  };
  std::visit(Writer{os, depth}, v->v);
}

}  // namespace

std::string repr(const Ref& v, int depth) {
  std::ostringstream os;
  write_repr(os, v, depth);
  return os.str();
}

std::vector<Ref> children(const Value& v) {
  std::vector<Ref> out;
  auto add = [&](const Ref& r) {
    if (r) out.push_back(r);
  };
  if (const auto* l = std::get_if<List>(&v.v)) for (const Ref& r : l->items) add(r);
  if (const auto* t = std::get_if<Tuple>(&v.v)) for (const Ref& r : t->items) add(r);
  if (const auto* s = std::get_if<Set>(&v.v)) for (const Ref& r : s->items) add(r);
  if (const auto* d = std::get_if<Dict>(&v.v)) {
    for (const auto& [k, x] : d->items) {
      add(k);
      add(x);
    }
    add(d->attributes);
  }
  if (const auto* o = std::get_if<Object>(&v.v)) {
    add(o->args);
    add(o->state);
    for (const auto& [k, x] : o->items) {
      add(k);
      add(x);
    }
    for (const Ref& r : o->list_items) add(r);
  }
  return out;
}

std::string graph_problem(const Ref& root, size_t max_depth) {
  if (!root) return {};
  // Depth-first with an explicit stack; "open" nodes are those on the current path.
  enum class Mark { Open, Done };
  std::unordered_map<const Value*, Mark> marks;
  struct Frame {
    const Value* node;
    std::vector<Ref> kids;
    size_t next = 0;
  };
  std::vector<Frame> path;
  path.push_back({root.get(), children(*root)});
  marks[root.get()] = Mark::Open;
  while (!path.empty()) {
    Frame& f = path.back();
    if (f.next == f.kids.size()) {
      marks[f.node] = Mark::Done;
      path.pop_back();
      continue;
    }
    const Value* kid = f.kids[f.next++].get();
    auto it = marks.find(kid);
    if (it != marks.end()) {
      if (it->second == Mark::Open) return "contains a reference cycle";
      continue;
    }
    if (path.size() >= max_depth) return "nests deeper than " + std::to_string(max_depth) + " levels";
    marks[kid] = Mark::Open;
    path.push_back({kid, children(*kid)});
  }
  return {};
}

void dismantle(std::vector<Ref> work) {
  std::unordered_set<const Value*> seen;
  while (!work.empty()) {
    Ref r = std::move(work.back());
    work.pop_back();
    if (!r || !seen.insert(r.get()).second) continue;
    for (Ref& k : children(*r)) work.push_back(std::move(k));
    r->v = None{};  // drops this node's own references; its children live on in `work`
  }
}

}  // namespace cartography::latent::pickle
