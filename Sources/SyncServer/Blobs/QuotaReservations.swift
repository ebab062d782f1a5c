import Synchronization

/// The bytes of uploads in progress, per library, so that uploads running at once
/// cannot together pass a quota that each alone fits in: an upload is admitted only
/// when the library's stored files, every other upload's bytes and its own fit.
///
/// In-process: one server process receives a library's uploads.
final class QuotaReservations: Sendable {
    private let inFlight = Mutex<[Int64: [Int: Int64]]>([:])
    private let nextID = Atomic<Int>(0)

    /// One upload's share.
    struct Reservation: Sendable {
        let library: Int64, id: Int
    }

    /// Reserves `bytes` for a new upload when `stored` plus every upload in progress
    /// plus `bytes` is within `quota`; nil (nothing reserved) otherwise, with what
    /// is used or promised.
    func reserve(_ bytes: Int64, library: Int64, stored: Int64, quota: Int64) -> Result<Reservation, QuotaFull> {
        let id = nextID.add(1, ordering: .relaxed).newValue
        return inFlight.withLock { uploads in
            let others = uploads[library, default: [:]].values.reduce(0, +)
            guard stored + others + bytes <= quota else { return .failure(QuotaFull(used: stored + others)) }
            uploads[library, default: [:]][id] = bytes
            return .success(Reservation(library: library, id: id))
        }
    }

    /// Grows an upload's share to `bytes` (a body longer than announced), if it fits.
    func grow(_ reservation: Reservation, to bytes: Int64, stored: Int64, quota: Int64) -> QuotaFull? {
        inFlight.withLock { uploads in
            let mine = uploads[reservation.library]?[reservation.id] ?? 0
            guard bytes > mine else { return nil }
            let others = (uploads[reservation.library]?.values.reduce(0, +) ?? 0) - mine
            guard stored + others + bytes <= quota else { return QuotaFull(used: stored + others) }
            uploads[reservation.library, default: [:]][reservation.id] = bytes
            return nil
        }
    }

    /// Ends an upload's share (stored, refused or abandoned).
    func release(_ reservation: Reservation) {
        inFlight.withLock { uploads in
            uploads[reservation.library]?[reservation.id] = nil
            if uploads[reservation.library]?.isEmpty == true { uploads[reservation.library] = nil }
        }
    }

    /// The bytes promised to a library's uploads in progress.
    func promised(library: Int64) -> Int64 {
        inFlight.withLock { $0[library]?.values.reduce(0, +) ?? 0 }
    }

    /// What a library's files take and have been promised, when an upload does not fit.
    struct QuotaFull: Error {
        var used: Int64
    }
}
