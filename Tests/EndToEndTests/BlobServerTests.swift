import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Model
import Testing

/// The server's side of papers' files (`blobs/…`), against a live `reader-server`.
@Suite("Files on the server")
struct BlobServerTests {
    typealias Answer = ServerAbuseTests.Answer

    static func request(_ url: String, method: String = "GET", token: String?, headers: [String: String] = [:], body: Data? = nil) async throws -> (Answer, HTTPURLResponse?, Data) {
        guard let target = URL(string: url) else { throw CocoaError(.fileReadInvalidFileName) }
        var request = URLRequest(url: target)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        request.timeoutInterval = 60
        let (data, response) = try await URLSession(configuration: .ephemeral).data(for: request)
        let http = response as? HTTPURLResponse
        return (Answer(status: http?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self)), http, data)
    }

    static func hex(_ data: Data) -> String { FileHash(of: [UInt8](data)).hex }

    static func randomData(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var words = (0..<(count + 7) / 8).map { _ in generator.next() }
        return words.withUnsafeMutableBytes { Data($0.prefix(count)) }
    }

    /// A server with libraries `lab` and `other` and a token for each.
    static func server(options: [String] = []) throws -> (ServerProcess, lab: String, other: String) {
        let server = try ServerProcess()
        try server.admin(["library", "create", "lab"])
        try server.admin(["library", "create", "other"])
        let lab = try server.admin(["token", "create", "--library", "lab", "--device", "a"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let other = try server.admin(["token", "create", "--library", "other", "--device", "b"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try server.start(options: options)
        return (server, lab, other)
    }

    /// The stored blobs and unfinished uploads on the server's disk.
    static func filesOnDisk(_ server: ServerProcess) -> (blobs: [String], temporaries: [String]) {
        let root = URL(fileURLWithPath: server.database + ".blobs")
        var blobs: [String] = []
        if let walker = FileManager.default.enumerator(atPath: root.path) {
            for case let path as String in walker where path.contains("/sha256/") && path.split(separator: "/").last?.count == 64 { blobs.append(path) }
        }
        let temporaries = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path)) ?? []
        return (blobs.sorted(), temporaries)
    }

    @Test func aFileGoesUpOnceAndComesBackWholeOrFromWhereADownloadStopped() async throws {
        let (server, token, _) = try Self.server()
        let base = server.url("lab") + "/blobs"
        let bytes = Self.randomData(300_000)
        let hash = Self.hex(bytes)
        let absent = String(repeating: "0", count: 64)

        let asked = try await Self.request(base + "/missing", method: "POST", token: token, body: Data(#"{"sha256":["\#(hash)","\#(absent)","\#(hash)"]}"#.utf8)).0
        #expect(asked.status == 200)
        #expect(asked.body == #"{"missing":["\#(hash)","\#(absent)"]}"#)

        #expect(try await Self.request(base + "/" + hash, method: "PUT", token: token, body: bytes).0.status == 201)
        #expect(try await Self.request(base + "/" + hash, method: "PUT", token: token, body: bytes).0.status == 200, "the same file again is a no-op")
        #expect(Self.filesOnDisk(server).blobs.count == 1)
        #expect(try await Self.request(base + "/missing", method: "POST", token: token, body: Data(#"{"sha256":["\#(hash)"]}"#.utf8)).0.body == #"{"missing":[]}"#)

        let (whole, wholeHeaders, wholeData) = try await Self.request(base + "/" + hash, token: token)
        #expect(whole.status == 200 && wholeData == bytes)
        #expect(wholeHeaders?.value(forHTTPHeaderField: "Accept-Ranges") == "bytes")
        let (_, head, headData) = try await Self.request(base + "/" + hash, method: "HEAD", token: token)
        #expect(head?.statusCode == 200 && head?.value(forHTTPHeaderField: "Content-Length") == "300000" && headData.isEmpty)
        let (part, partHeaders, partData) = try await Self.request(base + "/" + hash, token: token, headers: ["Range": "bytes=100000-"])
        #expect(part.status == 206 && partData == bytes[100_000...])
        #expect(partHeaders?.value(forHTTPHeaderField: "Content-Range") == "bytes 100000-299999/300000")
        let (suffix, _, suffixData) = try await Self.request(base + "/" + hash, token: token, headers: ["Range": "bytes=-10"])
        #expect(suffix.status == 206 && suffixData == bytes.suffix(10))
        let (past, pastHeaders, _) = try await Self.request(base + "/" + hash, token: token, headers: ["Range": "bytes=300000-"])
        #expect(past.status == 416 && past.body.contains("range_not_satisfiable"))
        #expect(pastHeaders?.value(forHTTPHeaderField: "Content-Range") == "bytes */300000")
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    @Test func bytesThatDoNotHaveTheirHashAreRefusedAndNothingIsKept() async throws {
        let (server, token, _) = try Self.server()
        let base = server.url("lab") + "/blobs"
        let bytes = Self.randomData(50_000)
        let claimed = Self.hex(Self.randomData(10))
        let answer = try await Self.request(base + "/" + claimed, method: "PUT", token: token, body: bytes).0
        #expect(answer.status == 422 && answer.body.contains("hash_mismatch") && answer.body.contains(Self.hex(bytes)))
        #expect(try await Self.request(base + "/" + claimed, token: token).0.status == 404)
        let disk = Self.filesOnDisk(server)
        #expect(disk.blobs.isEmpty && disk.temporaries.isEmpty, "a refused upload left \(disk)")
        for bad in ["../../etc/passwd", "ABC", String(repeating: "A", count: 64), String(repeating: "0", count: 65)] {
            let refused = try await Self.request(base + "/" + (bad.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? bad), method: "PUT", token: token, body: bytes).0
            #expect([400, 404].contains(refused.status), "\(bad): HTTP \(refused.status)")
        }
        let badList = try await Self.request(base + "/missing", method: "POST", token: token, body: Data(#"{"sha256":["\#(claimed)","nope"]}"#.utf8)).0
        #expect(badList.status == 422 && badList.body.contains("sha256[1]"))
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    @Test func anotherLibrarysTokenCannotReadOrProbeAFileEvenKnowingItsHash() async throws {
        let (server, lab, other) = try Self.server()
        let bytes = Self.randomData(20_000)
        let hash = Self.hex(bytes)
        #expect(try await Self.request(server.url("lab") + "/blobs/" + hash, method: "PUT", token: lab, body: bytes).0.status == 201)
        // With its own token on the lab's path: the library is not its own.
        for method in ["GET", "HEAD"] {
            #expect(try await Self.request(server.url("lab") + "/blobs/" + hash, method: method, token: other).0.status == 404)
        }
        #expect(try await Self.request(server.url("lab") + "/blobs/missing", method: "POST", token: other, body: Data(#"{"sha256":["\#(hash)"]}"#.utf8)).0.status == 404)
        // On its own path: its library does not have the file (no sharing between libraries).
        #expect(try await Self.request(server.url("other") + "/blobs/" + hash, token: other).0.status == 404)
        #expect(try await Self.request(server.url("other") + "/blobs/missing", method: "POST", token: other, body: Data(#"{"sha256":["\#(hash)"]}"#.utf8)).0.body == #"{"missing":["\#(hash)"]}"#)
        #expect(try await Self.request(server.url("lab") + "/blobs/" + hash, token: nil).0.status == 401)
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    @Test func theSizeLimitAndTheQuotaRefuseWhatDoesNotFitAndSaySo() async throws {
        let (server, token, _) = try Self.server(options: ["--max-file-size", "100000", "--quota", "150000"])
        let base = server.url("lab") + "/blobs"
        let big = Self.randomData(100_001)
        let tooLarge = try await Self.request(base + "/" + Self.hex(big), method: "PUT", token: token, body: big).0
        #expect(tooLarge.status == 413 && tooLarge.body.contains("payload_too_large"))
        let first = Self.randomData(90_000), second = Self.randomData(90_000)
        #expect(try await Self.request(base + "/" + Self.hex(first), method: "PUT", token: token, body: first).0.status == 201)
        let (over, headers, _) = try await Self.request(base + "/" + Self.hex(second), method: "PUT", token: token, body: second)
        #expect(over.status == 413 && over.body.contains("quota_exceeded"))
        #expect(over.body.contains(#""used_bytes":90000"#) && over.body.contains(#""quota_bytes":150000"#))
        #expect(headers?.value(forHTTPHeaderField: "Reader-Quota-Used") == "90000")
        #expect(headers?.value(forHTTPHeaderField: "Reader-Quota-Bytes") == "150000")
        let small = Self.randomData(50_000)
        #expect(try await Self.request(base + "/" + Self.hex(small), method: "PUT", token: token, body: small).0.status == 201, "what fits still goes in")
        #expect(Self.filesOnDisk(server).temporaries.isEmpty)
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    @Test func garbageCollectionKeepsNamedFilesAndYoungOnesAndRemovesTheRest() async throws {
        let (server, token, _) = try Self.server()
        let base = server.url("lab")
        let named = Self.randomData(10_000), unnamed = Self.randomData(10_000), trashed = Self.randomData(10_000)
        for bytes in [named, unnamed, trashed] {
            #expect(try await Self.request(base + "/blobs/" + Self.hex(bytes), method: "PUT", token: token, body: bytes).0.status == 201)
        }
        let clock = String(format: "%013lld-0000-00000000000000ab", Int64(Date().timeIntervalSince1970 * 1000))
        func change(_ nseq: Int, _ id: String, _ field: String, _ value: String) -> String {
            #"{"nseq":\#(nseq),"entity":"attachment","id":"\#(id)","field":"\#(field)","value":\#(value),"hlc":"\#(clock)"}"#
        }
        let one = "00000000-0000-5000-8000-0000000000a1", two = "00000000-0000-5000-8000-0000000000a2"
        let push = #"{"node_id":"00000000000000ab","changes":[\#(change(1, one, "sha256", "\"\(Self.hex(named))\"")),\#(change(2, two, "sha256", "\"\(Self.hex(trashed))\"")),\#(change(3, two, "trashed", "true"))]}"#
        let pushed = try await Self.request(base + "/push", method: "POST", token: token, headers: ["Content-Type": "application/json", "Idempotency-Key": "gc"], body: Data(push.utf8)).0
        #expect(pushed.status == 200 && !pushed.body.contains("rejected"), "\(pushed.body)")

        let young = try server.admin(["gc"])
        #expect(young.contains("kept 2 named and 1 within the grace period"), "\(young)")
        #expect(Self.filesOnDisk(server).blobs.count == 3)
        let dry = try server.admin(["gc", "--grace", "0s", "--dry-run"])
        #expect(dry.contains("Would remove 1"), "\(dry)")
        #expect(Self.filesOnDisk(server).blobs.count == 3)
        let collected = try server.admin(["gc", "--grace", "0s"])
        #expect(collected.contains("Removed 1 unnamed file; kept 2 named"), "\(collected)")
        #expect(try await Self.request(base + "/blobs/" + Self.hex(unnamed), token: token).0.status == 404)
        #expect(try await Self.request(base + "/blobs/" + Self.hex(named), token: token).2 == named)
        #expect(try await Self.request(base + "/blobs/" + Self.hex(trashed), token: token).2 == trashed)
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    @Test func aServerKilledDuringAnUploadKeepsNothingHalfStoredAndTakesTheFileAgain() async throws {
        let (server, token, _) = try Self.server()
        let bytes = Self.randomData(4_000_000)
        let hash = Self.hex(bytes)
        let file = server.folder.appendingPathComponent("upload.bin")
        try bytes.write(to: file)
        // A client that sends the headers and the first megabyte, then holds the
        // connection open until it is stopped (or 15 minutes pass): the kill lands while the upload is open
        // however long this test waits to be scheduled (under the full suite's load its
        // task has waited minutes; a sender that gave up after a while closed the upload
        // first, and the server rightly threw its temporary file away).
        let sender = Process()
        sender.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sender.arguments = ["python3", "-c", """
            import socket, sys, time
            port, token, digest, path = sys.argv[1:5]
            data = open(path, "rb").read()
            s = socket.create_connection(("127.0.0.1", int(port)))
            s.sendall(f"PUT /v1/libraries/lab/blobs/{digest} HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: Bearer {token}\\r\\nContent-Length: {len(data)}\\r\\n\\r\\n".encode() + data[:1000000])
            print("sent the first megabyte", flush=True)
            time.sleep(900)
            """, String(server.port), token, hash, file.path]
        // What the sender said, for the message if the megabyte never arrives.
        let senderOutput = server.folder.appendingPathComponent("sender.txt")
        try Data().write(to: senderOutput)
        let senderHandle = try FileHandle(forWritingTo: senderOutput)
        sender.standardOutput = senderHandle
        sender.standardError = senderHandle
        try sender.run()
        // SIGKILL: a child of the test process starts with SIGTERM blocked.
        defer { if sender.isRunning { kill(sender.processIdentifier, SIGKILL) } }
        var seen = false
        for _ in 0..<600 where !seen {
            try await Task.sleep(for: .milliseconds(50))
            let temporaries = Self.filesOnDisk(server).temporaries
            seen = temporaries.contains { name in
                let size = (try? FileManager.default.attributesOfItem(atPath: server.database + ".blobs/tmp/" + name)[.size] as? Int) ?? 0
                return size >= 1_000_000
            }
        }
        #expect(seen, """
            the first megabyte never arrived; the sender said: \((try? String(contentsOf: senderOutput, encoding: .utf8)) ?? ""); \
            the server's log: \((try? String(contentsOf: server.log, encoding: .utf8))?.suffix(2000) ?? "")
            """)
        server.stop(signal: SIGKILL)
        let after = Self.filesOnDisk(server)
        #expect(after.blobs.isEmpty, "a killed upload was stored: \(after.blobs)")
        #expect(after.temporaries.count == 1)

        try server.start()
        #expect(try await Self.request(server.url("lab") + "/blobs/" + hash, token: token).0.status == 404)
        #expect(try await Self.request(server.url("lab") + "/blobs/" + hash, method: "PUT", token: token, body: bytes).0.status == 201)
        #expect(try await Self.request(server.url("lab") + "/blobs/" + hash, token: token).2 == bytes)
        let collected = try server.admin(["gc", "--grace", "0s"])
        #expect(collected.contains("1 unfinished upload"), "\(collected)")
        #expect(Self.filesOnDisk(server).temporaries.isEmpty)
        #expect(server.stop(signal: SIGTERM) == 0)
    }
}
