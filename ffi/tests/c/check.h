/* Minimal test helpers for the C and C++ tests of santei's C API: no framework, one counter.
 * Each test program ends with `<name>: N passed, N failed` and exits non-zero on any failure. */
#ifndef SANTEI_CHECK_H
#define SANTEI_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed = 0;
static int check_failed = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            check_passed++;                                                          \
        } else {                                                                     \
            check_failed++;                                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_STATUS(expr, want)                                                          \
    do {                                                                                  \
        SanteiStatus check_got_ = (expr);                                                 \
        if (check_got_ == (SanteiStatus)(want)) {                                         \
            check_passed++;                                                               \
        } else {                                                                          \
            check_failed++;                                                               \
            fprintf(stderr, "%s:%d: %s returned %u (%s), expected %u (%s)\n", __FILE__,   \
                    __LINE__, #expr, (unsigned)check_got_,                                \
                    santei_status_name(check_got_) ? santei_status_name(check_got_) : "?", \
                    (unsigned)(want), santei_status_name(want));                           \
        }                                                                                 \
    } while (0)

/* Stops the program: a precondition of the remaining checks (masters present) is missing. */
#define REQUIRE(cond, ...)                                                   \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: FATAL: ", __FILE__, __LINE__);           \
            fprintf(stderr, __VA_ARGS__);                                    \
            fprintf(stderr, "\n");                                           \
            exit(2);                                                         \
        }                                                                    \
    } while (0)

static int check_summary(const char *name) {
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

#endif
