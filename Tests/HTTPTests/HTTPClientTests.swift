import Foundation
import HTTP
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `HTTPClient` against a raw socket server on 127.0.0.1 that answers each connection
/// with a script: what a request carries, what comes back, and how each way of getting
/// no answer is named.
@Suite struct HTTPClientTests {
    @Test func aRequestCarriesItsMethodHeadersAndBodyAndTheAnswerComesBackWhole() async throws {
        let body = String(repeating: "ε", count: 40_000) // larger than one read, and not ASCII
        let server = try RawServer { request in
            "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nX-Quota: 12 of 200\r\nContent-Length: \(Data(request.utf8).count)\r\nConnection: close\r\n\r\n" + request
        }
        let url = try #require(URL(string: "http://127.0.0.1:\(server.port)/v1/push?x=1"))
        let response = try await HTTPClient.send(HTTPRequest(method: "POST", url: url, headers: [("X-Token", "abc"), ("Content-Type", "application/json")], body: Data(body.utf8)))
        #expect(response.status == 201)
        #expect(response.header("x-quota") == "12 of 200")
        let echoed = String(decoding: response.body, as: UTF8.self)
        #expect(echoed.hasPrefix("POST /v1/push?x=1 HTTP/1.1\r\n"))
        #expect(echoed.contains("\r\nX-Token: abc\r\n"))
        #expect(!echoed.contains("Expect:"), "no 100-continue round trip before a large body")
        #expect(echoed.hasSuffix("\r\n\r\n" + body))
    }

    @Test func aStatusThatIsNotSuccessIsAnAnswerNotAFailure() async throws {
        let server = try RawServer { _ in "HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\nConnection: close\r\n\r\nmissing" }
        let response = try await HTTPClient.send(HTTPRequest(url: try #require(URL(string: "http://127.0.0.1:\(server.port)/"))))
        #expect(response.status == 404 && String(decoding: response.body, as: UTF8.self) == "missing")
    }

    @Test func aPortNobodyListensOnIsRefused() async throws {
        let port = try RawServer.closedPort()
        let outcome = await failure(of: HTTPRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)/")), timeout: 5))
        #expect(outcome?.kind == .refused)
        #expect(outcome?.description == "the connection was refused")
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let server = try RawServer(silent: true) { _ in "" }
        let outcome = await failure(of: HTTPRequest(url: try #require(URL(string: "http://127.0.0.1:\(server.port)/")), timeout: 1, totalTimeout: 1))
        #expect(outcome?.kind == .timedOut)
    }

    @Test func aServerThatHangsUpInTheMiddleOfItsAnswerCutsTheConnection() async throws {
        let server = try RawServer { _ in "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly part" }
        let outcome = await failure(of: HTTPRequest(url: try #require(URL(string: "http://127.0.0.1:\(server.port)/")), timeout: 5))
        #expect(outcome?.kind == .cut)
    }

    @Test func cancellingTheTaskStopsAWaitingTransfer() async throws {
        let server = try RawServer(silent: true) { _ in "" }
        let url = try #require(URL(string: "http://127.0.0.1:\(server.port)/"))
        let started = ContinuousClock.now
        // A timeout far beyond any stall of a loaded test machine: only a cancel ends
        // this transfer in time. The whole suite on two cores keeps every thread of the
        // pool busy for minutes (CI saw this test's sleep and cancel wait 301 s for a
        // free thread), so the bound is 15 minutes and the timeout 20.
        let task = Task { await failure(of: HTTPRequest(url: url, timeout: 1_200, totalTimeout: 1_200)) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let outcome = await task.value
        #expect(outcome?.kind == .cancelled)
        #expect(ContinuousClock.now - started < .seconds(900), "the transfer stopped on cancel, not at its timeout")
    }

    private func failure(of request: HTTPRequest) async -> HTTPFailure? {
        do {
            let response = try await HTTPClient.send(request)
            Issue.record("expected no answer, got HTTP \(response.status)")
            return nil
        } catch {
            return error
        }
    }
}

/// A one-thread server on 127.0.0.1: reads a request (headers and a Content-Length
/// body), writes what `answer` makes of it and closes; `silent` reads and never answers.
final class RawServer: @unchecked Sendable {
    let port: Int
    private let socket: Int32

    init(silent: Bool = false, answer: @escaping @Sendable (String) -> String) throws {
        socket = try Self.listening()
        port = try Self.port(of: socket)
        let socket = self.socket
        let thread = Thread {
            while true {
                let client = accept(socket, nil, nil)
                guard client >= 0 else { return }
                let request = Self.readRequest(client)
                if silent {
                    Thread.sleep(forTimeInterval: 30)
                } else {
                    let bytes = Array(answer(request).utf8)
                    _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
                close(client)
            }
        }
        thread.start()
    }

    deinit {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    /// A port that was free a moment ago and has nobody listening.
    static func closedPort() throws -> Int {
        let socket = try listening()
        defer { close(socket) }
        return try port(of: socket)
    }

    private static func listening() throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard socket >= 0, bound == 0, listen(socket, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        return socket
    }

    private static func port(of socket: Int32) throws -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard result == 0 else { throw POSIXError(.EBADF) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func readRequest(_ client: Int32) -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += buffer[..<count]
            let text = String(decoding: received, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if received.count >= text[..<end.upperBound].utf8.count + length { break }
        }
        return String(decoding: received, as: UTF8.self)
    }
}
