/* calc: compute one claim with santei from C.
 *
 *   calc MASTERS_DIR CLAIM.json     official masters of one revision (../shared/masters/r06)
 *   calc --demo CLAIM.json          the embedded demo data
 *
 * Build (see the README):
 *   cargo build --release -p santei-ffi
 *   cc -std=c99 -Iffi/include ffi/examples/calc.c -Ltarget/release -lsantei \
 *      -Wl,-rpath,$PWD/target/release -o calc
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "santei.h"

int main(int argc, char **argv) {
    SanteiEngine *engine = NULL;
    SanteiResult *result = NULL;
    SanteiError *error = NULL;
    SanteiStatus status;
    char claim[65536];
    size_t claim_len;
    int64_t total;
    const char *json;
    size_t json_len;
    FILE *f;

    if (argc != 3) {
        fprintf(stderr, "usage: calc MASTERS_DIR|--demo CLAIM.json\n");
        return 2;
    }
    f = fopen(argv[2], "rb");
    if (f == NULL) {
        perror(argv[2]);
        return 2;
    }
    claim_len = fread(claim, 1, sizeof claim, f);
    fclose(f);
    if (claim_len == sizeof claim) {
        fprintf(stderr, "%s: too large for this example\n", argv[2]);
        return 2;
    }

    /* 1. Load the masters once (0.1–0.3 s); share the engine with every thread. */
    if (strcmp(argv[1], "--demo") == 0) {
        status = santei_engine_new_demo(&engine, &error);
    } else {
        status = santei_engine_load(argv[1], strlen(argv[1]), &engine, &error);
    }
    if (status != SANTEI_STATUS_OK) {
        fprintf(stderr, "santei: %s (%s)\n", santei_error_message(error),
                santei_status_name(status));
        santei_error_free(error);
        return 2;
    }

    /* 2. Compute a claim: JSON in (pointer, length), a result handle out. */
    status = santei_engine_calculate(engine, claim, claim_len, &result, &error);
    if (status != SANTEI_STATUS_OK) {
        fprintf(stderr, "santei: %s (%s at `%s`)\n", santei_error_message(error),
                santei_status_name(status), santei_error_path(error));
        santei_error_free(error);
        santei_engine_free(engine);
        return 1;
    }

    /* 3. Read the totals without parsing JSON, or take the whole result as JSON. */
    santei_result_total_points(result, &total);
    santei_result_json(result, &json, &json_len);
    printf("total_points %lld\n%.*s\n", (long long)total, (int)json_len, json);

    santei_result_free(result);
    santei_engine_free(engine);
    return 0;
}
