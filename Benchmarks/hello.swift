// The floor for a Swift command-line program's start-up on this machine: Foundation,
// the Swift runtime and the standard library linked statically, one line printed.
// `reader-bench startup` builds it with the toolchain that built reader
// (`swiftc -O -static-stdlib Benchmarks/hello.swift`) and measures `reader` against it.
import Foundation

print(Date().timeIntervalSince1970 > 0 ? "hello" : "")
