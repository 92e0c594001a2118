#include "latent/checkpoint/unpickler.hpp"

#include <cstring>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "latent/checkpoint/checkpoint_error.hpp"

namespace cartography::latent::pickle {
namespace {

// Opcodes by protocol (names as in CPython's pickletools).
enum Op : uint8_t {
  MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2', FLOAT = 'F', INT = 'I',
  BININT = 'J', BININT1 = 'K', LONG = 'L', BININT2 = 'M', NONE = 'N', PERSID = 'P',
  BINPERSID = 'Q', REDUCE = 'R', STRING = 'S', BINSTRING = 'T', SHORT_BINSTRING = 'U',
  UNICODE = 'V', BINUNICODE = 'X', APPEND = 'a', BUILD = 'b', GLOBAL = 'c', DICT = 'd',
  EMPTY_DICT = '}', APPENDS = 'e', GET = 'g', BINGET = 'h', INST = 'i', LONG_BINGET = 'j',
  LIST = 'l', EMPTY_LIST = ']', OBJ = 'o', PUT = 'p', BINPUT = 'q', LONG_BINPUT = 'r',
  SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')', SETITEMS = 'u', BINFLOAT = 'G',
  // protocol 2
  PROTO = 0x80, NEWOBJ = 0x81, EXT1 = 0x82, EXT2 = 0x83, EXT4 = 0x84, TUPLE1 = 0x85,
  TUPLE2 = 0x86, TUPLE3 = 0x87, NEWTRUE = 0x88, NEWFALSE = 0x89, LONG1 = 0x8a, LONG4 = 0x8b,
  // protocol 3
  BINBYTES = 'B', SHORT_BINBYTES = 'C',
  // protocol 4
  SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d, BINBYTES8 = 0x8e, EMPTY_SET = 0x8f,
  ADDITEMS = 0x90, FROZENSET = 0x91, NEWOBJ_EX = 0x92, STACK_GLOBAL = 0x93, MEMOIZE = 0x94,
  FRAME = 0x95,
  // protocol 5
  BYTEARRAY8 = 0x96, NEXT_BUFFER = 0x97, READONLY_BUFFER = 0x98,
};

// Real checkpoints nest a handful of levels; a deeper graph is refused before anything
// recursive (destruction, lookups, repr) walks it.
constexpr size_t kMaxNesting = 1000;

class Machine {
 public:
  Machine(std::span<const std::byte> data, const std::string& file, const std::string& entry,
          const Hooks& hooks)
      : data_(data), file_(file), entry_(entry), hooks_(hooks) {}

  // Everything the machine still references (stack and memo).
  std::vector<Ref> held() const {
    std::vector<Ref> out(stack_.begin(), stack_.end());
    for (const auto& [k, v] : memo_) out.push_back(v);
    return out;
  }

  Ref run() {
    while (true) {
      op_pos_ = pos_;
      const uint8_t op = u8();
      if (op == STOP) {
        if (stack_.size() != 1 || !marks_.empty()) fail("STOP with a malformed stack");
        return stack_.back();
      }
      step(op);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::ostringstream os;
    os << entry_ << ": pickle " << what << " at byte " << op_pos_;
    throw CheckpointError(file_, os.str());
  }

  // ---- reading the stream ----
  void need(uint64_t n) const {
    if (n > data_.size() - pos_) fail("stream truncated (needs " + std::to_string(n) + " more bytes)");
  }
  uint64_t le(int bytes) {
    need(bytes);
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | std::to_integer<uint64_t>(data_[pos_ + i]);
    pos_ += bytes;
    return v;
  }
  uint8_t u8() { return static_cast<uint8_t>(le(1)); }
  std::string bytes(uint64_t n) {
    need(n);
    std::string s(reinterpret_cast<const char*>(data_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  std::string line() {  // protocol-0 arguments end with '\n'
    size_t end = pos_;
    while (end < data_.size() && data_[end] != std::byte{'\n'}) ++end;
    if (end == data_.size()) fail("stream truncated (unterminated text argument)");
    std::string s(reinterpret_cast<const char*>(data_.data() + pos_), end - pos_);
    pos_ = end + 1;
    return s;
  }

  // ---- the stack ----
  void push(Ref v) {
    if (stack_.size() > kMaxStack) fail("stack overflow");
    stack_.push_back(std::move(v));
  }
  Ref pop() {
    if (stack_.size() <= base()) fail("stack underflow");
    Ref v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  Ref& top() {
    if (stack_.size() <= base()) fail("stack underflow");
    return stack_.back();
  }
  size_t base() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<Ref> pop_mark() {
    if (marks_.empty()) fail("MARK expected");
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Ref> items(std::make_move_iterator(stack_.begin() + m), std::make_move_iterator(stack_.end()));
    stack_.resize(m);
    return items;
  }

  // ---- memo ----
  void memo_put(uint64_t index) {
    if (index > kMaxMemo) fail("memo index too large");
    memo_[index] = top();
  }
  void memo_get(uint64_t index) {
    auto it = memo_.find(index);
    if (it == memo_.end()) fail("memo entry " + std::to_string(index) + " is missing");
    push(it->second);
  }

  // ---- containers ----
  void set_items(const Ref& target, std::vector<Ref>& kv) {
    if (kv.size() % 2) fail("odd number of items for SETITEMS");
    if (Dict* d = target->get<Dict>()) {
      for (size_t i = 0; i < kv.size(); i += 2) {
        // A repeated key replaces the earlier value, as in Python (string keys only: others
        // are kept apart since their equality is not defined here).
        bool replaced = false;
        if (const std::string* k = kv[i]->get<std::string>())
          for (auto& [key, value] : d->items)
            if (const std::string* s = key->get<std::string>(); s && *s == *k) {
              value = kv[i + 1];
              replaced = true;
              break;
            }
        if (!replaced) d->items.emplace_back(kv[i], kv[i + 1]);
      }
    } else if (Object* o = target->get<Object>()) {
      for (size_t i = 0; i < kv.size(); i += 2) o->items.emplace_back(kv[i], kv[i + 1]);
    } else {
      fail("SETITEM on a " + target->type_name());
    }
  }
  void append_items(const Ref& target, std::vector<Ref>& items) {
    if (List* l = target->get<List>()) {
      for (Ref& r : items) l->items.push_back(std::move(r));
    } else if (Set* s = target->get<Set>()) {
      for (Ref& r : items) s->items.push_back(std::move(r));
    } else if (Object* o = target->get<Object>()) {
      for (Ref& r : items) o->list_items.push_back(std::move(r));
    } else {
      fail("APPEND on a " + target->type_name());
    }
  }

  // ---- calls ----
  // REDUCE of `callable(*args)`: a few builtins have a meaning here; everything else goes to
  // the hook, then becomes an opaque record.
  Ref call(const Ref& callable, const Ref& args) {
    const Tuple* a = args->get<Tuple>();
    if (!a) fail("REDUCE arguments are a " + args->type_name() + ", not a tuple");
    const Global* g = callable->get<Global>();
    if (!g) {
      Object o;
      o.cls = "<call of " + callable->type_name() + ">";
      o.args = args;
      return make(std::move(o));
    }
    const std::string q = g->qualified();
    if (q == "collections.OrderedDict" || q == "builtins.dict" || q == "__builtin__.dict") {
      Ref d = make(Dict{});
      if (!a->items.empty()) {  // OrderedDict([(k, v), ...])
        std::vector<Ref> kv;
        for (const Ref& pair : as_sequence_or_fail(a->items[0]))
          for (const Ref& part : as_sequence_or_fail(pair)) kv.push_back(part);
        set_items(d, kv);
      }
      return d;
    }
    if (q == "builtins.set" || q == "builtins.frozenset" || q == "__builtin__.set") {
      Set s;
      if (!a->items.empty()) s.items = as_sequence_or_fail(a->items[0]);
      return make(std::move(s));
    }
    if (q == "_codecs.encode" && a->items.size() >= 1) {  // protocol-2 bytes: encode(str, 'latin1')
      const std::string* s = a->items[0]->get<std::string>();
      if (!s) fail("_codecs.encode of a " + a->items[0]->type_name());
      return make(Bytes{latin1_from_utf8(*s)});
    }
    if ((q == "copyreg._reconstructor" || q == "copy_reg._reconstructor") && !a->items.empty())
      return new_object(a->items[0], make(Tuple{}));  // protocols 0-1: object.__reduce_ex__
    if (hooks_.reduce) {
      if (Ref r = hooks_.reduce(*g, args)) return r;
    }
    Object o;
    o.cls = q;
    o.args = args;
    return make(std::move(o));
  }
  const std::vector<Ref>& as_sequence_or_fail(const Ref& v) {
    if (v)
      if (const List* l = v->get<List>()) return l->items;
    if (v)
      if (const Tuple* t = v->get<Tuple>()) return t->items;
    fail("expected a list or tuple, found " + (v ? v->type_name() : std::string("nothing")));
  }
  std::string latin1_from_utf8(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x80) {
        out += static_cast<char>(c);
      } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size() && c <= 0xC3) {
        out += static_cast<char>(((c & 0x1F) << 6) | (static_cast<unsigned char>(s[++i]) & 0x3F));
      } else {
        fail("bytes payload is not latin-1");
      }
    }
    return out;
  }
  Ref new_object(const Ref& cls, const Ref& args) {
    const Global* g = cls->get<Global>();
    if (g && (g->qualified() == "collections.OrderedDict" || g->qualified() == "builtins.dict"))
      return make(Dict{});
    Object o;
    o.cls = g ? g->qualified() : "<instance of " + cls->type_name() + ">";
    o.args = args;
    return make(std::move(o));
  }
  void build(const Ref& obj, const Ref& state) {
    if (Object* o = obj->get<Object>()) {
      o->state = state;
    } else if (Dict* d = obj->get<Dict>()) {
      d->attributes = state;  // e.g. a state_dict's _metadata
    } else if (obj->get<Extension>()) {
      // Tensor subclasses and parameters may carry a __dict__ state; nothing of it is used here.
    } else {
      fail("BUILD on a " + obj->type_name());
    }
  }

  // ---- protocol-0 text arguments ----
  int64_t parse_int(const std::string& text) {
    std::string t = text;
    if (!t.empty() && t.back() == 'L') t.pop_back();
    try {
      size_t used = 0;
      const long long v = std::stoll(t, &used, 10);
      if (used != t.size()) throw std::invalid_argument(t);
      return v;
    } catch (const std::exception&) {
      fail("bad integer literal '" + text + "'");
    }
  }
  std::string unquote(const std::string& text) {
    if (text.size() < 2 || (text.front() != '\'' && text.front() != '"') || text.back() != text.front())
      fail("bad string literal");
    std::string out;
    for (size_t i = 1; i + 1 < text.size(); ++i) {
      char c = text[i];
      if (c != '\\' || i + 2 >= text.size()) {
        out += c;
        continue;
      }
      char e = text[++i];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'x':
          if (i + 2 >= text.size()) fail("bad escape in string literal");
          out += static_cast<char>(hex_or_fail(text.substr(i + 1, 2), "\\x escape in a string literal"));
          i += 2;
          break;
        default: out += e;
      }
    }
    return out;
  }
  // The value of a run of hex digits (at most 8), or a pickle error naming what it was for
  // (std::stoul would throw std::invalid_argument, which is not this reader's error).
  uint32_t hex_or_fail(const std::string& digits, const char* what) const {
    uint32_t v = 0;
    for (const char c : digits) {
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) fail(std::string("bad ") + what + " (not hexadecimal: '" + digits + "')");
      v = v << 4 | static_cast<uint32_t>(d);
    }
    return v;
  }
  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  // raw-unicode-escape: latin-1 bytes with \uXXXX and \UXXXXXXXX escapes.
  std::string raw_unicode(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'u' || text[i + 1] == 'U')) {
        const size_t n = text[i + 1] == 'u' ? 4 : 8;
        if (i + 2 + n > text.size()) fail("bad \\u escape");
        const uint32_t cp = hex_or_fail(text.substr(i + 2, n), "\\u escape");
        if (cp > 0x10FFFF) fail("\\U escape beyond Unicode");
        append_utf8(out, cp);
        i += 1 + n;
      } else {
        append_utf8(out, static_cast<unsigned char>(text[i]));
      }
    }
    return out;
  }

  Ref long_from_bytes(const std::string& b) {
    if (b.size() > 8) fail("integer of " + std::to_string(b.size()) + " bytes is too large");
    uint64_t u = 0;
    for (size_t i = b.size(); i-- > 0;) u = (u << 8) | static_cast<unsigned char>(b[i]);
    if (!b.empty() && b.size() < 8 && (static_cast<unsigned char>(b.back()) & 0x80))
      u |= ~uint64_t{0} << (8 * b.size());  // sign-extend two's complement
    return make(static_cast<int64_t>(u));
  }

  Ref persistent(const Ref& pid) {
    if (!hooks_.persistent_load) fail("persistent id without a loader");
    Ref r = hooks_.persistent_load(pid);
    if (!r) fail("unresolved persistent id " + repr(pid));
    return r;
  }

  void step(uint8_t op) {
    switch (op) {
      case PROTO: {
        const uint8_t proto = u8();
        if (proto > 5) fail("unsupported protocol " + std::to_string(proto));
        break;
      }
      case FRAME: le(8); break;
      case MARK: marks_.push_back(stack_.size()); break;
      case POP:
        if (stack_.size() > base()) pop();
        else pop_mark();  // POP of a bare MARK removes the mark
        break;
      case POP_MARK: pop_mark(); break;
      case DUP: push(top()); break;
      case NONE: push(make(None{})); break;
      case NEWTRUE: push(make(true)); break;
      case NEWFALSE: push(make(false)); break;
      case INT: {
        const std::string t = line();
        if (t == "01") push(make(true));
        else if (t == "00") push(make(false));
        else push(make(parse_int(t)));
        break;
      }
      case LONG: push(make(parse_int(line()))); break;
      case BININT: push(make(static_cast<int64_t>(static_cast<int32_t>(le(4))))); break;
      case BININT1: push(make(static_cast<int64_t>(le(1)))); break;
      case BININT2: push(make(static_cast<int64_t>(le(2)))); break;
      case LONG1: push(long_from_bytes(bytes(le(1)))); break;
      case LONG4: {
        const auto n = static_cast<int32_t>(le(4));
        if (n < 0) fail("negative LONG4 length");
        push(long_from_bytes(bytes(static_cast<uint64_t>(n))));
        break;
      }
      case FLOAT: {
        const std::string t = line();
        try {
          push(make(std::stod(t)));
        } catch (const std::exception&) {
          fail("bad float literal '" + t + "'");
        }
        break;
      }
      case BINFLOAT: {
        uint64_t bits = 0;  // big-endian IEEE double
        need(8);
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | std::to_integer<uint64_t>(data_[pos_ + i]);
        pos_ += 8;
        double d;
        std::memcpy(&d, &bits, 8);
        push(make(d));
        break;
      }
      case STRING: push(make(unquote(line()))); break;
      case BINSTRING: push(make(bytes(le(4)))); break;
      case SHORT_BINSTRING: push(make(bytes(le(1)))); break;
      case UNICODE: push(make(raw_unicode(line()))); break;
      case BINUNICODE: push(make(bytes(le(4)))); break;
      case SHORT_BINUNICODE: push(make(bytes(le(1)))); break;
      case BINUNICODE8: push(make(bytes(le(8)))); break;
      case BINBYTES: push(make(Bytes{bytes(le(4))})); break;
      case SHORT_BINBYTES: push(make(Bytes{bytes(le(1))})); break;
      case BINBYTES8: push(make(Bytes{bytes(le(8))})); break;
      case EMPTY_LIST: push(make(List{})); break;
      case EMPTY_TUPLE: push(make(Tuple{})); break;
      case EMPTY_DICT: push(make(Dict{})); break;
      case EMPTY_SET: push(make(Set{})); break;
      case LIST: push(make(List{pop_mark()})); break;
      case TUPLE: push(make(Tuple{pop_mark()})); break;
      case FROZENSET: push(make(Set{pop_mark()})); break;
      case TUPLE1: {
        Ref a = pop();
        push(make(Tuple{{a}}));
        break;
      }
      case TUPLE2: {
        Ref b = pop(), a = pop();
        push(make(Tuple{{a, b}}));
        break;
      }
      case TUPLE3: {
        Ref c = pop(), b = pop(), a = pop();
        push(make(Tuple{{a, b, c}}));
        break;
      }
      case DICT: {
        std::vector<Ref> kv = pop_mark();
        Ref d = make(Dict{});
        set_items(d, kv);
        push(d);
        break;
      }
      case APPEND: {
        std::vector<Ref> one{pop()};
        append_items(top(), one);
        break;
      }
      case APPENDS:
      case ADDITEMS: {
        std::vector<Ref> items = pop_mark();
        append_items(top(), items);
        break;
      }
      case SETITEM: {
        Ref value = pop(), key = pop();
        std::vector<Ref> kv{key, value};
        set_items(top(), kv);
        break;
      }
      case SETITEMS: {
        std::vector<Ref> kv = pop_mark();
        set_items(top(), kv);
        break;
      }
      case PUT: memo_put(static_cast<uint64_t>(parse_int(line()))); break;
      case BINPUT: memo_put(le(1)); break;
      case LONG_BINPUT: memo_put(le(4)); break;
      case MEMOIZE: memo_put(memo_.size()); break;
      case GET: memo_get(static_cast<uint64_t>(parse_int(line()))); break;
      case BINGET: memo_get(le(1)); break;
      case LONG_BINGET: memo_get(le(4)); break;
      case GLOBAL: {
        std::string module = line();
        std::string name = line();
        push(make(Global{std::move(module), std::move(name)}));
        break;
      }
      case STACK_GLOBAL: {
        Ref name = pop(), module = pop();
        const std::string* n = name->get<std::string>();
        const std::string* m = module->get<std::string>();
        if (!n || !m) fail("STACK_GLOBAL needs two strings");
        push(make(Global{*m, *n}));
        break;
      }
      case REDUCE: {
        Ref args = pop(), callable = pop();
        push(call(callable, args));
        break;
      }
      case NEWOBJ: {
        Ref args = pop(), cls = pop();
        push(new_object(cls, args));
        break;
      }
      case NEWOBJ_EX: {
        pop();  // kwargs
        Ref args = pop(), cls = pop();
        push(new_object(cls, args));
        break;
      }
      case INST: {  // protocol 0: INST module\nname\n with the arguments above a MARK
        std::string module = line();
        std::string name = line();
        Ref args = make(Tuple{pop_mark()});
        push(new_object(make(Global{std::move(module), std::move(name)}), args));
        break;
      }
      case OBJ: {  // protocol 1: MARK cls args... OBJ
        std::vector<Ref> items = pop_mark();
        if (items.empty()) fail("OBJ without a class");
        Ref cls = items.front();
        items.erase(items.begin());
        push(new_object(cls, make(Tuple{std::move(items)})));
        break;
      }
      case BUILD: {
        Ref state = pop();
        build(top(), state);
        break;
      }
      case BINPERSID: {
        Ref pid = pop();
        push(persistent(pid));
        break;
      }
      case PERSID: push(persistent(make(line()))); break;
      case EXT1:
      case EXT2:
      case EXT4: fail("extension registry opcodes (EXT1/2/4) are not supported");
      case BYTEARRAY8:
      case NEXT_BUFFER:
      case READONLY_BUFFER: fail("protocol-5 out-of-band buffers are not supported");
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        fail(std::string("unknown opcode ") + hex);
      }
    }
  }

  static constexpr size_t kMaxStack = size_t{1} << 24;
  static constexpr uint64_t kMaxMemo = uint64_t{1} << 28;

  std::span<const std::byte> data_;
  const std::string& file_;
  const std::string& entry_;
  const Hooks& hooks_;
  size_t pos_ = 0, op_pos_ = 0;
  std::vector<Ref> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Ref> memo_;
};

}  // namespace

Ref unpickle(std::span<const std::byte> data, const std::string& file, const std::string& entry,
             const Hooks& hooks) {
  Machine m(data, file, entry, hooks);
  Ref result;
  std::string problem;
  try {
    result = m.run();
    problem = graph_problem(result, kMaxNesting);
  } catch (...) {
    dismantle(m.held());  // a refused pickle's values may be cyclic or deep: free them iteratively
    throw;
  }
  if (!problem.empty()) {
    dismantle(m.held());
    throw CheckpointError(file, entry + ": pickle " + problem);
  }
  return result;
}

}  // namespace cartography::latent::pickle
