import Foundation
import Model

extension ImportError {
    /// The JSON value of a whole file, or an error that names the file and what is wrong.
    static func parseJSON(_ data: Data, file: String) throws(ImportError) -> JSONValue {
        do {
            return try data.withUnsafeBytes { raw throws(JSONParseError) in
                try JSONValue(parsingFileUTF8: raw.bindMemory(to: UInt8.self))
            }
        } catch {
            throw invalidJSON(error, file: file)
        }
    }

    /// The error for a file that is not valid JSON, naming the byte.
    static func invalidJSON(_ error: any Error, file: String) -> ImportError {
        ImportError(file: file, line: nil, reason: "not valid JSON: \(error)")
    }
}
