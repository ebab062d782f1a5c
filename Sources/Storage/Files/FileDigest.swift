import CCrypto
import Foundation
import Model

/// The SHA-256 of a file's bytes as they stream past: with the system's libcrypto
/// when it can be loaded (the CPU's SHA instructions), else with ``Model/SHA256``.
/// Both give the same digest (`FileDigestTests`).
///
/// ```swift
/// let digest = FileDigest()
/// digest.update(chunk)
/// let hash = digest.finalize()
/// ```
final class FileDigest {
    private var context: OpaquePointer?
    private var fallback: SHA256?

    /// A digest with nothing added; `preferSystem: false` uses reader's own SHA-256.
    init(preferSystem: Bool = true) {
        context = preferSystem ? reader_sha256_new() : nil
        if context == nil { fallback = SHA256() }
    }

    deinit { reader_sha256_free(context) }

    /// Whether libcrypto does the hashing.
    var usesSystem: Bool { context != nil }

    /// Adds bytes.
    func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        if let context, reader_sha256_update(context, bytes.baseAddress, bytes.count) == 0 { return }
        if context != nil {
            // libcrypto failed midway: no digest can be trusted (finalize gives none).
            reader_sha256_free(context)
            self.context = nil
            fallback = nil
            return
        }
        fallback?.update(bytes)
    }

    /// The digest of everything added; nil when libcrypto failed midway.
    func finalize() -> FileHash? {
        if let context {
            var digest = [UInt8](repeating: 0, count: 32)
            if reader_sha256_final(context, &digest) == 0 {
                let digits = Array("0123456789abcdef".utf8)
                let hex = String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
                return FileHash(hex)
            }
            return nil
        }
        if let fallback { return FileHash(fallback) }
        return nil
    }
}
