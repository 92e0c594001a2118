// The pickle machine on streams written by Python's own pickle (protocols 0-4, see
// scripts/convert_golden_vae.py: sample_object) and on malformed hand-made streams.
#include <string>

#include "latent/checkpoint/checkpoint_error.hpp"
#include "latent/checkpoint/unpickler.hpp"
#include "latent_test.hpp"
#include "test_support.hpp"

using namespace cartography::latent;
using namespace latent_test;

namespace {

pickle::Ref load(const std::string& bytes, const pickle::Hooks& hooks = {}) {
  return pickle::unpickle(std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()),
                          "test.pkl", "entry", hooks);
}

std::string error_of(const std::string& bytes) {
  try {
    load(bytes);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "";
}

const std::vector<pickle::Ref>& seq(const pickle::Ref& v) { return pickle::as_sequence(v); }

}  // namespace

TEST(Unpickler, ReadsPythonPicklesOfEveryProtocol) {
  for (int protocol = 0; protocol <= 4; ++protocol) {
    const std::string file = golden_dir() + "/pickles/proto" + std::to_string(protocol) + ".pkl";
    const pickle::Ref root = load(read_file(file));
    ASSERT_TRUE(root && root->get<pickle::Dict>()) << "protocol" << protocol;
    auto at = [&](const char* key) {
      pickle::Ref v = pickle::lookup(root, key);
      EXPECT_TRUE(v != nullptr) << "protocol" << protocol << "key" << key;
      return v;
    };
    EXPECT_EQ(pickle::as_int(at("small")), 7);
    EXPECT_EQ(pickle::as_int(at("negative")), -123456);
    EXPECT_EQ(pickle::as_int(at("big")), (int64_t{1} << 40) + 3);
    EXPECT_EQ(pickle::as_int(at("very_negative")), -(int64_t{1} << 62));
    EXPECT_EQ(pickle::as_number(at("float")), 0.1);
    EXPECT_EQ(pickle::as_string(at("text")), "h\xC3\xA9llo \xE2\x9C\x93");
    ASSERT_TRUE(at("raw")->get<pickle::Bytes>() != nullptr) << "protocol" << protocol;
    EXPECT_EQ(at("raw")->get<pickle::Bytes>()->data, std::string("\x00\x01\xff", 3));
    const auto& nested = seq(at("nested"));
    ASSERT_EQ(nested.size(), 3u);
    EXPECT_EQ(pickle::as_int(seq(nested[1])[1]), 3);
    EXPECT_TRUE(nested[2]->get<pickle::Tuple>() && seq(nested[2]).empty());
    EXPECT_EQ(seq(at("one")).size(), 1u);
    EXPECT_EQ(seq(at("two")).size(), 2u);
    EXPECT_EQ(pickle::as_int(seq(at("three"))[2]), 3);
    EXPECT_EQ(pickle::as_int(seq(at("four"))[3]), 4);
    EXPECT_TRUE(at("none")->get<pickle::None>() != nullptr);
    EXPECT_TRUE(*seq(at("flags"))[0]->get<bool>());
    EXPECT_FALSE(*seq(at("flags"))[1]->get<bool>());
    // The memo makes both entries one list, as in Python.
    EXPECT_EQ(seq(at("shared"))[0].get(), seq(at("shared"))[1].get());
    ASSERT_TRUE(at("set")->get<pickle::Set>() != nullptr) << "protocol" << protocol;
    EXPECT_EQ(pickle::as_int(at("set")->get<pickle::Set>()->items.at(0)), 5);
    const pickle::Dict* ordered = at("ordered")->get<pickle::Dict>();
    ASSERT_TRUE(ordered != nullptr);
    EXPECT_EQ(pickle::as_string(ordered->items.at(0).first), "b");
    EXPECT_EQ(pickle::as_int(ordered->items.at(1).second), 2);
    // The dataclass: an opaque record with its class name and its fields.
    const pickle::Object* args = at("args")->get<pickle::Object>();
    ASSERT_TRUE(args != nullptr) << "protocol" << protocol;
    EXPECT_EQ(args->cls, "cartography_fixture.FixtureArgs");
    EXPECT_EQ(pickle::as_int(pickle::field(at("args"), "depth")), 4);
    EXPECT_EQ(pickle::as_int(seq(pickle::field(at("args"), "strides"))[1]), 3);
    EXPECT_EQ(pickle::as_string(pickle::field(at("args"), "name")), "tiny");
  }
}

TEST(Unpickler, NamesUnknownOpcodesAndTheirOffset) {
  const std::string message = error_of(std::string("\x80\x02K\x01\xff.", 6));
  EXPECT_TRUE(contains(message, "unknown opcode 0xff at byte 4")) << message;
  EXPECT_TRUE(contains(message, "test.pkl")) << message;
}

TEST(Unpickler, RefusesMalformedStreams) {
  EXPECT_TRUE(contains(error_of(std::string("\x80\x02X\x10\x00\x00\x00" "ab", 9)), "truncated"));
  EXPECT_TRUE(contains(error_of(std::string("\x80\x02K\x01", 4)), "truncated"));  // no STOP
  EXPECT_TRUE(contains(error_of(std::string("\x80\x02s.", 4)), "underflow"));
  EXPECT_TRUE(contains(error_of(std::string("\x80\x02h\x07.", 5)), "memo entry 7 is missing"));
  EXPECT_TRUE(contains(error_of(std::string("\x80\x02\x82\x01.", 5)), "EXT1"));
  EXPECT_TRUE(contains(error_of(std::string("\x80\x02t.", 4)), "MARK expected"));
  EXPECT_TRUE(contains(error_of(std::string("\x80\x02K\x01K\x02.", 7)), "malformed stack"));
  EXPECT_TRUE(contains(error_of(std::string("\x80\x02" "K\x00" "K\x01" "K\x02" "s.", 9)), "SETITEM on a int"));
}

TEST(Unpickler, KeepsUnknownReductionsAsRecords) {
  // some.module.Thing(1) with BUILD state {'a': 2}: an opaque record, not an error.
  PickleWriter p;
  p.proto().global("some.module", "Thing").op('(').integer(1).op('t').op('R');
  p.op('}').str("a").integer(2).op('s').op('b').op('.');
  const pickle::Ref v = load(p.bytes());
  const pickle::Object* o = v->get<pickle::Object>();
  ASSERT_TRUE(o != nullptr);
  EXPECT_EQ(o->cls, "some.module.Thing");
  EXPECT_EQ(pickle::as_int(pickle::field(v, "a")), 2);
  EXPECT_EQ(pickle::as_int(seq(o->args)[0]), 1);
}

// Found by fuzzing (fuzz/crashes/checkpoint): a dict that is its own BUILD state leaked, and
// 200,000 nested lists overflowed the stack when freed. Both are refused with a reason now.
TEST(Unpickler, RefusesReferenceCycles) {
  const std::string self_state = std::string("\x80\x02}2b.", 6);  // {} DUP BUILD STOP
  EXPECT_NE(error_of(self_state).find("reference cycle"), std::string::npos) << error_of(self_state);
  // A list appended to itself through the memo: ] q\0 h\0 a .
  const std::string self_item = std::string("\x80\x02]q\x00h\x00" "a.", 9);
  EXPECT_NE(error_of(self_item).find("reference cycle"), std::string::npos) << error_of(self_item);
}

TEST(Unpickler, RefusesAbsurdNestingWithoutRecursing) {
  const int depth = 200000;
  std::string deep = "\x80\x02" + std::string(depth, ']') + std::string(depth - 1, 'a') + ".";
  EXPECT_NE(error_of(deep).find("nests deeper than"), std::string::npos);
  // Refused mid-stream (no STOP) with the same depth held on the stack: freed iteratively.
  std::string cut = "\x80\x02" + std::string(depth, ']') + std::string(depth - 1, 'a');
  EXPECT_NE(error_of(cut).find("pickle"), std::string::npos);
  // Ordinary nesting is fine.
  std::string shallow = "\x80\x02" + std::string(50, ']') + std::string(49, 'a') + ".";
  EXPECT_EQ(error_of(shallow), "");
}

TEST(Unpickler, BadEscapesInTextOpcodesAreCheckpointErrors) {
  // Found by hand while writing the structure-aware fuzzer: std::stoul / std::stoi threw
  // std::invalid_argument out of the reader (reproducers: fuzz/crashes/checkpoint/).
  std::string m = error_of(std::string("\x80\x02V\\uzzzz\n.", 11));
  EXPECT_TRUE(contains(m, "bad \\u escape (not hexadecimal: 'zzzz')")) << m;
  m = error_of(std::string("\x80\x02S\"\\xzz\"\n.", 11));
  EXPECT_TRUE(contains(m, "bad \\x escape in a string literal (not hexadecimal: 'zz')")) << m;
  m = error_of(std::string("\x80\x02V\\U00110000\n.", 15));
  EXPECT_TRUE(contains(m, "\\U escape beyond Unicode")) << m;
  // Valid escapes still decode (U+00E9 and U+1F600 as UTF-8, \x41 as 'A').
  EXPECT_EQ(pickle::as_string(load(std::string("\x80\x02V\\u00e9\\U0001F600\n.", 21))), "\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(pickle::as_string(load(std::string("\x80\x02S'\\x41'\n.", 11))), "A");
}
