// Go reference for the C++ port's interop tests (tests/interop/). Our own code; it imports the
// exact libraries Skywire v1.3.20's vendored dmsg uses: json-iterator v1.1.12 (what dmsg
// v1.3.18-0.20240311074627-0ba753f65a88 requires) and skycoin v0.27.1 (src/cipher, the Go
// secp256k1 code behind skywire-utilities' cipher); and kcp-go v5.6.19, the newest v5.6.x that
// builds with Go 1.21 (v5.6.20+ need Go 1.23; the KCP wire format is unchanged across v5.6).
// Built by scripts/setup-interop.
module skywire-cpp/goref

go 1.21

require (
	github.com/json-iterator/go v1.1.12
	github.com/skycoin/skycoin v0.27.1
	github.com/xtaci/kcp-go/v5 v5.6.19
)

require (
	github.com/klauspost/cpuid/v2 v2.2.6 // indirect
	github.com/klauspost/reedsolomon v1.12.0 // indirect
	github.com/modern-go/concurrent v0.0.0-20180228061459-e0a39a4cb421 // indirect
	github.com/modern-go/reflect2 v1.0.2 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/templexxx/cpu v0.1.1 // indirect
	github.com/templexxx/xorsimd v0.4.3 // indirect
	github.com/tjfoc/gmsm v1.4.1 // indirect
	golang.org/x/crypto v0.31.0 // indirect
	golang.org/x/net v0.23.0 // indirect
	golang.org/x/sys v0.28.0 // indirect
)
