import Model

/// The records of a JSON file that is an array of them (CSL-JSON, Hugging Face's
/// daily papers), parsed one element at a time: an import never holds the whole
/// document, and the pages behind each element go back to the kernel.
enum JSONRecords {
    /// Calls `body` with each element of the outer array and its index, in order.
    /// A file that is one object is one record when `oneObject` is true; any other
    /// document is refused with `notAList`. Invalid JSON is an error naming the
    /// byte, thrown after the records before it were handed over.
    static func forEach(in bytes: FileBytes, file: String, oneObject: Bool, notAList: String,
                        _ body: (_ index: Int, _ record: JSONValue) throws -> Void) throws {
        var parser = JSONParser(bytes: bytes.buffer)
        parser.readsFractionsAsText = true
        var released = 0
        func invalid(_ error: JSONParseError) -> ImportError { .invalidJSON(error, file: file) }
        switch parser.peek() {
        case UInt8(ascii: "["):
            parser.position += 1
            if parser.peek() == UInt8(ascii: "]") {
                parser.position += 1
            } else {
                var index = 0
                var more = true
                while more {
                    let element: JSONValue
                    do { element = try parser.parseValue(depth: 1) } catch { throw invalid(error) }
                    bytes.release(before: parser.position, since: &released)
                    try body(index, element)
                    index += 1
                    do { more = try parser.another(closing: UInt8(ascii: "]"), in: "an array") } catch { throw invalid(error) }
                }
            }
        case UInt8(ascii: "{") where oneObject:
            let object: JSONValue
            do { object = try parser.parseValue(depth: 0) } catch { throw invalid(error) }
            try body(0, object)
        case nil:
            throw invalid(parser.fail("unexpected end of JSON"))
        default:
            // Not a list: still an error about the JSON when it is not JSON at all.
            do { _ = try parser.parseValue(depth: 0) } catch { throw invalid(error) }
            throw ImportError(file: file, line: nil, reason: notAList)
        }
        do { try parser.finish() } catch { throw invalid(error) }
        bytes.release(before: bytes.buffer.count, since: &released)
    }
}
