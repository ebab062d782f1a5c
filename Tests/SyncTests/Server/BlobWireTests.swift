import Foundation
import Model
import Testing
@testable import SyncServer
import SyncWire

@Suite("Files on the wire")
struct BlobWireTests {
    @Test func aRangeHeaderReadsAsOneRangeOfBytesOrTheWholeFile() {
        let cases: [(String?, Int64, ByteRange)] = [
            (nil, 1000, .whole),
            ("bytes=0-", 1000, .part(0...999)),
            ("bytes=100-", 1000, .part(100...999)),
            ("bytes=100-199", 1000, .part(100...199)),
            ("bytes=900-5000", 1000, .part(900...999)),
            ("bytes=-10", 1000, .part(990...999)),
            ("bytes=-5000", 1000, .part(0...999)),
            ("bytes=1000-", 1000, .unsatisfiable),
            ("bytes=-0", 1000, .unsatisfiable),
            ("bytes=0-", 0, .unsatisfiable),
            ("bytes=0-1,5-6", 1000, .whole),
            ("items=0-5", 1000, .whole),
            ("bytes=5-1", 1000, .whole),
            ("bytes=abc-", 1000, .whole),
            ("bytes=-1-2", 1000, .whole),
        ]
        for (header, size, expected) in cases {
            #expect(ByteRange(header: header, size: size) == expected, "\(header ?? "none") of \(size)")
        }
    }

    @Test func aListOfHashesRoundTripsAndABadOneIsNamedByItsIndex() throws {
        let hashes = (0..<3).map { FileHash(of: [UInt8]("file \($0)".utf8)) }
        let request = BlobsMissingRequest(hashes: hashes)
        #expect(try BlobsMissingRequest(bytes: Array(request.jsonText.utf8)) == request)
        let answer = BlobsMissing(missing: Array(hashes.prefix(1)))
        #expect(try BlobsMissing(bytes: Array(answer.jsonText.utf8)) == answer)
        do {
            _ = try BlobsMissingRequest(bytes: Array(#"{"sha256":["\#(hashes[0].hex)","\#(hashes[1].hex.uppercased())"]}"#.utf8))
            Issue.record("an upper-case hash was accepted")
        } catch {
            #expect("\(error)".contains("sha256[1]"))
        }
        let tooMany = #"{"sha256":[\#(Array(repeating: "\"\(hashes[0].hex)\"", count: BlobsMissingRequest.maxHashes + 1).joined(separator: ","))]}"#
        #expect(throws: WireFormatError.self) { try BlobsMissingRequest(bytes: Array(tooMany.utf8)) }
    }
}
