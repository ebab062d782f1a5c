import ArgumentParser
import Interchange
import Model
import Storage

extension PaperSort: ExpressibleByArgument {}

/// Parses a query given as arguments: they are joined with spaces and parsed as
/// one text, as notmuch, mu and gh do, so `reader list tag:pde status:reading` and
/// `reader list "tag:pde status:reading"` are the same query; a phrase needs its own
/// quotes inside the shell's (`reader search '"neural operator"'`).
///
/// A query whose every term holds no letter or digit (`🙂`, `-`) is refused:
/// it would otherwise match the whole library.
func parseQuery(_ words: [String]) throws -> SearchQuery {
    let query: SearchQuery
    do {
        query = try SearchQuery(words.joined(separator: " "))
    } catch {
        throw CLIError(error.description)
    }
    if query.isEmpty, !query.ignoredTerms.isEmpty {
        throw CLIError("the query \(query.ignoredTerms.map { "'\($0)'" }.joined(separator: " ")) has no word to search for: a word needs a letter or a digit")
    }
    return query
}

/// `--limit N` takes 1 or more.
func validateLimit(_ limit: Int) throws {
    guard limit >= 1 else { throw ValidationError("--limit \(limit): give 1 or more (leave --limit out for every paper)") }
}

/// What to say when a query matches nothing: for a query with a phrase, whether
/// its words alone would match.
func noMatchMessage(_ query: SearchQuery, in store: Library) throws -> String {
    guard !query.phrases.isEmpty else { return "No papers match." }
    let words = query.withPhrasesAsWords
    let count = try store.count(words)
    let phrases = query.phrases.map { "\"\($0)\"" }.joined(separator: ", ")
    guard count > 0 else { return "No papers match; not even the words of \(phrases) alone." }
    return "No papers match the phrase \(phrases); its words alone match \(count) paper\(count == 1 ? "" : "s") (leave out the inner quotes to search for them)."
}
