// libcurl through dlopen: see include/CCurl.h for why.

#define _GNU_SOURCE

#include "CCurl.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

// The functions reader calls, resolved once.
static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_reset)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512];
static int loaded;

static void load(void) {
    static const char *const names[] = {
#ifdef __APPLE__
        "libcurl.4.dylib", "libcurl.dylib",
#else
        "libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so",
#endif
    };
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && library == NULL; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(load_error, sizeof load_error,
                 "libcurl is not installed (%s); install it (Debian/Ubuntu: apt-get install libcurl4)",
                 reason ? reason : "not found");
        return;
    }
#define RESOLVE(field, symbol)                                                        \
    do {                                                                              \
        *(void **)(&curl.field) = dlsym(library, symbol);                             \
        if (curl.field == NULL) {                                                     \
            snprintf(load_error, sizeof load_error, "libcurl has no %s: too old", symbol); \
            return;                                                                   \
        }                                                                             \
    } while (0)
    RESOLVE(global_init, "curl_global_init");
    RESOLVE(easy_init, "curl_easy_init");
    RESOLVE(easy_setopt, "curl_easy_setopt");
    RESOLVE(easy_perform, "curl_easy_perform");
    RESOLVE(easy_getinfo, "curl_easy_getinfo");
    RESOLVE(easy_reset, "curl_easy_reset");
    RESOLVE(easy_cleanup, "curl_easy_cleanup");
    RESOLVE(easy_strerror, "curl_easy_strerror");
    RESOLVE(slist_append, "curl_slist_append");
    RESOLVE(slist_free_all, "curl_slist_free_all");
#undef RESOLVE
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "libcurl could not start");
        return;
    }
    loaded = 1;
}

int reader_curl_load(char *error, size_t error_length) {
    pthread_once(&load_once, load);
    if (loaded) return 0;
    if (error != NULL && error_length > 0) snprintf(error, error_length, "%s", load_error);
    return -1;
}

// Idle easy handles: a handle keeps its connections open, so that the next request
// to the same server reuses one (keep-alive) instead of connecting again.
enum { pool_capacity = 8 };
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static CURL *pool[pool_capacity];
static int pool_count;

static CURL *take_handle(void) {
    CURL *handle = NULL;
    pthread_mutex_lock(&pool_lock);
    if (pool_count > 0) handle = pool[--pool_count];
    pthread_mutex_unlock(&pool_lock);
    if (handle != NULL) {
        curl.easy_reset(handle);
        return handle;
    }
    return curl.easy_init();
}

static void return_handle(CURL *handle) {
    pthread_mutex_lock(&pool_lock);
    if (pool_count < pool_capacity) {
        pool[pool_count++] = handle;
        handle = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
    if (handle != NULL) curl.easy_cleanup(handle);
}

typedef struct {
    unsigned char *bytes;
    size_t length;
    size_t capacity;
} buffer;

static int buffer_append(buffer *b, const void *bytes, size_t length) {
    if (b->length + length + 1 > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 16384;
        while (b->length + length + 1 > capacity) capacity *= 2;
        unsigned char *grown = realloc(b->bytes, capacity);
        if (grown == NULL) return -1;
        b->bytes = grown;
        b->capacity = capacity;
    }
    memcpy(b->bytes + b->length, bytes, length);
    b->length += length;
    b->bytes[b->length] = 0;
    return 0;
}

struct reader_transfer {
    char *method;
    char *url;
    struct curl_slist *headers;
    unsigned char *body;
    size_t body_length;
    long connect_ms, idle_ms, total_ms;
    atomic_int cancelled;
    long status;
    buffer response;
    buffer response_headers;
    // Output to a file (reader_transfer_set_output): fd < 0 when none.
    int fd;
    long long offset, max_bytes;
    long current_status;     // the status line of the response being received
    int body_started;        // the first body byte of the final response was seen
    atomic_llong received, expected;
    atomic_int too_large, bad_range, stalled;
    unsigned char *out_buffer;   // body bytes not yet written to fd (at most out_capacity)
    size_t out_length;
    long long last_flush_ms;     // a slow download reaches the disk at least this often (kill -9, then resume)
    long long last_bytes, last_activity_ms;
    reader_body_observer observer;
    void *observer_context;
    long long flushed_to;        // the file offset the next written byte goes to
    // Body from a file (reader_transfer_set_upload): upload_fd < 0 when none.
    int upload_fd;
    long long upload_offset, upload_length;
    atomic_llong sent;           // bytes of the body read for sending so far
};

reader_transfer *reader_transfer_create(const char *method, const char *url) {
    reader_transfer *transfer = calloc(1, sizeof *transfer);
    if (transfer == NULL) return NULL;
    transfer->method = strdup(method);
    transfer->url = strdup(url);
    if (transfer->method == NULL || transfer->url == NULL) {
        reader_transfer_free(transfer);
        return NULL;
    }
    transfer->connect_ms = 30000;
    transfer->idle_ms = 30000;
    transfer->total_ms = 120000;
    atomic_init(&transfer->cancelled, 0);
    transfer->fd = -1;
    transfer->upload_fd = -1;
    atomic_init(&transfer->sent, 0);
    atomic_init(&transfer->received, 0);
    atomic_init(&transfer->expected, -1);
    atomic_init(&transfer->too_large, 0);
    atomic_init(&transfer->bad_range, 0);
    atomic_init(&transfer->stalled, 0);
    return transfer;
}

int reader_transfer_add_header(reader_transfer *transfer, const char *line) {
    if (!loaded) return -1;
    struct curl_slist *list = curl.slist_append(transfer->headers, line);
    if (list == NULL) return -1;
    transfer->headers = list;
    return 0;
}

int reader_transfer_set_body(reader_transfer *transfer, const void *bytes, size_t length) {
    free(transfer->body);
    transfer->body = malloc(length ? length : 1);
    if (transfer->body == NULL) return -1;
    memcpy(transfer->body, bytes, length);
    transfer->body_length = length;
    return 0;
}

void reader_transfer_set_timeouts(reader_transfer *transfer, long connect_ms, long idle_ms, long total_ms) {
    transfer->connect_ms = connect_ms;
    transfer->idle_ms = idle_ms;
    transfer->total_ms = total_ms;
}

static long long monotonic_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

enum { out_capacity = 1 << 20, out_interval_ms = 200 };

// Writes bytes to the output file where the body has reached, shows them to the
// observer, and starts their way to the disk (the fsync before the file enters the
// store then has less left to wait for). Returns 0, or -1.
static int write_output(reader_transfer *transfer, const unsigned char *bytes, size_t length) {
    size_t written = 0;
    while (written < length) {
        ssize_t result = write(transfer->fd, bytes + written, length - written);
        if (result < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        written += (size_t)result;
    }
    if (transfer->observer != NULL) transfer->observer(transfer->observer_context, transfer->flushed_to, bytes, length);
#ifdef __linux__
    sync_file_range(transfer->fd, transfer->flushed_to, (off_t)length, SYNC_FILE_RANGE_WRITE);
#endif
    transfer->flushed_to += (long long)length;
    return 0;
}

// Writes what the output buffer holds to the file. Returns 0, or -1.
static int flush_output(reader_transfer *transfer) {
    if (write_output(transfer, transfer->out_buffer, transfer->out_length) != 0) return -1;
    transfer->out_length = 0;
    transfer->last_flush_ms = monotonic_ms();
    return 0;
}

static int writes_to_file(const reader_transfer *transfer) {
    return transfer->fd >= 0 && (transfer->current_status == 200 || transfer->current_status == 206);
}

static size_t on_body(char *bytes, size_t size, size_t count, void *context) {
    reader_transfer *transfer = context;
    size_t length = size * count;
    if (!writes_to_file(transfer)) {
        // An error page: keep its start, for the message.
        if (transfer->fd >= 0 && transfer->response.length >= 65536) return length;
        return buffer_append(&transfer->response, bytes, length) == 0 ? length : 0;
    }
    if (!transfer->body_started) {
        transfer->body_started = 1;
        // A 200 is the whole file: whatever an earlier attempt left goes.
        if (transfer->current_status == 200 && transfer->offset > 0) {
            if (ftruncate(transfer->fd, 0) != 0) return 0;
            transfer->offset = 0;
        }
        if (lseek(transfer->fd, transfer->offset, SEEK_SET) < 0) return 0;
        transfer->flushed_to = transfer->offset;
    }
    long long received = atomic_load(&transfer->received);
    if (transfer->max_bytes >= 0 && transfer->offset + received + (long long)length > transfer->max_bytes) {
        atomic_store(&transfer->too_large, 1);
        return 0;
    }
    // Gathered into 1 MiB writes: loopback delivers 16 KiB at a time.
    if (transfer->out_buffer == NULL) {
        transfer->out_buffer = malloc(out_capacity);
        if (transfer->out_buffer == NULL) return 0;
    }
    if (transfer->out_length + length > out_capacity && flush_output(transfer) != 0) return 0;
    if (length >= out_capacity) {
        if (write_output(transfer, (const unsigned char *)bytes, length) != 0) return 0;
    } else {
        memcpy(transfer->out_buffer + transfer->out_length, bytes, length);
        transfer->out_length += length;
        if (transfer->last_flush_ms == 0) transfer->last_flush_ms = monotonic_ms();
        if (monotonic_ms() - transfer->last_flush_ms >= out_interval_ms && flush_output(transfer) != 0) return 0;
    }
    atomic_store(&transfer->received, received + (long long)length);
    return length;
}

// The number after `name:` in a header line, or -1.
static long long header_number(const char *line, size_t length, const char *name) {
    size_t name_length = strlen(name);
    if (length <= name_length || strncasecmp(line, name, name_length) != 0) return -1;
    const char *p = line + name_length;
    const char *end = line + length;
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    long long value = -1;
    for (; p < end && *p >= '0' && *p <= '9'; p++) value = (value < 0 ? 0 : value) * 10 + (*p - '0');
    return value;
}

// Reads the status line and the sizes of a response bound for a file.
static int watch_header(reader_transfer *transfer, const char *line, size_t length) {
    if (length >= 12 && memcmp(line, "HTTP/", 5) == 0) {
        const char *space = memchr(line, ' ', length);
        transfer->current_status = space ? strtol(space + 1, NULL, 10) : 0;
        return 1;
    }
    if (!writes_to_file(transfer)) return 1;
    long long content_length = header_number(line, length, "content-length:");
    if (content_length >= 0 && transfer->current_status == 200) atomic_store(&transfer->expected, content_length);
    if (length > 14 && strncasecmp(line, "content-range:", 14) == 0 && transfer->current_status == 206) {
        // "Content-Range: bytes START-END/TOTAL"
        const char *p = line + 14, *end = line + length;
        while (p < end && (*p < '0' || *p > '9')) p++;
        long long start = 0;
        for (; p < end && *p >= '0' && *p <= '9'; p++) start = start * 10 + (*p - '0');
        const char *slash = memchr(line, '/', length);
        long long total = -1;
        if (slash) {
            for (p = slash + 1; p < end && *p >= '0' && *p <= '9'; p++) total = (total < 0 ? 0 : total) * 10 + (*p - '0');
        }
        if (start != transfer->offset) {
            atomic_store(&transfer->bad_range, 1);
            return 0;
        }
        if (total >= 0) atomic_store(&transfer->expected, total);
    }
    long long expected = atomic_load(&transfer->expected);
    if (transfer->max_bytes >= 0 && expected > transfer->max_bytes) {
        atomic_store(&transfer->too_large, 1);
        return 0;
    }
    return 1;
}

static size_t on_header(char *bytes, size_t size, size_t count, void *context) {
    reader_transfer *transfer = context;
    size_t length = size * count;
    // A new status line starts the headers of the next response (a redirect, 100 Continue).
    if (length >= 5 && memcmp(bytes, "HTTP/", 5) == 0) transfer->response_headers.length = 0;
    if (transfer->fd >= 0 && !watch_header(transfer, bytes, length)) return 0;
    return buffer_append(&transfer->response_headers, bytes, length) == 0 ? length : 0;
}

// Gives libcurl the next bytes of an upload, read from the file where it has got to.
static size_t on_read(char *bytes, size_t size, size_t count, void *context) {
    reader_transfer *transfer = context;
    long long sent = atomic_load(&transfer->sent);
    long long left = transfer->upload_length - sent;
    size_t wanted = size * count;
    if (left <= 0) return 0;
    if ((long long)wanted > left) wanted = (size_t)left;
    ssize_t result;
    do {
        result = pread(transfer->upload_fd, bytes, wanted, (off_t)(transfer->upload_offset + sent));
    } while (result < 0 && errno == EINTR);
    if (result <= 0) return CURL_READFUNC_ABORT;  // the file shrank or cannot be read
    atomic_store(&transfer->sent, sent + result);
    return (size_t)result;
}

// Rewinds an upload (libcurl sends the body again after a redirect or a reused
// connection that the server had closed).
static int on_seek(void *context, curl_off_t offset, int origin) {
    reader_transfer *transfer = context;
    if (origin != SEEK_SET || offset < 0 || offset > transfer->upload_length) return CURL_SEEKFUNC_CANTSEEK;
    atomic_store(&transfer->sent, (long long)offset);
    return CURL_SEEKFUNC_OK;
}

// Called about once a second, and whenever bytes move: stops a cancelled transfer,
// and one that received nothing for the idle time (libcurl's own low-speed check
// averages over several seconds, so a server that stalls after a first burst
// would be waited for much longer).
static int on_progress(void *context, curl_off_t download_total, curl_off_t downloaded, curl_off_t upload_total, curl_off_t uploaded) {
    (void)download_total; (void)upload_total;
    reader_transfer *transfer = context;
    if (atomic_load(&transfer->cancelled)) return 1;
    long long now = monotonic_ms();
    long long moved = (long long)downloaded + (long long)uploaded;
    if (moved != transfer->last_bytes || transfer->last_activity_ms == 0) {
        transfer->last_bytes = moved;
        transfer->last_activity_ms = now;
    } else if (transfer->idle_ms > 0 && now - transfer->last_activity_ms > transfer->idle_ms) {
        atomic_store(&transfer->stalled, 1);
        return 1;
    }
    return 0;
}

int reader_transfer_perform(reader_transfer *transfer, char *error, size_t error_length) {
    char message[CURL_ERROR_SIZE];
    if (reader_curl_load(message, sizeof message) != 0) {
        if (error_length > 0) snprintf(error, error_length, "%s", message);
        return READER_CURL_NOT_LOADED;
    }
    CURL *handle = take_handle();
    if (handle == NULL) {
        if (error_length > 0) snprintf(error, error_length, "libcurl could not make a handle");
        return CURLE_FAILED_INIT;
    }
    message[0] = 0;
    transfer->response.length = 0;
    transfer->response_headers.length = 0;
    transfer->current_status = 0;
    transfer->body_started = 0;
    transfer->last_bytes = 0;
    transfer->last_activity_ms = 0;
    // "Expect:" keeps libcurl from waiting for a 100 Continue before a large body.
    struct curl_slist *headers = curl.slist_append(transfer->headers, "Expect:");
    if (headers != NULL) transfer->headers = headers;

    curl.easy_setopt(handle, CURLOPT_URL, transfer->url);
    curl.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, message);
    curl.easy_setopt(handle, CURLOPT_HTTPHEADER, transfer->headers);
    curl.easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    curl.easy_setopt(handle, CURLOPT_MAXREDIRS, 10L);
    // A file is asked for as it is stored (byte ranges count its bytes).
    if (transfer->fd < 0) {
        curl.easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
    }
    curl.easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, transfer->connect_ms);
    curl.easy_setopt(handle, CURLOPT_TIMEOUT_MS, transfer->total_ms);
    curl.easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl.easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, (transfer->idle_ms + 999) / 1000);
    // Bigger reads and sends than libcurl's 16 and 64 KiB: a file of megabytes moves
    // in a sixth of the system calls (files are written in 1 MiB pieces anyway).
    curl.easy_setopt(handle, CURLOPT_BUFFERSIZE, 512L * 1024);
    curl.easy_setopt(handle, CURLOPT_UPLOAD_BUFFERSIZE, 1024L * 1024);
    curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl.easy_setopt(handle, CURLOPT_WRITEDATA, transfer);
    curl.easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl.easy_setopt(handle, CURLOPT_HEADERDATA, transfer);
    curl.easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    curl.easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl.easy_setopt(handle, CURLOPT_XFERINFODATA, transfer);
    if (strcmp(transfer->method, "GET") == 0) {
        curl.easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(transfer->method, "HEAD") == 0) {
        curl.easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (strcmp(transfer->method, "POST") == 0 && transfer->upload_fd < 0) {
        // A plain POST (not CURLOPT_CUSTOMREQUEST, which curl keeps across redirects):
        // a 303 answer is then followed with a GET, as browsers do.
        curl.easy_setopt(handle, CURLOPT_POST, 1L);
        if (transfer->body == NULL) {
            curl.easy_setopt(handle, CURLOPT_POSTFIELDS, "");
            curl.easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
        }
    } else {
        curl.easy_setopt(handle, CURLOPT_CUSTOMREQUEST, transfer->method);
    }
    if (transfer->upload_fd >= 0) {
        // CURLOPT_UPLOAD makes the request a PUT with a body read from the file.
        curl.easy_setopt(handle, CURLOPT_UPLOAD, 1L);
        curl.easy_setopt(handle, CURLOPT_READFUNCTION, on_read);
        curl.easy_setopt(handle, CURLOPT_READDATA, transfer);
        curl.easy_setopt(handle, CURLOPT_SEEKFUNCTION, on_seek);
        curl.easy_setopt(handle, CURLOPT_SEEKDATA, transfer);
        curl.easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t)transfer->upload_length);
        atomic_store(&transfer->sent, 0);
    } else if (transfer->body != NULL) {
        curl.easy_setopt(handle, CURLOPT_POSTFIELDS, (const char *)transfer->body);
        curl.easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)transfer->body_length);
    }

    CURLcode code = curl.easy_perform(handle);
    // What arrived stays on disk, also when the transfer failed: the next attempt resumes after it.
    if (transfer->fd >= 0 && transfer->out_length > 0 && flush_output(transfer) != 0 && code == CURLE_OK) {
        code = CURLE_WRITE_ERROR;
        if (error_length > 0) snprintf(error, error_length, "cannot write the file");
    }
    if (code == CURLE_OK) {
        long status = 0;
        curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
        transfer->status = status;
    } else if (error_length > 0) {
        snprintf(error, error_length, "%s", message[0] ? message : curl.easy_strerror(code));
    }
    // The handle outlives this transfer in the pool: it must not point into it.
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, NULL);
    curl.easy_setopt(handle, CURLOPT_HTTPHEADER, NULL);
    return_handle(handle);
    return (int)code;
}

void reader_transfer_set_observer(reader_transfer *transfer, reader_body_observer observer, void *context) {
    transfer->observer = observer;
    transfer->observer_context = context;
}

void reader_transfer_set_output(reader_transfer *transfer, int fd, long long offset, long long max_bytes) {
    transfer->fd = fd;
    transfer->offset = offset;
    transfer->max_bytes = max_bytes;
}

void reader_transfer_set_upload(reader_transfer *transfer, int fd, long long offset, long long length) {
    transfer->upload_fd = fd;
    transfer->upload_offset = offset;
    transfer->upload_length = length;
}

long long reader_transfer_sent(const reader_transfer *transfer) {
    return atomic_load(&transfer->sent);
}

long long reader_transfer_received(const reader_transfer *transfer) {
    return atomic_load(&transfer->received);
}

long long reader_transfer_expected(const reader_transfer *transfer) {
    return atomic_load(&transfer->expected);
}

int reader_transfer_too_large(const reader_transfer *transfer) {
    return atomic_load(&transfer->too_large);
}

int reader_transfer_stalled(const reader_transfer *transfer) {
    return atomic_load(&transfer->stalled);
}

int reader_transfer_bad_range(const reader_transfer *transfer) {
    return atomic_load(&transfer->bad_range);
}

void reader_transfer_cancel(reader_transfer *transfer) {
    atomic_store(&transfer->cancelled, 1);
}

long reader_transfer_status(const reader_transfer *transfer) {
    return transfer->status;
}

const unsigned char *reader_transfer_body(const reader_transfer *transfer, size_t *length) {
    *length = transfer->response.length;
    return transfer->response.bytes;
}

const char *reader_transfer_headers(const reader_transfer *transfer, size_t *length) {
    *length = transfer->response_headers.length;
    return (const char *)transfer->response_headers.bytes;
}

void reader_transfer_free(reader_transfer *transfer) {
    if (transfer == NULL) return;
    if (transfer->headers != NULL && loaded) curl.slist_free_all(transfer->headers);
    free(transfer->method);
    free(transfer->url);
    free(transfer->body);
    free(transfer->response.bytes);
    free(transfer->response_headers.bytes);
    free(transfer->out_buffer);
    free(transfer);
}
