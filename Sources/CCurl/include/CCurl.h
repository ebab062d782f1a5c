// libcurl, loaded on first use.
//
// `reader` does not link libcurl: loading it and the thirty libraries it needs
// (TLS, Kerberos, LDAP, IDN, ...) cost every process about 6.5 ms before `main`
// (docs/benchmarks.md, "Start-up"), and most commands never touch the network.
// The first request calls `reader_curl_load`, which opens libcurl with dlopen and
// resolves the few functions reader uses; later requests reuse them.

#ifndef READER_CCURL_H
#define READER_CCURL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Loads libcurl once (thread-safe). Returns 0, or -1 with a reason in `error`.
int reader_curl_load(char *error, size_t error_length);

/// One transfer: a request, and what came back.
typedef struct reader_transfer reader_transfer;

/// A new transfer for `method` (GET, POST, PUT, HEAD, ...) on `url`.
reader_transfer *reader_transfer_create(const char *method, const char *url);
/// Adds a request header line ("Name: value").
int reader_transfer_add_header(reader_transfer *transfer, const char *line);
/// The request body (copied).
int reader_transfer_set_body(reader_transfer *transfer, const void *bytes, size_t length);
/// The request body read from the open file `fd`, `length` bytes from `offset`,
/// as it is sent (a PUT: a large file is never held in memory).
void reader_transfer_set_upload(reader_transfer *transfer, int fd, long long offset, long long length);
/// Bytes of the upload read for sending so far (any thread, while it runs).
long long reader_transfer_sent(const reader_transfer *transfer);
/// Limits: connecting, idle (no byte for this long), and the whole transfer, in milliseconds.
void reader_transfer_set_timeouts(reader_transfer *transfer, long connect_ms, long idle_ms, long total_ms);
/// Runs the transfer on the calling thread (blocking) with a handle from the pool.
/// Returns 0, or libcurl's error code with a reason in `error`.
int reader_transfer_perform(reader_transfer *transfer, char *error, size_t error_length);
/// Asks a running transfer to stop (any thread); `perform` then fails.
void reader_transfer_cancel(reader_transfer *transfer);
/// The HTTP status after `perform`.
long reader_transfer_status(const reader_transfer *transfer);
/// The response body after `perform` (owned by the transfer).
const unsigned char *reader_transfer_body(const reader_transfer *transfer, size_t *length);
/// The response headers after `perform`, as received: lines separated by CRLF
/// (owned by the transfer; only the last response's headers after redirects).
const char *reader_transfer_headers(const reader_transfer *transfer, size_t *length);
/// Sends the body of a successful response (200 or 206) to the open file `fd`
/// instead of memory: a 206 is appended after the `offset` bytes the file holds,
/// a 200 replaces them (the server sent the whole file). Other responses' bodies
/// are kept in memory as usual (at most 64 KiB). The transfer stops when the file
/// would grow past `max_bytes` (also when a Content-Length says it would), and
/// `reader_transfer_too_large` then says so.
void reader_transfer_set_output(reader_transfer *transfer, int fd, long long offset, long long max_bytes);
/// Called with every chunk of the body as it goes to the output file, with the
/// file offset it is written at (an offset of 0 after earlier bytes: a 200 replaced
/// them), on the thread that runs the transfer: a download is hashed while it
/// arrives instead of read again.
typedef void (*reader_body_observer)(void *context, long long offset, const void *bytes, size_t length);
/// Sets the observer of the bytes written to the output file (`context` is passed back).
void reader_transfer_set_observer(reader_transfer *transfer, reader_body_observer observer, void *context);
/// Bytes of the body written to the output file so far (any thread, while it runs).
long long reader_transfer_received(const reader_transfer *transfer);
/// The size of the whole file when the response said it (Content-Length, or the
/// total of a Content-Range), else -1 (any thread, while it runs).
long long reader_transfer_expected(const reader_transfer *transfer);
/// Whether the transfer stopped because the file is larger than allowed.
int reader_transfer_too_large(const reader_transfer *transfer);
/// Whether the transfer stopped because nothing moved for the idle time.
int reader_transfer_stalled(const reader_transfer *transfer);
/// Whether a 206 answered another range than the one asked for (nothing written).
int reader_transfer_bad_range(const reader_transfer *transfer);

/// Frees the transfer and everything it owns.
void reader_transfer_free(reader_transfer *transfer);

/// libcurl's error codes reader tells apart.
enum {
    READER_CURL_COULDNT_RESOLVE_HOST = 6,
    READER_CURL_COULDNT_CONNECT = 7,
    READER_CURL_PARTIAL_FILE = 18,
    READER_CURL_WRITE_ERROR = 23,
    READER_CURL_TOO_MANY_REDIRECTS = 47,
    READER_CURL_OPERATION_TIMEDOUT = 28,
    READER_CURL_ABORTED_BY_CALLBACK = 42,
    READER_CURL_GOT_NOTHING = 52,
    READER_CURL_SEND_ERROR = 55,
    READER_CURL_RECV_ERROR = 56,
    READER_CURL_NOT_LOADED = -1,
};

#ifdef __cplusplus
}
#endif

#endif
