// Replays a libFuzzer corpus without libFuzzer: every file under the given folders (and every
// file named directly) is fed once to LLVMFuzzerTestOneInput. The gcc builds use this so that
// each corpus runs under CTest with ASan+UBSan; a crash or sanitizer report fails the test.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path root(argv[i]);
    if (std::filesystem::is_directory(root)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
        if (e.is_regular_file()) {
          run_file(e.path());
          ++count;
        }
      }
    } else if (std::filesystem::is_regular_file(root)) {
      run_file(root);
      ++count;
    } else {
      std::fprintf(stderr, "no such corpus: %s\n", argv[i]);
      return 2;
    }
  }
  if (count == 0) {
    std::fprintf(stderr, "empty corpus: a fuzz target must ship seeds\n");
    return 2;
  }
  std::printf("replayed %zu inputs\n", count);
  return 0;
}
