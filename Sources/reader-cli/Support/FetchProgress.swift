import Foundation
import Model
import Synchronization

/// What `reader fetch` and the files of `reader sync` show while they run: on a
/// terminal one line redrawn in place (papers or files done of total, bytes, rate),
/// otherwise one plain line per item done, and nothing with `--quiet`. Written to
/// standard error.
final class FetchProgress: Sendable {
    enum Style { case bar, lines, quiet }

    private struct State {
        var total: Int
        var done = 0
        var finishedBytes: Int64 = 0
        var current: [Int: Int64] = [:]
        var lastDraw: Date = .distantPast
        var drawn = false
    }

    private let style: Style
    private let started = Date()
    private let state: Mutex<State>
    private let label: String, noun: String

    /// A progress of `total` items; the bar reads "`label`: 3 of 10 `noun`, …".
    init(total: Int, quiet: Bool, label: String = "fetching", noun: String = "papers") {
        style = quiet ? .quiet : (isatty(STDERR_FILENO) == 1 ? .bar : .lines)
        state = Mutex(State(total: total))
        self.label = label
        self.noun = noun
    }

    /// Whether bytes are shown as they arrive (on a terminal): otherwise downloads
    /// need not report them.
    var showsBytes: Bool { style == .bar }

    /// A download's bytes so far.
    func update(slot: Int, received: Int64) {
        guard style == .bar else { return }
        state.withLock { state in
            state.current[slot] = received
            let now = Date()
            guard now.timeIntervalSince(state.lastDraw) >= 0.1 else { return }
            state.lastDraw = now
            draw(&state)
        }
    }

    /// One paper done: `line` says how it went.
    func finish(slot: Int, bytes: Int64, line: String) {
        state.withLock { state in
            state.current[slot] = nil
            state.done += 1
            state.finishedBytes += bytes
            switch style {
            case .quiet: break
            case .lines: printError(line)
            case .bar:
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + "\n").utf8))
                draw(&state)
            }
        }
    }

    /// Clears the bar before the summary.
    func end() {
        guard style == .bar else { return }
        state.withLock { state in
            if state.drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
    }

    private func draw(_ state: inout State) {
        let bytes = state.finishedBytes + state.current.values.reduce(0, +)
        let seconds = max(Date().timeIntervalSince(started), 0.001)
        let rate = Int64(Double(bytes) / seconds)
        let text = "\(label): \(state.done) of \(state.total) \(noun), \(ByteCount.text(bytes)), \(ByteCount.text(rate))/s"
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        state.drawn = true
    }
}
