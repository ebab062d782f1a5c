import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Hostile requests against a live `reader-server` over HTTP: each gets its
/// documented 4xx, nothing is applied, and the server keeps serving.
@Suite("Abuse of the server")
struct ServerAbuseTests {
    struct Answer { var status: Int; var body: String }

    static func request(_ url: String, method: String = "GET", token: String?, headers: [String: String] = [:], body: Data? = nil) async throws -> Answer {
        try await BlobServerTests.request(url, method: method, token: token, headers: headers, body: body).0
    }

    static func change(_ nseq: Int, field: String = "title", value: String = "\"x\"", hlc: String? = nil, entity: String = "paper",
                       id: String = "00000000-0000-5000-8000-000000000001") -> String {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let clock = hlc ?? String(format: "%013lld-0000-00000000000000ab", now)
        return #"{"nseq":\#(nseq),"entity":"\#(entity)","id":"\#(id)","field":"\#(field)","value":\#(value),"hlc":"\#(clock)"}"#
    }

    static func push(_ changes: [String]) -> Data {
        Data(#"{"node_id":"00000000000000ab","changes":[\#(changes.joined(separator: ","))]}"#.utf8)
    }

    @Test func hostileRequestsGetTheirDocumentedErrorsAndChangeNothing() async throws {
        let server = try ServerProcess()
        try server.admin(["library", "create", "lab"])
        try server.admin(["library", "create", "other"])
        let token = try server.admin(["token", "create", "--library", "lab", "--device", "a"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let revoked = try server.admin(["token", "create", "--library", "lab", "--device", "b"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try server.admin(["token", "revoke", "2"])
        try server.start()
        let base = "http://127.0.0.1:\(server.port)/v1/libraries/lab"
        let json = ["Content-Type": "application/json"]
        func key(_ name: String) -> [String: String] { json.merging(["Idempotency-Key": name]) { $1 } }
        // One good push first, so that "nothing applied" compares with something.
        #expect(try await Self.request(base + "/push", method: "POST", token: token, headers: key("seed"), body: Self.push([Self.change(1)])).status == 200)
        let before = try await Self.request(base + "/dump", token: token).body

        let huge = String(repeating: "a", count: 10 << 20)
        let cases: [(String, Answer, Int)] = [
            ("malformed JSON", try await Self.request(base + "/push", method: "POST", token: token, headers: key("k1"), body: Data("{\"node_id\":".utf8)), 422),
            ("wrong types", try await Self.request(base + "/push", method: "POST", token: token, headers: key("k2"), body: Self.push([Self.change(2, field: "year", value: "\"1999\"")])), 422),
            ("a number where a clock goes", try await Self.request(base + "/push", method: "POST", token: token, headers: key("k3"), body: Data(#"{"node_id":"00000000000000ab","changes":[{"nseq":2,"entity":"paper","id":"00000000-0000-5000-8000-000000000001","field":"year","value":1,"hlc":12}]}"#.utf8)), 422),
            ("a 10 MB body", try await Self.request(base + "/push", method: "POST", token: token, headers: key("k4"), body: Self.push([Self.change(2, field: "abstract", value: "\"" + huge + "\"")])), 413),
            ("100,000 changes", try await Self.request(base + "/push", method: "POST", token: token, headers: key("k5"), body: Self.push((0..<100_000).map { Self.change(2 + $0, field: "year", value: "\($0)") })), 413),
            ("invalid UTF-8", try await Self.request(base + "/push", method: "POST", token: token, headers: key("k6"), body: Data([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D])), 422),
            ("a clock an hour ahead", try await Self.request(base + "/push", method: "POST", token: token, headers: key("k7"), body: Self.push([Self.change(2, hlc: String(format: "%013lld-0000-00000000000000ab", Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000))])), 422),
            ("a clock from 1970", try await Self.request(base + "/push", method: "POST", token: token, headers: key("k8"), body: Self.push([Self.change(2, hlc: "0000000000005-0000-00000000000000ab")])), 422),
            ("a clock at the end of time", try await Self.request(base + "/push", method: "POST", token: token, headers: key("k9"), body: Self.push([Self.change(2, hlc: "9999999999999-ffff-ffffffffffffffff")])), 422),
            ("an entity name with capitals", try await Self.request(base + "/push", method: "POST", token: token, headers: key("k10"), body: Self.push([Self.change(2, entity: "Paper")])), 422),
            ("a path in an id", try await Self.request(base + "/push", method: "POST", token: token, headers: key("k11"), body: Self.push([Self.change(2, id: "../../../etc/passwd")])), 422),
            ("a negative cursor", try await Self.request(base + "/changes?cursor=-5", token: token), 400),
            ("an enormous cursor", try await Self.request(base + "/changes?cursor=99999999999999999999999", token: token), 400),
            ("a zero limit", try await Self.request(base + "/changes?limit=0", token: token), 400),
            ("an enormous limit", try await Self.request(base + "/changes?limit=1000000", token: token), 400),
            ("no token", try await Self.request(base + "/changes", token: nil), 401),
            ("a garbage token", try await Self.request(base + "/changes", token: "rdr_not-a-token"), 401),
            ("a revoked token", try await Self.request(base + "/changes", token: revoked), 401),
            ("another library", try await Self.request("http://127.0.0.1:\(server.port)/v1/libraries/other/changes", token: token), 404),
            ("a path climbing out", try await Self.request("http://127.0.0.1:\(server.port)/v1/libraries/..%2F..%2Fother/changes", token: token), 404),
            ("a key with control characters", try await Self.request(base + "/push", method: "POST", token: token, headers: key("a\tb"), body: Self.push([Self.change(2)])), 400),
            ("an old protocol", try await Self.request(base + "/changes", token: token, headers: ["Reader-Protocol": "0"]), 426),
            ("a wrong method", try await Self.request(base + "/changes", method: "DELETE", token: token), 404),
            ("a file named by a path", try await Self.request(base + "/blobs/..%2F..%2Fserver.sqlite", method: "PUT", token: token, body: Data("x".utf8)), 400),
            ("a file under an upper-case hash", try await Self.request(base + "/blobs/" + String(repeating: "A", count: 64), token: token), 400),
            ("a file without a token", try await Self.request(base + "/blobs/" + String(repeating: "0", count: 64), method: "PUT", token: nil, body: Data("x".utf8)), 401),
            ("a file of another library", try await Self.request("http://127.0.0.1:\(server.port)/v1/libraries/other/blobs/" + String(repeating: "0", count: 64), token: token), 404),
            ("10,001 hashes", try await Self.request(base + "/blobs/missing", method: "POST", token: token, body: Data(#"{"sha256":[\#(Array(repeating: "\"" + String(repeating: "0", count: 64) + "\"", count: 10_001).joined(separator: ","))]}"#.utf8)), 422),
            ("hashes that are not JSON", try await Self.request(base + "/blobs/missing", method: "POST", token: token, body: Data("[[[".utf8)), 422),
            ("two bytes under another hash", try await Self.request(base + "/blobs/" + String(repeating: "0", count: 64), method: "PUT", token: token, body: Data("ab".utf8)), 422),
        ]
        for (name, answer, status) in cases {
            #expect(answer.status == status, "\(name): HTTP \(answer.status), expected \(status): \(answer.body.prefix(200))")
            #expect(answer.body.contains("\"error\""), "\(name): the answer is not a protocol error: \(answer.body.prefix(200))")
        }
        // Unknown entities and fields are not errors: they are kept and forwarded.
        let unknown = try await Self.request(base + "/push", method: "POST", token: token, headers: key("k-unknown"),
                                             body: Self.push([Self.change(2, entity: "collection"), Self.change(3, field: "reading_minutes", value: "12")]))
        #expect(unknown.status == 200 && unknown.body.contains("\"applied\""))
        let after = try await Self.request(base + "/dump", token: token).body
        #expect(after.contains("collection") && after.contains("reading_minutes"))
        #expect(after.replacingOccurrences(of: "\n", with: "").count > before.replacingOccurrences(of: "\n", with: "").count)
        // Nothing of the refused requests was applied: only the two accepted fields are new.
        let kept = before.split(separator: "\n").filter { $0.contains("\"entity\"") }.count
        #expect(after.split(separator: "\n").filter { $0.contains("\"entity\"") }.count == kept + 1, "a refused request was applied")
        #expect(!after.contains(String(huge.prefix(100))))
        // The server keeps serving.
        #expect(try await Self.request("http://127.0.0.1:\(server.port)/v1/health", token: nil).status == 200)
        #expect(server.stop(signal: SIGTERM) == 0)
    }
}
