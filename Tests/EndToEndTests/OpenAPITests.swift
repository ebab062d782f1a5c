import Foundation
import Testing

/// `docs/openapi.yaml` describes what `reader-server` really answers:
/// `Tests/Validation/validate_openapi.py` validates the document, then calls every
/// endpoint of a live server, for success and for each documented error, and checks
/// each status is documented and each body matches its schema.
@Suite("OpenAPI document against a live server")
struct OpenAPITests {
    @Test func everyResponseIsDocumentedAndMatchesItsSchema() throws {
        let server = try ServerProcess()
        try server.admin(["library", "create", "lab"])
        try server.admin(["library", "create", "other"])
        let token = try server.admin(["token", "create", "--library", "lab", "--device", "spec"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let other = try server.admin(["token", "create", "--library", "other", "--device", "spec"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try server.start()
        guard let (status, output) = try runPythonScript(["Tests/Validation/validate_openapi.py", "docs/openapi.yaml",
                                                          "http://127.0.0.1:\(server.port)", "lab", token, "other", other]) else { return }
        #expect(status == 0, "\(output)")
        #expect(output.contains("responses matched docs/openapi.yaml"))
    }
}
