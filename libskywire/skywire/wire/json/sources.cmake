# The Go-exact JSON encoders (json/) and the dmsg discovery entry (disc/); included by
# ../CMakeLists.txt. Paths are relative to the wire folder.
set(WIRE_JSON_SOURCES
  json/escape.cpp json/writer.cpp json/go_duration.cpp json/go_time.cpp
  disc/entry.cpp disc/parse.cpp disc/validate.cpp)
set(WIRE_JSON_TESTS
  tests/json_escape_test.cpp tests/json_writer_test.cpp tests/go_duration_test.cpp
  tests/disc_entry_vectors_test.cpp tests/disc_entry_parse_test.cpp tests/disc_validate_test.cpp)
