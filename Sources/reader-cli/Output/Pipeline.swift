import Foundation

/// Runs the second half of an export on a second thread: while the caller reads
/// records from the library, another thread formats and writes the ones already
/// read, in order. On a machine with two cores an export takes about as long as
/// the slower half instead of both.
///
/// ```swift
/// try Pipeline.run(consume: { writer.write($0) }) { emit in
///     try store.forEachDetail(query) { emit($0) }
/// }
/// ```
enum Pipeline {
    /// Calls `produce` on this thread and `consume` on another, for every item
    /// `produce` emits, in order. Errors from `produce` are rethrown once the
    /// consumer has finished the items before it.
    static func run<Item: Sendable>(consume: @escaping (Item) -> Void, produce: ((Item) -> Void) throws -> Void) throws {
        let queue = Handoff<Item>()
        let consumer = UncheckedBox(consume)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            while let batch = queue.next() {
                for item in batch { consumer.value(item) }
            }
            done.signal()
        }
        thread.stackSize = 1 << 22
        thread.start()
        var batch: [Item] = []
        batch.reserveCapacity(Handoff<Item>.batchSize)
        defer {
            queue.finish()
            done.wait()
        }
        try produce { item in
            batch.append(item)
            if batch.count == Handoff<Item>.batchSize {
                queue.put(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { queue.put(batch) }
    }
}

/// Batches of items waiting for the consumer, at most a few ahead.
final class Handoff<Item: Sendable>: @unchecked Sendable {
    static var batchSize: Int { 256 }
    private let condition = NSCondition()
    private var batches: [[Item]] = []
    private var finished = false

    func put(_ batch: [Item]) {
        condition.lock()
        while batches.count >= 8 { condition.wait() }
        batches.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func next() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty, !finished { condition.wait() }
        guard !batches.isEmpty else { return nil }
        let batch = batches.removeFirst()
        condition.broadcast()
        return batch
    }
}

/// A value handed to the consumer thread, which alone uses it until the
/// producer waits for that thread to finish.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
