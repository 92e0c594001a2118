#include "latent/checkpoint/pickle_writer.hpp"

#include <algorithm>
#include <any>
#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace cartography::latent::pickle {

Ref persistent_id(Ref pid) { return make(Extension{kPersistentId, std::move(pid)}); }
Ref global(std::string module, std::string name) { return make(Global{std::move(module), std::move(name)}); }
Ref tuple(std::vector<Ref> items) { return make(Tuple{std::move(items)}); }
Ref list(std::vector<Ref> items) { return make(List{std::move(items)}); }
Ref dict(std::vector<std::pair<Ref, Ref>> items) { return make(Dict{std::move(items), nullptr}); }
Ref str(std::string s) { return make(std::move(s)); }

Ref reduce(std::string qualified, std::vector<Ref> args) {
  Object o;
  o.cls = std::move(qualified);
  o.args = tuple(std::move(args));
  return make(std::move(o));
}

Ref ordered_dict(std::vector<std::pair<Ref, Ref>> items, Ref state) {
  Object o;
  o.cls = "collections.OrderedDict";
  o.args = tuple({});
  o.items = std::move(items);
  o.state = std::move(state);
  return make(std::move(o));
}

namespace {

// Python batches APPENDS/SETITEMS by this many items.
constexpr size_t kBatch = 1000;
constexpr size_t kMaxDepth = 1000;

bool is_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 (Python refuses them).
    static constexpr uint32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

// Bytes travel as the text of their latin-1 decoding, which the loader encodes back.
std::string utf8_of_latin1(const std::string& bytes) {
  std::string out;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

class Pickler {
 public:
  std::string run(const Ref& root) {
    out_ = "\x80\x02";
    save(root, 0);
    out_ += '.';
    return std::move(out_);
  }

 private:
  void put_le(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  void memo_put(const void* key) {
    const auto index = static_cast<uint64_t>(memo_.size());
    memo_.emplace(key, index);
    write_put(index);
  }
  void write_put(uint64_t index) {
    if (index < 256) {
      out_ += 'q';
      put_le(index, 1);
    } else {
      out_ += 'r';
      put_le(index, 4);
    }
  }
  bool memo_get(const void* key) {
    auto it = memo_.find(key);
    if (it == memo_.end()) return false;
    if (it->second < 256) {
      out_ += 'h';
      put_le(it->second, 1);
    } else {
      out_ += 'j';
      put_le(it->second, 4);
    }
    return true;
  }

  void save_int(int64_t v) {
    if (v >= 0 && v < 256) {
      out_ += 'K';
      put_le(static_cast<uint64_t>(v), 1);
    } else if (v >= 0 && v < 65536) {
      out_ += 'M';
      put_le(static_cast<uint64_t>(v), 2);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      out_ += 'J';
      put_le(static_cast<uint64_t>(static_cast<uint32_t>(static_cast<int32_t>(v))), 4);
    } else {
      // LONG1: the shortest little-endian two's complement that keeps the sign.
      std::string digits;
      auto u = static_cast<uint64_t>(v);
      for (int i = 0; i < 8; ++i) digits += static_cast<char>((u >> (8 * i)) & 0xFF);
      while (digits.size() > 1) {
        const auto last = static_cast<unsigned char>(digits.back());
        const auto prev = static_cast<unsigned char>(digits[digits.size() - 2]);
        if ((last == 0 && !(prev & 0x80)) || (last == 0xFF && (prev & 0x80)))
          digits.pop_back();
        else
          break;
      }
      out_ += '\x8a';
      put_le(digits.size(), 1);
      out_ += digits;
    }
  }
  void save_float(double v) {
    out_ += 'G';
    const auto bits = std::bit_cast<uint64_t>(v);
    for (int i = 7; i >= 0; --i) out_ += static_cast<char>((bits >> (8 * i)) & 0xFF);
  }
  void save_str(const Value& value, const std::string& s) {
    if (memo_get(&value)) return;
    if (!is_utf8(s)) throw std::invalid_argument("a str that is not UTF-8 cannot be pickled");
    if (s.size() > UINT32_MAX) throw std::invalid_argument("a str longer than 4 GiB");
    out_ += 'X';
    put_le(s.size(), 4);
    out_ += s;
    memo_put(&value);
  }
  void save_global(const std::string& module, const std::string& name) {
    const std::string key = module + "\n" + name;
    auto it = globals_.find(key);
    if (it != globals_.end()) {
      memo_get(it->second);
      return;
    }
    if (module.find('\n') != std::string::npos || name.find('\n') != std::string::npos || module.empty() ||
        name.empty())
      throw std::invalid_argument("malformed global name '" + module + "." + name + "'");
    out_ += 'c';
    out_ += module + "\n" + name + "\n";
    // The memo keys globals by their name: any address unique to this name will do.
    const void* slot = &globals_.emplace(key, nullptr).first->first;
    globals_[key] = slot;
    memo_put(slot);
  }
  void save_qualified(const std::string& qualified) {
    const size_t dot = qualified.rfind('.');
    if (dot == std::string::npos) throw std::invalid_argument("class name '" + qualified + "' has no module");
    save_global(qualified.substr(0, dot), qualified.substr(dot + 1));
  }

  // Batches of 1,000 as CPython's _pickle writes them: a container holding exactly one item
  // takes the single-item opcode; otherwise a plain list or dict (`exact`) puts every batch,
  // even a last one of one item, between MARK and APPENDS/SETITEMS, while the items of a reduced
  // object (read from an iterator) write a last batch of one with the single-item opcode.
  template <typename Item, typename SaveOne>
  void save_batched(const std::vector<Item>& items, bool exact, char one, char many, SaveOne save_one) {
    if (items.size() == 1) {
      save_one(items[0]);
      out_ += one;
      return;
    }
    for (size_t start = 0; start < items.size(); start += kBatch) {
      const size_t end = std::min(items.size(), start + kBatch);
      if (end - start == 1 && !exact) {
        save_one(items[start]);
        out_ += one;
        continue;
      }
      out_ += '(';
      for (size_t k = start; k < end; ++k) save_one(items[k]);
      out_ += many;
    }
  }
  void save_items(const std::vector<Ref>& items, int depth, bool exact) {
    save_batched(items, exact, 'a', 'e', [&](const Ref& r) { save(r, depth); });  // APPEND, APPENDS
  }
  void save_pairs(const std::vector<std::pair<Ref, Ref>>& items, int depth, bool exact) {
    save_batched(items, exact, 's', 'u', [&](const std::pair<Ref, Ref>& kv) {  // SETITEM, SETITEMS
      save(kv.first, depth);
      save(kv.second, depth);
    });
  }
  void save_tuple(const Value& value, const std::vector<Ref>& items, int depth) {
    if (items.empty()) {
      out_ += ')';
      return;
    }
    if (memo_get(&value)) return;
    enter(value);
    if (items.size() <= 3) {
      for (const Ref& r : items) save(r, depth);
      static constexpr char kTupleN[] = {0, '\x85', '\x86', '\x87'};
      out_ += kTupleN[items.size()];
    } else {
      out_ += '(';
      for (const Ref& r : items) save(r, depth);
      out_ += 't';
    }
    leave(value);
    memo_put(&value);
  }
  void save_reduced(const Value& value, const Object& o, int depth) {
    if (memo_get(&value)) return;
    enter(value);
    save_qualified(o.cls);
    if (o.args && !o.args->get<Tuple>())
      throw std::invalid_argument("arguments of " + o.cls + " are a " + o.args->type_name() + ", not a tuple");
    if (o.args)
      save(o.args, depth);
    else
      out_ += ')';
    out_ += 'R';
    leave(value);
    memo_put(&value);
    save_items(o.list_items, depth, false);
    save_pairs(o.items, depth, false);
    if (o.state) {
      save(o.state, depth);
      out_ += 'b';  // BUILD
    }
  }
  // Tuples and reduced objects are memoized only once complete, so meeting one again while it
  // is being written is a cycle protocol 2 cannot express.
  void enter(const Value& value) {
    if (!in_progress_.insert(&value).second)
      throw std::invalid_argument("a reference cycle through a " + value.type_name() + " cannot be pickled");
  }
  void leave(const Value& value) { in_progress_.erase(&value); }

  void save(const Ref& ref, int depth) {
    if (!ref) throw std::invalid_argument("a null value in the tree");
    if (++depth > static_cast<int>(kMaxDepth)) throw std::invalid_argument("values nested deeper than 1000 levels");
    const Value& value = *ref;
    if (value.get<None>()) {
      out_ += 'N';
    } else if (const bool* b = value.get<bool>()) {
      out_ += *b ? '\x88' : '\x89';
    } else if (const int64_t* i = value.get<int64_t>()) {
      save_int(*i);
    } else if (const double* d = value.get<double>()) {
      save_float(*d);
    } else if (const std::string* s = value.get<std::string>()) {
      save_str(value, *s);
    } else if (const Bytes* by = value.get<Bytes>()) {
      if (memo_get(&value)) return;
      // As Python writes bytes under protocol 2: _codecs.encode(latin-1 text, 'latin1').
      save_global("_codecs", "encode");
      save(keep(tuple({str(utf8_of_latin1(by->data)), latin1_})), depth);
      out_ += 'R';
      memo_put(&value);
    } else if (const List* l = value.get<List>()) {
      if (memo_get(&value)) return;
      out_ += ']';
      memo_put(&value);
      save_items(l->items, depth, true);
    } else if (const Tuple* t = value.get<Tuple>()) {
      save_tuple(value, t->items, depth);
    } else if (const Set* st = value.get<Set>()) {
      if (memo_get(&value)) return;
      enter(value);
      save_global("__builtin__", "set");  // set([items]), Python's protocol-2 spelling
      save(keep(tuple({list(st->items)})), depth);
      out_ += 'R';
      leave(value);
      memo_put(&value);
    } else if (const Dict* dc = value.get<Dict>()) {
      if (memo_get(&value)) return;
      out_ += '}';
      memo_put(&value);
      save_pairs(dc->items, depth, true);
      if (dc->attributes) throw std::invalid_argument("a plain dict cannot carry a BUILD state (use ordered_dict)");
    } else if (const Global* g = value.get<Global>()) {
      save_global(g->module, g->name);
    } else if (const Object* o = value.get<Object>()) {
      save_reduced(value, *o, depth);
    } else if (const Extension* e = value.get<Extension>()) {
      const Ref* pid = e->kind == kPersistentId ? std::any_cast<Ref>(&e->payload) : nullptr;
      if (!pid || !*pid) throw std::invalid_argument("cannot pickle a " + e->kind);
      save(*pid, depth);
      out_ += 'Q';  // BINPERSID
    }
  }

  // The memo is keyed by address: values made here must outlive the run so that no later value
  // reuses an address the memo already holds.
  const Ref& keep(Ref r) { return temporaries_.emplace_back(std::move(r)); }

  std::string out_;
  std::vector<Ref> temporaries_;
  Ref latin1_ = str("latin1");  // one object, as Python's interned 'latin1'
  std::unordered_map<const void*, uint64_t> memo_;
  std::unordered_map<std::string, const void*> globals_;
  std::unordered_set<const Value*> in_progress_;
};

}  // namespace

std::string write_pickle(const Ref& root) { return Pickler{}.run(root); }

}  // namespace cartography::latent::pickle
