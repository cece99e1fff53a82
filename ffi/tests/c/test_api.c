/* The C API on the demo data and the official r06 masters: claims computed and read without JSON
 * (totals, sections, 点数欄, days, findings, copayment), bad input giving a code, a message and a
 * position, NULL arguments giving a status, reference counting, and a deliberate panic coming
 * back as SANTEI_STATUS_PANIC.
 *
 * Usage: test_api MASTERS_DIR   (the folder holding r06/, r04/, updates/ of ../shared/masters) */
#include <stdint.h>
#include <string.h>

#include "santei.h"
#include "check.h"

/* 再診料 75 + 外来管理加算 52 (derived) = 127点 (告示 A001, A001 注8). */
static const char SAISHIN[] =
    "{\"format\":\"santei.claim/1\",\"patient\":{\"birth_date\":\"1980-01-01\",\"sex\":\"female\"},"
    "\"visits\":[{\"date\":\"2024-06-03\",\"items\":[{\"type\":\"procedure\",\"code\":\"112007410\"}]}]}";

/* examples/claim.json: a child of 3 (未就学, 2割) insured by 国保, two visits in June 2024. */
static const char CHILD[] =
    "{\"format\":\"santei.claim/1\",\"patient\":{\"birth_date\":\"2021-03-15\",\"sex\":\"female\"},"
    "\"insurance\":{\"scheme\":\"kokuho\",\"relation\":\"dependent\"},"
    "\"facility\":{\"kind\":\"clinic\",\"beds\":0},\"visits\":["
    "{\"date\":\"2024-06-03\",\"time\":\"regular\",\"items\":["
    "{\"type\":\"procedure\",\"code\":\"111000110\"},{\"type\":\"procedure\",\"code\":\"160008010\"},"
    "{\"type\":\"procedure\",\"code\":\"160095710\"},{\"type\":\"procedure\",\"code\":\"120002910\"}]},"
    "{\"date\":\"2024-06-10\",\"time\":\"overtime\",\"items\":["
    "{\"type\":\"procedure\",\"code\":\"112007410\"},{\"type\":\"procedure\",\"code\":\"120001210\"},"
    "{\"type\":\"procedure\",\"code\":\"120000710\"},{\"type\":\"rx\",\"form\":\"internal\",\"days\":5,"
    "\"drugs\":[{\"code\":\"620002023\",\"amount\":\"3\"}]}]}]}";

static SanteiResult *calc(const SanteiEngine *engine, const char *json) {
    SanteiResult *result = NULL;
    SanteiError *error = NULL;
    SanteiStatus st = santei_engine_calculate(engine, json, strlen(json), &result, &error);
    if (st != SANTEI_STATUS_OK) {
        fprintf(stderr, "calculate failed: %u %s\n", (unsigned)st, santei_error_message(error));
        santei_error_free(error);
        return NULL;
    }
    CHECK(error == NULL);
    return result;
}

/* Computes `json`, expects the status `want`, checks the error and returns it for more checks. */
static SanteiError *calc_error(const SanteiEngine *engine, const char *json, size_t len,
                               SanteiStatus want) {
    int sentinel = 0;
    SanteiResult *result = (SanteiResult *)&sentinel; /* must stay untouched on failure */
    SanteiError *error = NULL;
    CHECK_STATUS(santei_engine_calculate(engine, json, len, &result, &error), want);
    CHECK(result == (SanteiResult *)&sentinel);
    CHECK(error != NULL);
    if (error != NULL) {
        CHECK(santei_error_code(error) == want);
        CHECK(santei_error_message(error) != NULL && strlen(santei_error_message(error)) > 0);
        CHECK(santei_error_path(error) != NULL);
    }
    return error;
}

static void test_version_and_names(void) {
    const char *v = santei_version();
    CHECK(v != NULL && strchr(v, '.') != NULL);
    CHECK(strcmp(santei_status_name(SANTEI_STATUS_OK), "ok") == 0);
    CHECK(strcmp(santei_status_name(SANTEI_STATUS_NULL_ARGUMENT), "argument.null") == 0);
    CHECK(strcmp(santei_status_name(SANTEI_STATUS_CLAIM_JSON), "claim.json") == 0);
    CHECK(strcmp(santei_status_name(SANTEI_STATUS_MASTERS_DATA), "masters.data") == 0);
    CHECK(strcmp(santei_status_name(SANTEI_STATUS_PANIC), "panic") == 0);
    CHECK(santei_status_name(12345) == NULL);
}

/* Reads a 127点 再診 result through every accessor. */
static void check_saishin(const SanteiResult *r) {
    int64_t total = -1, points = -1;
    size_t n = 99, i, len = 0;
    uint16_t code = 0;
    uint32_t date = 0;
    const char *text = NULL;
    int saw_120 = 0, saw_122 = 0;

    CHECK_STATUS(santei_result_total_points(r, &total), SANTEI_STATUS_OK);
    CHECK(total == 127);
    CHECK_STATUS(santei_result_revision(r, &text), SANTEI_STATUS_OK);
    CHECK(text != NULL && strcmp(text, "r2024-06") == 0);
    CHECK_STATUS(santei_result_line_count(r, &n), SANTEI_STATUS_OK);
    CHECK(n == 2);

    CHECK_STATUS(santei_result_section_count(r, &n), SANTEI_STATUS_OK);
    CHECK(n == 1);
    CHECK_STATUS(santei_result_section(r, 0, &code, &points), SANTEI_STATUS_OK);
    CHECK(code == 12 && points == 127); /* 診療識別 12 再診 */

    CHECK_STATUS(santei_result_aggregation_count(r, &n), SANTEI_STATUS_OK);
    for (i = 0; i < n; i++) {
        CHECK_STATUS(santei_result_aggregation(r, i, &code, &points), SANTEI_STATUS_OK);
        if (code == 120) saw_120 = points == 75;
        if (code == 122) saw_122 = points == 52;
    }
    CHECK(saw_120 && saw_122); /* 点数欄 再診 75, 外来管理加算 52 */

    CHECK_STATUS(santei_result_day_count(r, &n), SANTEI_STATUS_OK);
    CHECK(n == 1);
    CHECK_STATUS(santei_result_day(r, 0, &date, &points), SANTEI_STATUS_OK);
    CHECK(date == 20240603 && points == 127);

    CHECK_STATUS(santei_result_findings_with_severity(r, SANTEI_SEVERITY_ERROR, &n),
                 SANTEI_STATUS_OK);
    CHECK(n == 0);

    CHECK_STATUS(santei_result_json(r, &text, &len), SANTEI_STATUS_OK);
    CHECK(text != NULL && len > 0 && strlen(text) == len);
    CHECK(strncmp(text, "{\"format\":\"santei.result/1\"", 27) == 0);
    CHECK(strstr(text, "\"total_points\":127") != NULL);
    {
        const char *again = NULL;
        size_t len2 = 0;
        CHECK_STATUS(santei_result_json(r, &again, &len2), SANTEI_STATUS_OK);
        CHECK(again == text && len2 == len); /* built once, same pointer */
    }
}

/* santei_engine_calculate_with: without SANTEI_CALC_EXPLAIN the same points and no `explain`;
 * with it, the JSON of santei_engine_calculate; an unknown flag is an invalid argument. */
static void test_calculate_with(const SanteiEngine *engine) {
    SanteiResult *lean = NULL, *full = NULL, *plain = NULL;
    SanteiError *e = NULL;
    const char *a = NULL, *b = NULL, *c = NULL;
    size_t la = 0, lb = 0, lc = 0;
    int64_t pa = 0, pb = 0;
    CHECK_STATUS(santei_engine_calculate_with(engine, SAISHIN, strlen(SAISHIN), 0, &lean, NULL),
                 SANTEI_STATUS_OK);
    CHECK_STATUS(santei_engine_calculate_with(engine, SAISHIN, strlen(SAISHIN), SANTEI_CALC_EXPLAIN,
                                              &full, NULL),
                 SANTEI_STATUS_OK);
    plain = calc(engine, SAISHIN);
    if (lean == NULL || full == NULL || plain == NULL) {
        CHECK(0);
        return;
    }
    CHECK_STATUS(santei_result_total_points(lean, &pa), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_result_total_points(full, &pb), SANTEI_STATUS_OK);
    CHECK(pa == 127 && pb == 127);
    CHECK_STATUS(santei_result_json(lean, &a, &la), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_result_json(full, &b, &lb), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_result_json(plain, &c, &lc), SANTEI_STATUS_OK);
    CHECK(strstr(a, "\"explain\"") == NULL);
    CHECK(strstr(b, "\"explain\"") != NULL);
    CHECK(lb == lc && memcmp(b, c, lb) == 0);
    CHECK(la < lb);
    CHECK_STATUS(santei_engine_calculate_with(engine, SAISHIN, strlen(SAISHIN), 8, &lean, &e),
                 SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK(e != NULL && strstr(santei_error_message(e), "SANTEI_CALC_EXPLAIN") != NULL);
    santei_error_free(e);
    santei_result_free(plain);
    santei_result_free(full);
    santei_result_free(lean);
}

static void test_demo(void) {
    SanteiEngine *engine = NULL;
    SanteiResult *r;
    CHECK_STATUS(santei_engine_new_demo(&engine, NULL), SANTEI_STATUS_OK);
    REQUIRE(engine != NULL, "no demo engine");
    r = calc(engine, SAISHIN);
    CHECK(r != NULL);
    if (r != NULL) check_saishin(r);
    santei_result_free(r);
    santei_engine_free(engine);
}

static void test_findings(const SanteiEngine *engine) {
    /* An unknown code is a finding (MST-001.unknown-code, error), not a failed call. */
    static const char claim[] =
        "{\"format\":\"santei.claim/1\",\"patient\":{\"birth_date\":\"1980-01-01\",\"sex\":\"male\"},"
        "\"visits\":[{\"date\":\"2024-06-03\",\"items\":[{\"type\":\"procedure\",\"code\":\"112007410\"},"
        "{\"type\":\"procedure\",\"code\":\"199999999\"}]}]}";
    SanteiResult *r = calc(engine, claim);
    size_t n = 0, errors = 0, i;
    SanteiSeverity sev = 0;
    const char *rule = NULL;
    int found = 0;
    CHECK(r != NULL);
    if (r == NULL) return;
    CHECK_STATUS(santei_result_finding_count(r, &n), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_result_findings_with_severity(r, SANTEI_SEVERITY_ERROR, &errors),
                 SANTEI_STATUS_OK);
    CHECK(n >= 1 && errors >= 1);
    for (i = 0; i < n; i++) {
        CHECK_STATUS(santei_result_finding(r, i, &sev, &rule), SANTEI_STATUS_OK);
        if (strcmp(rule, "MST-001.unknown-code") == 0 && sev == SANTEI_SEVERITY_ERROR) found = 1;
    }
    CHECK(found);
    CHECK_STATUS(santei_result_finding(r, n, &sev, &rule), SANTEI_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(santei_result_findings_with_severity(r, 7, &n), SANTEI_STATUS_INVALID_ARGUMENT);
    santei_result_free(r);
}

static void test_copay(const SanteiEngine *engine) {
    SanteiResult *r = calc(engine, CHILD);
    SanteiResult *none = calc(engine, SAISHIN);
    int64_t total = 0, medical = 0, before = 0, window = 0, yen = 0, windows = 0;
    uint32_t date = 0;
    size_t n = 0, i;
    CHECK(r != NULL && none != NULL);
    if (r == NULL || none == NULL) return;
    CHECK_STATUS(santei_result_total_points(r, &total), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_result_copay(r, SANTEI_COPAY_MEDICAL_COST_YEN, &medical), SANTEI_STATUS_OK);
    CHECK(medical == total * 10); /* 医療費 = 点数 × 10円 */
    CHECK_STATUS(santei_result_copay(r, SANTEI_COPAY_BEFORE_LIMIT_YEN, &before), SANTEI_STATUS_OK);
    CHECK(before == medical / 5); /* 未就学: 2割 */
    CHECK_STATUS(santei_result_copay(r, SANTEI_COPAY_WINDOW_YEN, &window), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_result_copay_visit_count(r, &n), SANTEI_STATUS_OK);
    CHECK(n == 2);
    for (i = 0; i < n; i++) {
        CHECK_STATUS(santei_result_copay_visit(r, i, SANTEI_COPAY_WINDOW_YEN, &date, &yen),
                     SANTEI_STATUS_OK);
        CHECK(yen % 10 == 0); /* 窓口: 10円未満四捨五入 */
        windows += yen;
    }
    CHECK(date == 20240610);
    CHECK(window == windows); /* the month's 窓口 is the sum of the days' */
    CHECK_STATUS(santei_result_copay(r, 99, &yen), SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(santei_result_copay_visit(r, 0, SANTEI_COPAY_INSURER_YEN, &date, &yen),
                 SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(santei_result_copay_visit(r, 2, SANTEI_COPAY_WINDOW_YEN, &date, &yen),
                 SANTEI_STATUS_INDEX_OUT_OF_RANGE);
    /* No insurance in the claim: points, but no copayment. */
    yen = -7;
    CHECK_STATUS(santei_result_copay(none, SANTEI_COPAY_PATIENT_YEN, &yen),
                 SANTEI_STATUS_RESULT_NO_COPAY);
    CHECK(yen == -7);
    CHECK_STATUS(santei_result_copay_visit_count(none, &n), SANTEI_STATUS_RESULT_NO_COPAY);
    CHECK(strcmp(santei_status_name(SANTEI_STATUS_RESULT_NO_COPAY), "result.no_copay") == 0);
    santei_result_free(r);
    santei_result_free(none);
}

static void test_bad_claims(const SanteiEngine *engine) {
    SanteiError *e;
    static const char truncated[] = "{\"format\":\"santei.claim/1\",\n \"patient\": {";
    static const char unknown_field[] =
        "{\"format\":\"santei.claim/1\",\"patient\":{\"birth_date\":\"1980-01-01\",\"sex\":\"female\"},"
        "\"visits\":[{\"date\":\"2024-06-03\",\"items\":[{\"type\":\"procedure\",\"code\":\"112007410\","
        "\"colour\":\"red\"}]}]}";
    static const char two_months[] =
        "{\"format\":\"santei.claim/1\",\"patient\":{\"birth_date\":\"1980-01-01\",\"sex\":\"female\"},"
        "\"visits\":[{\"date\":\"2024-06-03\",\"items\":[]},{\"date\":\"2024-07-01\",\"items\":[]}]}";
    static const char other_format[] =
        "{\"format\":\"santei.claim/9\",\"patient\":{\"birth_date\":\"1980-01-01\",\"sex\":\"female\"},"
        "\"visits\":[{\"date\":\"2024-06-03\",\"items\":[]}]}";
    static const char no_masters[] =
        "{\"format\":\"santei.claim/1\",\"patient\":{\"birth_date\":\"1980-01-01\",\"sex\":\"female\"},"
        "\"visits\":[{\"date\":\"2019-06-03\",\"items\":[]}]}";
    static const char not_utf8[] = "{\"format\":\"santei.claim/1\xff\"}";

    e = calc_error(engine, truncated, strlen(truncated), SANTEI_STATUS_CLAIM_JSON);
    CHECK(santei_error_line(e) == 2 && santei_error_column(e) > 0);
    santei_error_free(e);

    e = calc_error(engine, unknown_field, strlen(unknown_field), SANTEI_STATUS_CLAIM_VALUE);
    CHECK(strncmp(santei_error_path(e), "visits[0].items[0]", 18) == 0);
    CHECK(strstr(santei_error_message(e), "colour") != NULL);
    santei_error_free(e);

    e = calc_error(engine, two_months, strlen(two_months), SANTEI_STATUS_CLAIM_MONTH);
    CHECK(strcmp(santei_error_path(e), "visits[1].date") == 0);
    santei_error_free(e);

    e = calc_error(engine, other_format, strlen(other_format), SANTEI_STATUS_CLAIM_FORMAT);
    santei_error_free(e);

    e = calc_error(engine, no_masters, strlen(no_masters), SANTEI_STATUS_CLAIM_REVISION);
    santei_error_free(e);

    e = calc_error(engine, not_utf8, strlen(not_utf8), SANTEI_STATUS_INVALID_UTF8);
    CHECK(strstr(santei_error_message(e), "byte 25") != NULL);
    santei_error_free(e);

    /* (pointer, length): the length decides, not a NUL; here the document is cut short. */
    e = calc_error(engine, SAISHIN, 10, SANTEI_STATUS_CLAIM_JSON);
    santei_error_free(e);

    /* error_out is optional. */
    {
        SanteiResult *r = NULL;
        CHECK_STATUS(santei_engine_calculate(engine, truncated, strlen(truncated), &r, NULL),
                     SANTEI_STATUS_CLAIM_JSON);
        CHECK(r == NULL);
    }
}

static void test_bad_masters(const char *masters) {
    SanteiEngine *engine = NULL;
    SanteiError *e = NULL;
    char path[4096];
    SanteiMastersFolder folder;

    snprintf(path, sizeof path, "%s/no-such-folder", masters);
    CHECK_STATUS(santei_engine_load(path, strlen(path), &engine, &e),
                 SANTEI_STATUS_MASTERS_NOT_A_DIRECTORY);
    CHECK(engine == NULL && e != NULL);
    CHECK(strstr(santei_error_path(e), "no-such-folder") != NULL);
    santei_error_free(e);
    e = NULL;

    /* updates/ holds change files only: the 医科診療行為 complete file is missing. */
    snprintf(path, sizeof path, "%s/updates", masters);
    CHECK_STATUS(santei_engine_load(path, strlen(path), &engine, &e),
                 SANTEI_STATUS_MASTERS_MISSING_REQUIRED);
    CHECK(engine == NULL && e != NULL);
    CHECK(strstr(santei_error_message(e), "download") != NULL);
    santei_error_free(e);
    e = NULL;

    CHECK_STATUS(santei_engine_load("\xff", 1, &engine, &e), SANTEI_STATUS_INVALID_UTF8);
    santei_error_free(e);
    e = NULL;

    folder.dir = path;
    folder.dir_len = strlen(path);
    folder.updates = NULL;
    folder.updates_len = 0;
    folder.etensu = NULL;
    folder.etensu_len = 0;
    CHECK_STATUS(santei_engine_load_folders(&folder, 0, &engine, &e),
                 SANTEI_STATUS_INVALID_ARGUMENT);
    santei_error_free(e);
    CHECK(engine == NULL);
}

static void test_null_arguments(const SanteiEngine *engine, const SanteiResult *r) {
    SanteiResult *result = NULL;
    SanteiEngine *other = NULL;
    SanteiError *e = NULL;
    int64_t points = 0;
    size_t n = 0;
    uint16_t code = 0;
    const char *text = NULL;

    CHECK_STATUS(santei_engine_calculate(NULL, SAISHIN, strlen(SAISHIN), &result, &e),
                 SANTEI_STATUS_NULL_ARGUMENT);
    CHECK(e != NULL && strstr(santei_error_message(e), "`engine`") != NULL);
    santei_error_free(e);
    e = NULL;
    CHECK_STATUS(santei_engine_calculate(engine, NULL, 10, &result, NULL),
                 SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_engine_calculate(engine, SAISHIN, strlen(SAISHIN), NULL, NULL),
                 SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_engine_calculate(engine, SAISHIN, SIZE_MAX, &result, NULL),
                 SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK(result == NULL);
    CHECK_STATUS(santei_engine_load(NULL, 0, &other, NULL), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_engine_load("x", 1, NULL, NULL), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_engine_load_folders(NULL, 1, &other, NULL), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_engine_new_demo(NULL, NULL), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_engine_clone(NULL, &other), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_engine_clone(engine, NULL), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK(other == NULL);

    CHECK_STATUS(santei_result_total_points(NULL, &points), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_result_total_points(r, NULL), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_result_json(r, &text, NULL), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK(text == NULL); /* outputs only on success: not even the first one */
    CHECK_STATUS(santei_result_json(NULL, &text, &n), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_result_line_count(NULL, &n), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_result_section(r, 0, NULL, &points), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_result_section(r, 99, &code, &points), SANTEI_STATUS_INDEX_OUT_OF_RANGE);
    CHECK_STATUS(santei_result_finding_count(NULL, &n), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_result_revision(r, NULL), SANTEI_STATUS_NULL_ARGUMENT);

    CHECK(santei_error_code(NULL) == SANTEI_STATUS_NULL_ARGUMENT);
    CHECK(santei_error_message(NULL) == NULL);
    CHECK(santei_error_path(NULL) == NULL);
    CHECK(santei_error_line(NULL) == 0 && santei_error_column(NULL) == 0);
    santei_error_free(NULL);
    santei_result_free(NULL);
    santei_engine_free(NULL);
}

static void test_reference_counting(SanteiEngine *engine) {
    SanteiEngine *second = NULL;
    SanteiResult *r;
    CHECK_STATUS(santei_engine_clone(engine, &second), SANTEI_STATUS_OK);
    CHECK(second == engine);
    santei_engine_free(engine); /* the first owner lets go; `second` keeps the masters */
    r = calc(second, SAISHIN);
    CHECK(r != NULL);
    santei_engine_free(second); /* the last reference: masters freed */
    if (r != NULL) check_saishin(r); /* a result outlives its engine */
    santei_result_free(r);
}

static void test_panic(const SanteiEngine *engine) {
    SanteiError *e = NULL;
    SanteiResult *r;
    CHECK_STATUS(santei_test_panic(&e), SANTEI_STATUS_PANIC);
    CHECK(e != NULL && santei_error_code(e) == SANTEI_STATUS_PANIC);
    CHECK(e != NULL && strstr(santei_error_message(e), "deliberate panic") != NULL);
    santei_error_free(e);
    CHECK_STATUS(santei_test_panic(NULL), SANTEI_STATUS_PANIC);
    /* The process and the engine go on. */
    r = calc(engine, SAISHIN);
    CHECK(r != NULL);
    santei_result_free(r);
}

int main(int argc, char **argv) {
    char r06[4096];
    SanteiEngine *engine = NULL;
    SanteiError *e = NULL;
    SanteiResult *r;
    SanteiStatus st;

    REQUIRE(argc == 2, "usage: test_api MASTERS_DIR (../shared/masters)");
    snprintf(r06, sizeof r06, "%s/r06", argv[1]);

    test_version_and_names();
    test_demo();

    st = santei_engine_load(r06, strlen(r06), &engine, &e);
    REQUIRE(st == SANTEI_STATUS_OK, "cannot load the official r06 masters from `%s` (%u): %s", r06,
            (unsigned)st, santei_error_message(e));
    r = calc(engine, SAISHIN);
    REQUIRE(r != NULL, "the 再診 claim failed on r06");
    check_saishin(r);

    test_calculate_with(engine);
    test_findings(engine);
    test_copay(engine);
    test_bad_claims(engine);
    test_bad_masters(argv[1]);
    test_null_arguments(engine, r);
    test_panic(engine);
    santei_result_free(r);
    test_reference_counting(engine); /* frees the engine */

    return check_summary("test_api");
}
