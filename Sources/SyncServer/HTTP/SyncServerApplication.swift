import Foundation
import Hummingbird
import Logging
import Model
import NIOCore
import ServiceLifecycle
import SyncWire

/// The sync server over HTTP/1.1: the routes of protocol v1 on Hummingbird.
///
/// ```swift
/// let app = SyncServerApplication.make(service: service, host: "127.0.0.1", port: 8787, logger: logger)
/// try await app.runService()   // until SIGINT or SIGTERM, finishing requests in flight
/// ```
public enum SyncServerApplication {
    /// Builds the application. `onRunning` gets the bound port (useful with port 0).
    public static func make(service: SyncService, host: String, port: Int, logger: Logger,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.get("/v1/health") { _, _ in
            json(service.health())
        }
        router.get("/v1/libraries/:lib/session") { request, context in
            let library = try await authenticate(request, context, service)
            return json(try await service.session(library: library, node: request.uri.queryParameters.get("node")))
        }
        router.get("/v1/libraries/:lib/changes") { request, context in
            let library = try await authenticate(request, context, service)
            let query = request.uri.queryParameters
            // A waiting pull is answered at once when the server begins to stop.
            return json(try await withGracefulShutdownHandler {
                try await service.changes(library: library, cursor: query.get("cursor"), limit: query.get("limit"),
                                          node: query.get("node"), wait: query.get("wait"),
                                          waiter: request.headers[.authorization] ?? "")
            } onGracefulShutdown: {
                service.answerWaitingPulls()
            })
        }
        router.post("/v1/libraries/:lib/push") { request, context in
            let library = try await authenticate(request, context, service)
            if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
                throw WireErrorBody(.unsupportedMediaType, "a push body is application/json, not \(type.prefix(60))")
            }
            if let length = request.headers[.contentLength].flatMap(Int.init), length > service.limits.maxPushBytes {
                throw WireErrorBody(.payloadTooLarge, "a push may hold at most \(service.limits.maxPushBytes) bytes; this one has \(length)")
            }
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: service.limits.maxPushBytes)
            } catch is NIOTooManyBytesError {
                throw WireErrorBody(.payloadTooLarge, "a push may hold at most \(service.limits.maxPushBytes) bytes")
            }
            let key = header(request, WireProtocol.idempotencyKeyHeader)
            let answer = try await service.push(library: library, idempotencyKey: key, body: Array(buffer.readableBytesView))
            logger.info("push", metadata: [
                "library": .string(library.name), "applied": .stringConvertible(answer.applied),
                "superseded": .stringConvertible(answer.superseded), "rebase_required": .stringConvertible(answer.rebased),
                "rejected": .stringConvertible(answer.rejected), "replayed": .stringConvertible(answer.replayed),
            ])
            return jsonResponse(answer.body)
        }
        router.get("/v1/libraries/:lib/dump") { request, context in
            let library = try await authenticate(request, context, service)
            return jsonResponse(try await service.dump(library: library))
        }
        addBlobRoutes(to: router, service: service, logger: logger)
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "reader-server"),
            services: [PushRelay(service: service, logger: logger)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// Hears the pushes other server processes commit to the same database (see
    /// ``SyncService/relayPushesFromOtherProcesses()``) while the server runs.
    struct PushRelay: Service {
        let service: SyncService
        let logger: Logger

        func run() async throws {
            do {
                try await cancelWhenGracefulShutdown { try await service.relayPushesFromOtherProcesses() }
            } catch is CancellationError {
                return
            } catch {
                logger.error("cannot hear other server processes' pushes", metadata: ["error": .string("\(error)")])
            }
            // A store with one process returns at once: there is nothing to hear.
            try? await gracefulShutdown()
        }
    }

    static func authenticate(_ request: Request, _ context: BasicRequestContext, _ service: SyncService) async throws -> ServerLibrary {
        if let version = header(request, WireProtocol.protocolHeader) {
            guard let number = Int(version), number >= WireProtocol.minimumVersion else {
                throw WireErrorBody(.upgradeRequired, "this server speaks protocol \(WireProtocol.minimumVersion) to \(WireProtocol.version); upgrade reader")
            }
        }
        let name = context.parameters.get("lib") ?? ""
        return try await service.authenticate(authorization: request.headers[.authorization], library: name)
    }

    /// A header's value by name (any case).
    static func header(_ request: Request, _ name: String) -> String? {
        let lowered = name.lowercased()
        return request.headers.first { $0.name.canonicalName == lowered }?.value
    }

    static func json(_ message: some WireMessage, status: HTTPResponse.Status = .ok) -> Response {
        jsonResponse(message.jsonText, status: status)
    }

    static func jsonResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Turns every error into the protocol's JSON error body, and logs each request
/// (method, path without its query, status, time; never a token or a note's text).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as WireErrorBody {
            var answer = SyncServerApplication.json(error, status: .init(code: WireErrorCode(rawValue: error.error)?.status ?? 500))
            if let used = error.usedBytes, let quota = error.quotaBytes {
                answer.headers[SyncServerApplication.quotaUsedHeader] = String(used)
                answer.headers[SyncServerApplication.quotaHeader] = String(quota)
            }
            response = answer
        } catch let error as HTTPError {
            let code: WireErrorCode = switch error.status.code {
            case 404: .notFound
            case 405: .methodNotAllowed
            case 413: .payloadTooLarge
            case 400...499: .badRequest
            default: .internalError
            }
            response = SyncServerApplication.json(WireErrorBody(code, error.body ?? error.status.reasonPhrase), status: .init(code: code.status))
        } catch {
            logger.error("request failed", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
            response = SyncServerApplication.json(WireErrorBody(.internalError, "the server failed; retry later"), status: .internalServerError)
        }
        let elapsed = ContinuousClock.now - start
        logger.info("request", metadata: [
            "method": .string(request.method.rawValue), "path": .string(request.uri.path),
            "status": .stringConvertible(response.status.code),
            "ms": .string(String(format: "%.2f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)),
        ])
        return response
    }
}
