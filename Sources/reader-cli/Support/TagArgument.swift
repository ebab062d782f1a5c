import Model

/// A tag name from the command line, or an error that says what is wrong with it.
func tagName(_ text: String) throws -> TagName {
    do { return try TagName(text) } catch { throw CLIError(error.description) }
}
