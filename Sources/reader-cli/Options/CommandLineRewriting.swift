/// Rewrites `reader`'s command line before swift-argument-parser reads it, so that
/// two things the README promises work as typed:
///
/// 1. Options every command takes (`--library PATH`) may come before the
///    subcommand: `reader --library new.sqlite import backup.json`.
/// 2. In the commands that take a query (`search`, `list`, `export`), a word
///    starting with one `-` is a negation of the query language (`-survey`,
///    `-tag:seen`, `-has:abstract`), not an option: such words move behind `--`,
///    where the parser takes them as query words.
///
/// 3. A negative number after an option (`--limit -1`, `--page -3`) is that
///    option's value, which the command then refuses with its rule, rather than
///    an unknown option: it is joined to the option (`--limit=-1`).
///
/// ```swift
/// CommandLineRewriting.rewrite(["search", "neural", "-survey", "--limit", "5"])
/// // ["search", "neural", "--limit", "5", "--", "-survey"]
/// ```
enum CommandLineRewriting {
    /// Options of every command, with a value, that may come before the subcommand.
    static let globalOptions: Set<String> = ["--library"]

    /// The commands whose arguments are a query, and their options that take a value.
    static let queryCommands: [String: Set<String>] = [
        "search": ["--limit", "--library"],
        "list": ["--limit", "--sort", "--library"],
        "export": ["--format", "--output", "-o", "--sort", "--library"],
    ]

    /// The short options those commands have that take no value.
    static let shortFlags: Set<String> = ["-h"]

    static func rewrite(_ arguments: [String]) -> [String] {
        // Global options before the subcommand go after it.
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if globalOptions.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else if let name = argument.split(separator: "=", maxSplits: 1).first, argument.contains("="), globalOptions.contains(String(name)) {
                leading.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard index < arguments.count else { return arguments }
        let command = arguments[index]
        var rest = joinNegativeNumbers(Array(arguments[(index + 1)...]))
        if let valued = queryCommands[command] {
            rest = separateNegations(rest, valued: valued)
        }
        // Moved options go before any `--`, after which everything is a query word.
        if let terminator = rest.firstIndex(of: "--") {
            rest.insert(contentsOf: leading, at: terminator)
        } else {
            rest += leading
        }
        return [command] + rest
    }

    /// `--option -3` as `--option=-3`.
    static func joinNegativeNumbers(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--"), argument.count > 2, !argument.contains("="), index + 1 < arguments.count,
               let next = arguments[index + 1].dropFirst().first, arguments[index + 1].hasPrefix("-"), ("0"..."9").contains(next) {
                result.append(argument + "=" + arguments[index + 1])
                index += 2
                continue
            }
            if argument == "--" {
                result += arguments[index...]
                break
            }
            result.append(argument)
            index += 1
        }
        return result
    }

    /// The arguments of a query command with its negated words moved behind `--`.
    static func separateNegations(_ arguments: [String], valued: Set<String>) -> [String] {
        var kept: [String] = []
        var words: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                words += arguments[(index + 1)...]
                break
            }
            if valued.contains(argument), index + 1 < arguments.count {
                kept += [argument, arguments[index + 1]]
                index += 2
                continue
            }
            if argument.hasPrefix("-"), argument.count > 1, !argument.hasPrefix("--"), !shortFlags.contains(argument) {
                words.append(argument)
            } else {
                kept.append(argument)
            }
            index += 1
        }
        return words.isEmpty ? kept : kept + ["--"] + words
    }
}
