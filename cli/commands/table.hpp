#pragma once
// Plain-text tables for people (the `--json` flag of each command is for scripts): a header row
// and left-aligned columns separated by two spaces, each as wide as its widest cell.
#include <ostream>
#include <string>
#include <vector>

namespace skywire::cli {

using table_row = std::vector<std::string>;

void print_table(std::ostream& out, const table_row& header, const std::vector<table_row>& rows);

// 1536 -> "1.5 KiB"; below 1 KiB in bytes ("512 B").
std::string human_bytes(std::uint64_t n);

// 3725 -> "1h2m5s".
std::string human_duration(std::uint64_t seconds);

}  // namespace skywire::cli
