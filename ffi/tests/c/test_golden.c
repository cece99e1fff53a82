/* From C, every golden case (one check per run) gives the same result as the Rust API: loops over the cases exported
 * by `cargo run -p santei-ffi --example export_golden -- DIR` (claim JSON and the Rust API's
 * result), computes each through the C API on the same masters (r06 with the change files and the
 * 医科電子点数表, r04),
 * and compares the total, and the whole result JSON byte for byte (or the error code).
 *
 * Usage: test_golden MASTERS_DIR ETENSU_R06_DIR EXPORT_DIR */
#include <stdint.h>
#include <string.h>

#include "santei.h"
#include "check.h"

/* Reads a whole file into a malloc'ed buffer (NUL-terminated); NULL if it cannot be read. */
static char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = (char *)malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    buf[n] = '\0';
    fclose(f);
    *len_out = (size_t)n;
    return buf;
}

static SanteiEngine *load(const char *masters, const char *etensu) {
    char r06[4096], updates[4096], r04[4096];
    SanteiMastersFolder folders[2];
    SanteiEngine *engine = NULL;
    SanteiError *e = NULL;
    SanteiStatus st;
    snprintf(r06, sizeof r06, "%s/r06", masters);
    snprintf(updates, sizeof updates, "%s/updates", masters);
    snprintf(r04, sizeof r04, "%s/r04", masters);
    folders[0].dir = r06;
    folders[0].dir_len = strlen(r06);
    folders[0].updates = updates;
    folders[0].updates_len = strlen(updates);
    folders[0].etensu = etensu;
    folders[0].etensu_len = strlen(etensu);
    folders[1].dir = r04;
    folders[1].dir_len = strlen(r04);
    folders[1].updates = NULL;
    folders[1].updates_len = 0;
    folders[1].etensu = NULL;
    folders[1].etensu_len = 0;
    st = santei_engine_load_folders(folders, 2, &engine, &e);
    REQUIRE(st == SANTEI_STATUS_OK, "cannot load the official masters from `%s` (%u): %s",
            masters, (unsigned)st, santei_error_message(e));
    return engine;
}

static void run_case(const SanteiEngine *engine, const char *dir, const char *name,
                     const char *kind, const char *want, const char *label) {
    char path[4096];
    size_t claim_len = 0;
    char *claim;
    SanteiResult *r = NULL;
    SanteiError *e = NULL;
    SanteiStatus st;

    snprintf(path, sizeof path, "%s/%s.claim.json", dir, name);
    claim = read_file(path, &claim_len);
    REQUIRE(claim != NULL, "cannot read %s", path);
    st = santei_engine_calculate(engine, claim, claim_len, &r, &e);
    if (strcmp(kind, "ok") == 0) {
        int64_t total = -1;
        const char *json = NULL;
        size_t json_len = 0, rust_len = 0;
        char *rust;
        if (st != SANTEI_STATUS_OK) {
            fprintf(stderr, "%s: the C API failed (%u): %s\n", label, (unsigned)st,
                    santei_error_message(e));
            check_failed++;
        } else {
            snprintf(path, sizeof path, "%s/%s.result.json", dir, name);
            rust = read_file(path, &rust_len);
            REQUIRE(rust != NULL, "cannot read %s", path);
            if (santei_result_total_points(r, &total) != SANTEI_STATUS_OK ||
                santei_result_json(r, &json, &json_len) != SANTEI_STATUS_OK) {
                fprintf(stderr, "%s: a result accessor failed\n", label);
                check_failed++;
            } else if (total != strtoll(want, NULL, 10)) {
                fprintf(stderr, "%s: total %lld from C, %s from Rust\n", label, (long long)total,
                        want);
                check_failed++;
            } else if (json_len != rust_len || memcmp(json, rust, rust_len) != 0) {
                fprintf(stderr, "%s: the result JSON differs from the Rust API's\n", label);
                check_failed++;
            } else {
                check_passed++;
            }
            free(rust);
        }
    } else {
        const char *got = santei_status_name(st);
        if (st == SANTEI_STATUS_OK || got == NULL || strcmp(got, want) != 0 ||
            santei_error_code(e) != st) {
            fprintf(stderr, "%s: status %u (%s) from C, error `%s` from Rust\n", label,
                    (unsigned)st, got ? got : "?", want);
            check_failed++;
        } else {
            check_passed++;
        }
    }
    santei_result_free(r);
    santei_error_free(e);
    free(claim);
}

int main(int argc, char **argv) {
    char path[4096], *manifest, *line, *next;
    size_t len = 0;
    int runs = 0;
    SanteiEngine *engine;

    REQUIRE(argc == 4, "usage: test_golden MASTERS_DIR ETENSU_R06_DIR EXPORT_DIR");
    snprintf(path, sizeof path, "%s/manifest.tsv", argv[3]);
    manifest = read_file(path, &len);
    REQUIRE(manifest != NULL, "cannot read %s: run export_golden first", path);
    engine = load(argv[1], argv[2]);

    for (line = manifest; line != NULL && *line != '\0'; line = next) {
        char *fields[4];
        int n = 0;
        char *p = line;
        next = strchr(line, '\n');
        if (next != NULL) *next++ = '\0';
        fields[n++] = p;
        while (n < 4 && (p = strchr(p, '\t')) != NULL) {
            *p++ = '\0';
            fields[n++] = p;
        }
        REQUIRE(n == 4, "malformed manifest line: %s", line);
        run_case(engine, argv[3], fields[0], fields[1], fields[2], fields[3]);
        runs++;
    }
    REQUIRE(runs >= 40, "only %d golden runs exported", runs);
    santei_engine_free(engine);
    free(manifest);
    return check_summary("test_golden");
}
