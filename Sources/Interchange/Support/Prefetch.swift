import Foundation
import Synchronization

/// Runs a producer on a second thread a few batches ahead of the consumer on the
/// calling thread: an export reads the library there while this thread formats and
/// writes; a restore parses the backup there while this thread stores. On two cores
/// the work then takes about as long as the slower half instead of both.
///
/// Items go in order, in batches, at most `ahead` batches ahead, so memory stays
/// flat whatever the size. An error on either side stops both: the producer's is
/// thrown here after the items before it were consumed; the consumer's stops the
/// producer at its next item. The producer has finished when `run` returns.
///
/// ```swift
/// try Prefetch.run(produce: { emit in try store.forEachDetail(query, emit) },
///                  consume: { writer.write($0, key: key($0.paper)) })
/// ```
public enum Prefetch {
    public static func run<Item: Sendable>(batchSize: Int = 256, ahead: Int = 8,
                                           produce: @escaping @Sendable (_ emit: (Item) throws -> Void) throws -> Void,
                                           consume: (Item) throws -> Void) throws {
        let queue = BatchQueue<Item>(ahead: ahead)
        let thread = Thread {
            var batch: [Item] = []
            batch.reserveCapacity(batchSize)
            do {
                try produce { item in
                    batch.append(item)
                    if batch.count == batchSize {
                        try queue.put(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try queue.put(batch) }
                queue.finish(throwing: nil)
            } catch {
                // The items read before the error still go to the consumer.
                if !batch.isEmpty { try? queue.put(batch) }
                queue.finish(throwing: error)
            }
        }
        thread.stackSize = 1 << 22
        thread.start()
        defer { queue.cancelAndWaitForProducer() }
        while let batch = try queue.next() {
            for item in batch { try consume(item) }
        }
    }
}

/// The batches between the two threads: state under a `Mutex`, waiting on
/// counting semaphores (one counts free places, one counts batches ready).
private final class BatchQueue<Item: Sendable>: Sendable {
    private struct State {
        var batches: [[Item]] = []
        var finished = false
        var failure: (any Error)?
        var cancelled = false
    }

    private let state = Mutex(State())
    private let places = DispatchSemaphore(value: 0)
    private let ready = DispatchSemaphore(value: 0)
    private let producerDone = DispatchSemaphore(value: 0)

    init(ahead: Int) {
        // Signalled up from 0 rather than created at `ahead`: libdispatch traps when a
        // semaphore is released below the value it was created with.
        for _ in 0..<max(1, ahead) { places.signal() }
    }

    /// Hands over a batch once there is a free place; throws once the consumer stopped.
    func put(_ batch: [Item]) throws {
        places.wait()
        let cancelled = state.withLock { state in
            if !state.cancelled { state.batches.append(batch) }
            return state.cancelled
        }
        if cancelled {
            places.signal()  // a later put passes too, and throws
            throw CancellationError()
        }
        ready.signal()
    }

    /// The producer is done, with its error if it failed.
    func finish(throwing error: (any Error)?) {
        state.withLock { state in
            state.finished = true
            state.failure = error
        }
        ready.signal()
        producerDone.signal()
    }

    /// The next batch; nil after the last; the producer's error once its batches are consumed.
    func next() throws -> [Item]? {
        ready.wait()
        let batch: [Item]? = try state.withLock { state in
            if !state.batches.isEmpty { return state.batches.removeFirst() }
            if let failure = state.failure { throw failure }
            return nil
        }
        if batch == nil {
            ready.signal()  // every later call sees the end too
        } else {
            places.signal()
        }
        return batch
    }

    /// Stops the producer at its next batch and waits until it has returned.
    func cancelAndWaitForProducer() {
        state.withLock { $0.cancelled = true }
        places.signal()
        producerDone.wait()
    }
}
