// libcrypto's SHA-256 through dlopen: see include/CCrypto.h for why.

#define _POSIX_C_SOURCE 200809L

#include "CCrypto.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;
typedef struct engine_st ENGINE;

static struct {
    EVP_MD_CTX *(*ctx_new)(void);
    void (*ctx_free)(EVP_MD_CTX *);
    const EVP_MD *(*sha256)(void);
    int (*init)(EVP_MD_CTX *, const EVP_MD *, ENGINE *);
    int (*update)(EVP_MD_CTX *, const void *, size_t);
    int (*final)(EVP_MD_CTX *, unsigned char *, unsigned int *);
} crypto;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;

static void load(void) {
    if (getenv("READER_NO_LIBCRYPTO") != NULL) return;
    static const char *const names[] = {
#ifdef __APPLE__
        "libcrypto.3.dylib",
#else
        "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so",
#endif
    };
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && library == NULL; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) return;
#define RESOLVE(field, symbol)                                  \
    do {                                                        \
        *(void **)(&crypto.field) = dlsym(library, symbol);     \
        if (crypto.field == NULL) return;                       \
    } while (0)
    RESOLVE(ctx_new, "EVP_MD_CTX_new");
    RESOLVE(ctx_free, "EVP_MD_CTX_free");
    RESOLVE(sha256, "EVP_sha256");
    RESOLVE(init, "EVP_DigestInit_ex");
    RESOLVE(update, "EVP_DigestUpdate");
    RESOLVE(final, "EVP_DigestFinal_ex");
#undef RESOLVE
    loaded = 1;
}

reader_sha256 *reader_sha256_new(void) {
    pthread_once(&load_once, load);
    if (!loaded) return NULL;
    EVP_MD_CTX *context = crypto.ctx_new();
    if (context == NULL) return NULL;
    if (crypto.init(context, crypto.sha256(), NULL) != 1) {
        crypto.ctx_free(context);
        return NULL;
    }
    return (reader_sha256 *)context;
}

int reader_sha256_update(reader_sha256 *hash, const void *bytes, size_t length) {
    return crypto.update((EVP_MD_CTX *)hash, bytes, length) == 1 ? 0 : -1;
}

int reader_sha256_final(reader_sha256 *hash, unsigned char digest[32]) {
    unsigned int length = 0;
    return crypto.final((EVP_MD_CTX *)hash, digest, &length) == 1 && length == 32 ? 0 : -1;
}

void reader_sha256_free(reader_sha256 *hash) {
    if (hash != NULL) crypto.ctx_free((EVP_MD_CTX *)hash);
}
