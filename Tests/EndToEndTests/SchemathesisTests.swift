import Foundation
import Testing
import TestSupport

/// schemathesis generates requests from `docs/openapi.yaml`, valid and invalid,
/// and sends them to a live `reader-server`: no answer may be a 5xx, and every
/// answer must match the document (status, content type, headers, body schema).
/// `SCHEMATHESIS_EXAMPLES=N` generates more (default 100 per operation).
@Suite("Fuzzing the server from its OpenAPI document", .tags(.slow), .enabled(if: SlowTests.enabled, SlowTests.skipped))
struct SchemathesisTests {
    @Test func generatedRequestsGetDocumentedAnswersAndNeverAServerError() async throws {
        try await Self.fuzz(try ServerProcess())
    }

    /// The same against a server on the PostgreSQL store: its errors (a bad value for
    /// a column type, a too-long text) must be the protocol's, never a 5xx.
    @Test(.enabled(if: ThrowawayPostgres.isAvailable || ThrowawayPostgres.isRequired, "needs PostgreSQL (READER_TEST_POSTGRES)"))
    func generatedRequestsToAPostgreSQLBackedServerGetDocumentedAnswers() async throws {
        let database = try ThrowawayPostgres.makeDatabase()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reader-fuzz-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.fuzz(try ServerProcess(database: database, files: folder.path))
    }

    static func fuzz(_ server: ServerProcess) async throws {
        try server.admin(["library", "create", "lab"])
        let token = try server.admin(["token", "create", "--library", "lab", "--device", "fuzz"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try server.start()
        let examples = ProcessInfo.processInfo.environment["SCHEMATHESIS_EXAMPLES"] ?? "100"
        let environment = ["SCHEMATHESIS_HOOKS": "Validation.schemathesis_hooks", "READER_LIBRARY_NAME": "lab",
                           "PYTHONPATH": repositoryRoot.appendingPathComponent("Tests").path]
        guard let (status, output) = try await runPythonScriptOffThePool([
            "-m", "schemathesis.cli", "run", "docs/openapi.yaml", "--base-url", "http://127.0.0.1:\(server.port)",
            "--experimental=openapi-3.1", "--checks", "all", "-H", "Authorization: Bearer \(token)",
            "--hypothesis-max-examples", examples, "--hypothesis-seed", "1", "--hypothesis-derandomize",
        ], environment: environment) else { return }
        #expect(status == 0, "\(output)")
        #expect(output.contains("not_a_server_error"))
        #expect(!output.contains("FAILED"))
        #expect(server.stop(signal: SIGTERM) == 0, "the server did not keep serving and stop cleanly")
    }
}
