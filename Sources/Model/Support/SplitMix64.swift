/// A small, fast, seeded random number generator (SplitMix64).
///
/// Everything random that must be replayable uses it: generated benchmark
/// libraries, and randomized tests that print their seed so that a failure can be
/// run again exactly.
///
/// ```swift
/// var random = SplitMix64(seed: 42)
/// let n = Int.random(in: 0..<10, using: &random)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator that starts from `seed`: the same seed gives the same numbers.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
