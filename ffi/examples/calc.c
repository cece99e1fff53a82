/* calc: compute one claim with santei from C.
 *
 *   calc [--json] MASTERS_DIR... CLAIM.json   official masters, one folder per revision
 *                                             (../shared/masters/r06 ../shared/masters/r08-excerpt);
 *                                             each claim uses the revision of its dates
 *   calc [--json] --demo CLAIM.json           the embedded demo data
 *
 * Prints the total, every finding (severity and rule id; docs/FINDINGS.md says what each means),
 * the patient copayment of the month and of each day when the claim gives the insurance, and with
 * --json the whole result (santei.result/1, where the findings carry their message, path and
 * citation). Exit code: 0 every line billed, 1 a line was not billed (an error finding) or the
 * claim was refused, 2 usage or masters error.
 *
 * Build (see the README, "From C/C++"):
 *   cargo build --release -p santei-ffi
 *   cc -std=c99 -Iffi/include ffi/examples/calc.c -Ltarget/release -lsantei \
 *      -Wl,-rpath,$PWD/target/release -o calc
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "santei.h"

static const char *severity_name(SanteiSeverity s) {
    switch (s) {
    case SANTEI_SEVERITY_ERROR:
        return "error";
    case SANTEI_SEVERITY_WARNING:
        return "warning";
    default:
        return "info";
    }
}

/* The findings: one line each, and how many are errors (a line not billed). */
static size_t print_findings(const SanteiResult *result) {
    size_t count = 0, errors = 0, i;
    santei_result_finding_count(result, &count);
    santei_result_findings_with_severity(result, SANTEI_SEVERITY_ERROR, &errors);
    for (i = 0; i < count; i++) {
        SanteiSeverity severity;
        const char *rule;
        if (santei_result_finding(result, i, &severity, &rule) == SANTEI_STATUS_OK) {
            printf("finding  %-7s  %s\n", severity_name(severity), rule);
        }
    }
    return errors;
}

/* The copayment: the 窓口 amount of each day and of the month, and what the patient owes. */
static void print_copay(const SanteiResult *result) {
    int64_t window, patient, cost;
    size_t days = 0, i;
    SanteiStatus status = santei_result_copay(result, SANTEI_COPAY_WINDOW_YEN, &window);
    if (status == SANTEI_STATUS_RESULT_NO_COPAY) {
        printf("copay    none (the claim gives no insurance, or the findings say why)\n");
        return;
    }
    if (status != SANTEI_STATUS_OK) {
        printf("copay    unavailable (%s)\n", santei_status_name(status));
        return;
    }
    santei_result_copay(result, SANTEI_COPAY_MEDICAL_COST_YEN, &cost);
    santei_result_copay(result, SANTEI_COPAY_PATIENT_YEN, &patient);
    santei_result_copay_visit_count(result, &days);
    for (i = 0; i < days; i++) {
        uint32_t date;
        int64_t yen;
        if (santei_result_copay_visit(result, i, SANTEI_COPAY_WINDOW_YEN, &date, &yen) ==
            SANTEI_STATUS_OK) {
            printf("copay    %04u-%02u-%02u  window %lld yen\n", (unsigned)(date / 10000),
                   (unsigned)(date / 100 % 100), (unsigned)(date % 100), (long long)yen);
        }
    }
    printf("copay    month  medical cost %lld yen, patient %lld yen, window %lld yen\n",
           (long long)cost, (long long)patient, (long long)window);
}

int main(int argc, char **argv) {
    SanteiEngine *engine = NULL;
    SanteiResult *result = NULL;
    SanteiError *error = NULL;
    SanteiStatus status;
    static char claim[1 << 20];
    static SanteiMastersFolder folders[16];
    size_t claim_len, errors, n_folders = 0;
    int64_t total;
    const char *json;
    size_t json_len;
    int with_json = argc > 1 && strcmp(argv[1], "--json") == 0;
    int first = with_json ? 2 : 1, demo, i;
    const char *claim_path = argv[argc - 1];
    FILE *f;

    if (argc - first < 2 || argc - first - 1 > 16) {
        fprintf(stderr, "usage: calc [--json] --demo|MASTERS_DIR... CLAIM.json\n");
        return 2;
    }
    demo = strcmp(argv[first], "--demo") == 0;
    f = fopen(claim_path, "rb");
    if (f == NULL) {
        perror(claim_path);
        return 2;
    }
    claim_len = fread(claim, 1, sizeof claim, f);
    fclose(f);
    if (claim_len == sizeof claim) {
        fprintf(stderr, "%s: larger than %zu bytes, too large for this example\n", claim_path,
                sizeof claim - 1);
        return 2;
    }

    /* 1. Load the masters once (0.1–0.3 s per revision); share the engine with every thread. */
    if (demo) {
        status = santei_engine_new_demo(&engine, &error);
    } else {
        for (i = first; i < argc - 1; i++) {
            folders[n_folders].dir = argv[i];
            folders[n_folders].dir_len = strlen(argv[i]);
            n_folders++;
        }
        status = santei_engine_load_folders(folders, n_folders, &engine, &error);
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

    /* 3. Read the total, the findings and the copayment without parsing JSON. */
    santei_result_total_points(result, &total);
    printf("total_points %lld\n", (long long)total);
    errors = print_findings(result);
    print_copay(result);
    if (with_json) {
        santei_result_json(result, &json, &json_len);
        printf("%.*s\n", (int)json_len, json);
    }
    if (errors > 0) {
        fprintf(stderr, "santei: %zu line(s) not billed (error findings; the JSON says why)\n",
                errors);
    }

    santei_result_free(result);
    santei_engine_free(engine);
    return errors > 0 ? 1 : 0;
}
