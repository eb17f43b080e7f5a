// An example duet plugin: the module 'duet:example' / `from duet import example`. Each function
// is plain C++ declared once below; duet/plugin.h turns the declarations into the C ABI tables.
#include <duet/plugin.h>

#include <cctype>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace {

double Hypot(double x, double y) { return std::hypot(x, y); }

int64_t Gcd(int64_t a, int64_t b) {
  if (a == 0 && b == 0) throw std::invalid_argument("gcd(0, 0) is undefined");
  return std::gcd(a, b);
}

bool IsEven(int64_t n) { return n % 2 == 0; }

std::string Shout(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out + "!";
}

std::vector<uint8_t> XorBytes(duet::plugin::BytesArg data, int64_t key) {
  std::vector<uint8_t> out(data.data, data.data + data.size);
  for (uint8_t& b : out) b ^= static_cast<uint8_t>(key);
  return out;
}

void Fail(std::string_view message) { throw std::runtime_error(std::string(message)); }

const char* const kXY[] = {"x", "y"};
const char* const kAB[] = {"a", "b"};
const char* const kN[] = {"n"};
const char* const kText[] = {"text"};
const char* const kDataKey[] = {"data", "key"};
const char* const kMessage[] = {"message"};

const duet_function kFunctions[] = {
    duet::plugin::Function<&Hypot>("hypot", kXY, "Length of the vector (x, y)."),
    duet::plugin::Function<&Gcd>("gcd", kAB, "Greatest common divisor; gcd(0, 0) raises."),
    duet::plugin::Function<&IsEven>("is_even", kN, "Whether n is even."),
    duet::plugin::Function<&Shout>("shout", kText, "The text in capitals, with an exclamation mark."),
    duet::plugin::Function<&XorBytes>("xor_bytes", kDataKey, "Each byte XORed with the low byte of key."),
    duet::plugin::Function<&Fail>("fail", kMessage, "Throws a C++ exception with the message."),
};

const duet_module kModules[] = {
    {"example", "An example plugin module.", sizeof kFunctions / sizeof kFunctions[0], kFunctions},
};

const duet_plugin kPlugin = {DUET_PLUGIN_ABI_VERSION, 1, kModules};

}  // namespace

extern "C" __attribute__((visibility("default"))) const duet_plugin* duet_plugin_entry(uint32_t host_abi_version) {
  return host_abi_version == DUET_PLUGIN_ABI_VERSION ? &kPlugin : nullptr;
}
