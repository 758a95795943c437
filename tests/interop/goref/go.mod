// Go reference for the C++ port's interop tests (tests/interop/). Our own code; it imports the
// exact libraries Skywire v1.3.20's vendored dmsg uses: json-iterator v1.1.12 (what dmsg
// v1.3.18-0.20240311074627-0ba753f65a88 requires) and skycoin v0.27.1 (src/cipher, the Go
// secp256k1 code behind skywire-utilities' cipher). Built by scripts/setup-interop.
module skywire-cpp/goref

go 1.21

require (
	github.com/json-iterator/go v1.1.12
	github.com/skycoin/skycoin v0.27.1
)

require (
	github.com/modern-go/concurrent v0.0.0-20180228061459-e0a39a4cb421 // indirect
	github.com/modern-go/reflect2 v1.0.2 // indirect
)
