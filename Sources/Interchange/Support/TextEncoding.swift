import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads older files written in another encoding than UTF-8 (Latin-1 BibTeX files,
/// Windows-1252 RIS exports), through the C library's iconv, so that every encoding
/// `iconv -l` lists is known.
///
/// ```swift
/// let utf8 = try TextEncoding.utf8(from: data, encoding: "latin1", file: "old.bib")
/// ```
public enum TextEncoding {
    /// `data` converted from `encoding` to UTF-8; an error naming the byte that is
    /// not valid in that encoding, or the encoding when iconv does not know it.
    public static func utf8(from data: Data, encoding: String, file: String) throws(ImportError) -> Data {
        let name = encoding.lowercased()
        if name == "utf-8" || name == "utf8" { return data }
        let converter = iconv_open("UTF-8", encoding)
        guard let converter, converter != iconv_t(bitPattern: -1) else {
            throw ImportError(file: file, line: nil, reason: "unknown encoding '\(encoding)' (`iconv -l` lists the known ones; latin1 and windows-1252 are the usual ones for older files)")
        }
        defer { iconv_close(converter) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: max(16, input.count * 4))
        let total = input.count
        var failure: Int?
        var written = 0
        input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = inBuffer.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }
                var outLeft = outBuffer.count
                if iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) == -1 { failure = total - inLeft }
                written = outBuffer.count - outLeft
            }
        }
        if let failure {
            let line = 1 + input.prefix(failure).lazy.filter { $0 == 0x0A }.count
            let byte = failure < input.count ? String(format: " (byte 0x%02X)", input[failure]) : ""
            throw ImportError(file: file, line: line, reason: "not \(encoding) text\(byte) at byte \(failure + 1)")
        }
        return Data(output.prefix(written))
    }
}
