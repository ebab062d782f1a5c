import Foundation
import Hummingbird
import Logging

/// Turns every error a handler throws into a page that says what is wrong (a
/// missing paper, an invalid status, a route that does not exist), never a bare 500.
struct ProblemPages: RouterMiddleware {
    typealias Context = BasicRequestContext
    let room: ReadingRoom

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await answer(request, context: context, next: next)
        // The time the room spent on the request, for the benchmark and the browser's tools.
        let elapsed = (ContinuousClock.now - start).components
        let millis = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        response.headers[.serverTiming] = "app;dur=" + String(format: "%.2f", millis)
        return response
    }

    func answer(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var problem = RoomError.from(error)
            if problem.status == .notFound, error is HTTPError {
                problem.message = "there is no page at \(request.uri.path.prefix(200))"
            }
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": .string(request.uri.path), "error": .string(problem.message)])
            }
            return try room.page("problem", ["pageTitle": problem.status.reasonPhrase, "heading": problem.status.reasonPhrase,
                                             "message": problem.message], status: problem.status)
        }
    }
}
