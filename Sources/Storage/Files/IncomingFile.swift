import Foundation
import Model
import Synchronization

/// A file arriving in pieces (a download), hashed as its bytes are written, so that
/// it enters the store without being read a second time
/// (``FileStore/adopt(_:contents:)``).
///
/// The bytes an earlier attempt left are hashed when it is made; then every chunk is
/// shown to ``wrote(at:_:)`` with the offset it was written at. A chunk at offset 0
/// after others starts the file again (a server answered the whole file to a resumed
/// request); one anywhere else but the end makes the digest unusable, and the store
/// then gives no contents (the caller reads the file, ``FileStore/contents(of:)``).
///
/// ```swift
/// let incoming = IncomingFile(resuming: partial)
/// // in the download's write callback:
/// incoming.wrote(at: offset, chunk)
/// // when it is whole:
/// let contents = try incoming.contents(ifSize: size) ?? store.contents(of: partial)
/// let stored = try store.adopt(partial, contents: contents)
/// ```
public final class IncomingFile: Sendable {
    // Unchecked: the digest object inside is reached only under the mutex.
    private struct State: @unchecked Sendable {
        var digest: FileDigest?
        var size: Int64 = 0
        var head: [UInt8] = []
    }

    private let state: Mutex<State>

    /// A file that holds the bytes of `partial` so far (none when it does not exist).
    public init(resuming partial: URL) {
        var state = State(digest: FileDigest())
        let input = open(partial.path, O_RDONLY | O_CLOEXEC)
        var information = stat()
        if input >= 0, fstat(input, &information) == 0, information.st_size > 0 {
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count < 0 { state.digest = nil; break }
                if count == 0 { break }
                buffer.withUnsafeBytes { Self.add(UnsafeRawBufferPointer(rebasing: $0.prefix(count)), to: &state) }
            }
        }
        if input >= 0 { close(input) }
        self.state = Mutex(state)
    }

    /// Takes bytes just written at `offset` of the file.
    public func wrote(at offset: Int64, _ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            if offset == 0, state.size > 0 { state = State(digest: FileDigest()) }
            guard offset == state.size else { state.digest = nil; return }
            Self.add(bytes, to: &state)
        }
    }

    /// What was written, when every byte of it was seen once, in order, and it is
    /// `size` bytes long (the file's size on disk); nil otherwise. Ends the hash.
    public func contents(ifSize size: Int64) -> FileStore.Contents? {
        state.withLock { state in
            guard state.size == size, let digest = state.digest, let hash = digest.finalize() else { return nil }
            state.digest = nil
            return FileStore.Contents(hash: hash, size: size, kind: Attachment.Kind(firstBytes: state.head))
        }
    }

    private static func add(_ bytes: UnsafeRawBufferPointer, to state: inout State) {
        state.digest?.update(bytes)
        state.size += Int64(bytes.count)
        if state.head.count < 1024 { state.head.append(contentsOf: bytes.prefix(1024 - state.head.count)) }
    }
}
