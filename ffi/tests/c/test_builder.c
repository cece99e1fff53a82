/* SanteiEngineBuilder: every setting `santei calc` has, and their effect. On the official r06
 * masters with the change files and the 医科電子点数表, the golden claim tazai_7shurui_gen (7種類
 * の内服薬 in 2 剤, F200 注3 90/100) gives 1351点 with the default rounding per 処方 (−132) and
 * 1352点 per 剤 (−131); a rules folder whose rule drops 調剤料 (11点) takes 11 more off. Errors
 * name the folder at fault; NULL arguments give a status. The copayment settings and 地方単独
 * 公費 schemes (demo data): a 74歳 claim at 2割 without 所得区分 has no copayment by default
 * (CPY-502) and 250円 at the 窓口 with SANTEI_MISSING_OVER70_CLASS_FROM_RATE; a 法別88 公費 is
 * unknown (CPY-506) until its scheme is given.
 *
 * Usage: test_builder MASTERS_DIR ETENSU_DIR RULES_DIR
 *        (../shared/masters, ../shared/etensu/r06, ffi/tests/rules) */
#include <stdint.h>
#include <string.h>

#include "santei.h"
#include "check.h"

static const char SEVEN_KINDS[] =
    "{\"format\":\"santei.claim/1\",\"patient\":{\"birth_date\":\"1950-05-10\",\"sex\":\"male\"},"
    "\"facility\":{\"kind\":\"clinic\"},"
    "\"visits\":[{\"date\":\"2024-07-08\",\"items\":["
    "{\"type\":\"procedure\",\"code\":\"112007410\"},{\"type\":\"procedure\",\"code\":\"120000710\"},"
    "{\"type\":\"procedure\",\"code\":\"120002610\"},"
    "{\"type\":\"rx\",\"form\":\"internal\",\"days\":28,\"drugs\":["
    "{\"code\":\"620005905\",\"amount\":\"1\"},{\"code\":\"620002430\",\"amount\":\"1\"},"
    "{\"code\":\"610443014\",\"amount\":\"1\"},{\"code\":\"610443053\",\"amount\":\"1\"},"
    "{\"code\":\"622404501\",\"amount\":\"1\"}]},"
    "{\"type\":\"rx\",\"form\":\"internal\",\"days\":28,\"drugs\":["
    "{\"code\":\"621980701\",\"amount\":\"2\"},{\"code\":\"622538301\",\"amount\":\"2\"}]}]}]}";

static char path_buf[4][4096];

static const char *join(int slot, const char *a, const char *b) {
    snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", a, b);
    return path_buf[slot];
}

/* Builds, computes SEVEN_KINDS, returns its total points (-1 on failure) and whether the JSON
 * names `needle` (NULL: not checked). */
static int64_t total_of(const SanteiEngineBuilder *b, const char *needle, int *found) {
    SanteiEngine *engine = NULL;
    SanteiError *error = NULL;
    SanteiResult *result = NULL;
    int64_t points = -1;
    SanteiStatus st = santei_builder_build(b, &engine, &error);
    if (st != SANTEI_STATUS_OK) {
        fprintf(stderr, "build failed: %u %s\n", (unsigned)st, santei_error_message(error));
        santei_error_free(error);
        return -1;
    }
    CHECK_STATUS(santei_engine_calculate(engine, SEVEN_KINDS, strlen(SEVEN_KINDS), &result, NULL),
                 SANTEI_STATUS_OK);
    if (result != NULL) {
        CHECK_STATUS(santei_result_total_points(result, &points), SANTEI_STATUS_OK);
        if (needle != NULL && found != NULL) {
            const char *json = NULL;
            size_t len = 0;
            CHECK_STATUS(santei_result_json(result, &json, &len), SANTEI_STATUS_OK);
            *found = json != NULL && strstr(json, needle) != NULL;
        }
        santei_result_free(result);
    }
    santei_engine_free(engine);
    return points;
}

static void test_settings(const char *masters, const char *etensu, const char *rules) {
    SanteiEngineBuilder *b = NULL;
    SanteiError *e = NULL;
    const char *r06 = join(0, masters, "r06");
    const char *updates = join(1, masters, "updates");
    int found = 0;

    CHECK_STATUS(santei_builder_new(&b), SANTEI_STATUS_OK);
    REQUIRE(b != NULL, "santei_builder_new");
    CHECK_STATUS(santei_builder_add_masters(b, r06, strlen(r06), updates, strlen(updates), etensu,
                                            strlen(etensu), &e),
                 SANTEI_STATUS_OK);
    CHECK(e == NULL);
    /* 処方単位 (the default): 1316 × 0.9 = 1184.4 → 1184, −132. */
    CHECK(total_of(b, NULL, NULL) == 1351);

    /* 剤単位: 644 → 580 and 672 → 605, −131. The builder is not consumed: build again. */
    CHECK_STATUS(santei_builder_polypharmacy_rounding(b, SANTEI_POLYPHARMACY_ROUNDING_RX, &e),
                 SANTEI_STATUS_OK);
    CHECK(total_of(b, NULL, NULL) == 1352);

    /* A rules folder: its rule drops 調剤料 (11点) and is named in the result. */
    CHECK_STATUS(santei_builder_rules_dir(b, rules, strlen(rules), &e), SANTEI_STATUS_OK);
    CHECK(total_of(b, "F000.builder-test", &found) == 1341);
    CHECK(found);

    /* Back to 処方単位, without santei's bundled rules (the user rule stays). */
    CHECK_STATUS(
        santei_builder_polypharmacy_rounding(b, SANTEI_POLYPHARMACY_ROUNDING_PRESCRIPTION, &e),
        SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_without_bundled_rules(b), SANTEI_STATUS_OK);
    CHECK(total_of(b, NULL, NULL) == 1340);

    /* Unknown numbers are refused and leave the builder as it was. */
    CHECK_STATUS(santei_builder_polypharmacy_rounding(b, 7, &e), SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK(e != NULL && strstr(santei_error_message(e), "SANTEI_POLYPHARMACY_ROUNDING_") != NULL);
    santei_error_free(e);
    e = NULL;
    CHECK_STATUS(santei_builder_encoding(b, 9, NULL), SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK(total_of(b, NULL, NULL) == 1340);
    santei_builder_free(b);
}

static void test_revisions_demo_and_excerpt(const char *masters, const char *etensu) {
    SanteiEngineBuilder *b = NULL;
    SanteiEngine *engine = NULL;
    SanteiError *e = NULL;
    const char *r04 = join(0, masters, "r04");
    const char *excerpt = join(1, masters, "r08-excerpt");
    const char *r06 = join(2, masters, "r06");
    const char *updates = join(3, masters, "updates");

    /* Two revisions, one change-files folder for both, the 電子点数表 for r06 by name. */
    CHECK_STATUS(santei_builder_new(&b), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_add_masters(b, r04, strlen(r04), NULL, 0, NULL, 0, NULL),
                 SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_add_masters(b, r06, strlen(r06), NULL, 0, NULL, 0, NULL),
                 SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_updates(b, updates, strlen(updates), NULL), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_etensu(b, "r06", 3, etensu, strlen(etensu), NULL),
                 SANTEI_STATUS_OK);
    CHECK(total_of(b, NULL, NULL) == 1351);
    /* Without its revision, the 電子点数表 is ambiguous over r04 and r06. */
    CHECK_STATUS(santei_builder_etensu(b, NULL, 0, etensu, strlen(etensu), NULL),
                 SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_build(b, &engine, &e), SANTEI_STATUS_MASTERS_ETENSU_AMBIGUOUS);
    CHECK(engine == NULL && e != NULL);
    CHECK(strcmp(santei_error_path(e), etensu) == 0);
    CHECK(strstr(santei_error_message(e), "r2022-04, r2024-06") != NULL);
    santei_error_free(e);
    e = NULL;
    CHECK_STATUS(santei_builder_etensu(b, "r99", 3, etensu, strlen(etensu), &e),
                 SANTEI_STATUS_INVALID_ARGUMENT);
    santei_error_free(e);
    e = NULL;
    santei_builder_free(b);

    /* The demo data, and a revision that is not loaded. */
    CHECK_STATUS(santei_builder_new(&b), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_demo(b), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_build(b, &engine, NULL), SANTEI_STATUS_OK);
    santei_engine_free(engine);
    engine = NULL;
    CHECK_STATUS(santei_builder_revision(b, "r04", 3, NULL), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_build(b, &engine, &e), SANTEI_STATUS_MASTERS_REVISION_NOT_LOADED);
    CHECK(engine == NULL);
    CHECK(e != NULL && strstr(santei_error_message(e), "r2022-04 is not loaded") != NULL);
    santei_error_free(e);
    e = NULL;
    santei_builder_free(b);

    /* An excerpt with the prefixes it holds completely. */
    CHECK_STATUS(santei_builder_new(&b), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_add_masters(b, excerpt, strlen(excerpt), NULL, 0, NULL, 0, NULL),
                 SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_complete_prefixes(b, "111,112,113,120,130", 19, NULL),
                 SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_complete_prefixes(b, "11x", 3, &e),
                 SANTEI_STATUS_INVALID_ARGUMENT);
    santei_error_free(e);
    e = NULL;
    CHECK_STATUS(santei_builder_encoding(b, SANTEI_ENCODING_CP932, NULL), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_build(b, &engine, NULL), SANTEI_STATUS_OK);
    santei_engine_free(engine);
    santei_builder_free(b);
}

static const char OVER70_NO_CLASS[] =
    "{\"format\":\"santei.claim/1\",\"patient\":{\"birth_date\":\"1950-01-01\",\"sex\":\"male\"},"
    "\"insurance\":{\"scheme\":\"kokuho\",\"burden_percent\":20},"
    "\"visits\":[{\"date\":\"2024-06-03\",\"items\":[{\"type\":\"procedure\",\"code\":\"112007410\"}]}]}";

static const char LOCAL_FUND[] =
    "{\"format\":\"santei.claim/1\",\"patient\":{\"birth_date\":\"2016-01-10\",\"sex\":\"male\"},"
    "\"insurance\":{\"scheme\":\"kokuho\",\"income_class\":\"ウ\",\"public_funds\":["
    "{\"law_number\":\"88\",\"payer_number\":\"88130158\",\"recipient_number\":\"1234566\"}]},"
    "\"visits\":[{\"date\":\"2024-06-03\",\"items\":[{\"type\":\"procedure\",\"code\":\"112007410\"}]}]}";

static const char SCHEMES[] =
    "[{\"law_number\":\"88\",\"payer_prefix\":\"8813\",\"name\":\"子ども医療費助成\","
    "\"patient_percent\":0}]";

/* Builds, computes `claim`, and returns the 窓口 amount (-1: no copayment, -2: a failure). */
static int64_t window_of(const SanteiEngineBuilder *b, const char *claim) {
    SanteiEngine *engine = NULL;
    SanteiResult *result = NULL;
    int64_t yen = -2;
    SanteiStatus st = santei_builder_build(b, &engine, NULL);
    if (st != SANTEI_STATUS_OK) {
        return -2;
    }
    CHECK_STATUS(santei_engine_calculate(engine, claim, strlen(claim), &result, NULL),
                 SANTEI_STATUS_OK);
    if (result != NULL) {
        st = santei_result_copay(result, SANTEI_COPAY_WINDOW_YEN, &yen);
        if (st == SANTEI_STATUS_RESULT_NO_COPAY) {
            yen = -1;
        }
        santei_result_free(result);
    }
    santei_engine_free(engine);
    return yen;
}

static void test_copay_settings(void) {
    SanteiEngineBuilder *b = NULL;
    SanteiEngine *engine = NULL;
    SanteiError *e = NULL;
    static const char bad[] = "[\n  {\"law_number\": 88}\n]";

    CHECK_STATUS(santei_builder_new(&b), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_demo(b), SANTEI_STATUS_OK);
    /* Refused by default (CPY-502), 1,270円 × 2割 = 254 → 250 when the 区分 comes from the rate. */
    CHECK(window_of(b, OVER70_NO_CLASS) == -1);
    CHECK_STATUS(santei_builder_missing_over70_class(b, SANTEI_MISSING_OVER70_CLASS_FROM_RATE, &e),
                 SANTEI_STATUS_OK);
    CHECK(window_of(b, OVER70_NO_CLASS) == 250);
    /* The other settings take their values and leave this one as it was. */
    CHECK_STATUS(santei_builder_under70_public_limit(b, SANTEI_UNDER70_PUBLIC_LIMIT_OWN_CLASS, &e),
                 SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_public_receipt_rounding(b, SANTEI_PUBLIC_RECEIPT_ROUNDING_YEN, &e),
                 SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_ho_copay(b, SANTEI_HO_COPAY_ALWAYS, &e), SANTEI_STATUS_OK);
    CHECK(window_of(b, OVER70_NO_CLASS) == 250);
    CHECK_STATUS(santei_builder_missing_over70_class(b, SANTEI_MISSING_OVER70_CLASS_REFUSE, &e),
                 SANTEI_STATUS_OK);
    CHECK(window_of(b, OVER70_NO_CLASS) == -1);
    /* Unknown numbers are refused, naming the constants. */
    CHECK_STATUS(santei_builder_missing_over70_class(b, 5, &e), SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK(e != NULL && strstr(santei_error_message(e), "SANTEI_MISSING_OVER70_CLASS_") != NULL);
    santei_error_free(e);
    e = NULL;
    CHECK_STATUS(santei_builder_under70_public_limit(b, 3, NULL), SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(santei_builder_public_receipt_rounding(b, 2, NULL),
                 SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(santei_builder_ho_copay(b, 2, NULL), SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(santei_builder_ho_copay(NULL, SANTEI_HO_COPAY_ALWAYS, NULL),
                 SANTEI_STATUS_NULL_ARGUMENT);

    /* 地方単独 公費: unknown without its scheme, paid by it (0円 at the 窓口) with it. */
    CHECK(window_of(b, LOCAL_FUND) == -1);
    CHECK_STATUS(santei_builder_local_schemes(b, SCHEMES, strlen(SCHEMES), &e), SANTEI_STATUS_OK);
    CHECK(e == NULL);
    CHECK(window_of(b, LOCAL_FUND) == 0);
    /* Not JSON of schemes: refused with the line and column, the builder unchanged. */
    CHECK_STATUS(santei_builder_local_schemes(b, bad, strlen(bad), &e),
                 SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK(e != NULL && santei_error_line(e) == 2 && santei_error_column(e) > 0);
    CHECK(e != NULL && strcmp(santei_error_path(e), "json") == 0);
    santei_error_free(e);
    e = NULL;
    CHECK(window_of(b, LOCAL_FUND) == 0);
    CHECK_STATUS(santei_builder_local_schemes(b, NULL, 0, NULL), SANTEI_STATUS_NULL_ARGUMENT);

    /* A schemes file that is not there fails the build, naming it. */
    CHECK_STATUS(santei_builder_local_schemes_file(b, "no-such-schemes.json", 20, NULL),
                 SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_build(b, &engine, &e), SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK(engine == NULL && e != NULL);
    CHECK(e != NULL && strcmp(santei_error_path(e), "no-such-schemes.json") == 0);
    santei_error_free(e);
    santei_builder_free(b);
}

static void test_errors(const char *masters) {
    SanteiEngineBuilder *b = NULL;
    SanteiEngine *engine = NULL;
    SanteiError *e = NULL;
    const char *missing = join(0, masters, "no-such-folder");
    const char *rules = join(1, masters, "no-such-rules");

    CHECK_STATUS(santei_builder_new(NULL), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_builder_demo(NULL), SANTEI_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(santei_builder_build(NULL, &engine, NULL), SANTEI_STATUS_NULL_ARGUMENT);
    santei_builder_free(NULL);

    CHECK_STATUS(santei_builder_new(&b), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_build(b, NULL, NULL), SANTEI_STATUS_NULL_ARGUMENT);
    /* Nothing to build from. */
    CHECK_STATUS(santei_builder_build(b, &engine, &e), SANTEI_STATUS_INVALID_ARGUMENT);
    CHECK(engine == NULL && e != NULL);
    santei_error_free(e);
    e = NULL;
    CHECK_STATUS(santei_builder_add_masters(b, "\xff", 1, NULL, 0, NULL, 0, &e),
                 SANTEI_STATUS_INVALID_UTF8);
    santei_error_free(e);
    e = NULL;
    CHECK_STATUS(santei_builder_add_masters(b, NULL, 0, NULL, 0, NULL, 0, NULL),
                 SANTEI_STATUS_NULL_ARGUMENT);
    /* A folder that is not there: named, with its path. */
    CHECK_STATUS(santei_builder_add_masters(b, missing, strlen(missing), NULL, 0, NULL, 0, NULL),
                 SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_build(b, &engine, &e), SANTEI_STATUS_MASTERS_NOT_A_DIRECTORY);
    CHECK(engine == NULL && e != NULL);
    CHECK(strcmp(santei_error_path(e), missing) == 0);
    CHECK(strstr(santei_error_message(e), "does not exist") != NULL);
    santei_error_free(e);
    e = NULL;
    santei_builder_free(b);

    /* A rules folder that is not there. */
    CHECK_STATUS(santei_builder_new(&b), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_demo(b), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_rules_dir(b, rules, strlen(rules), NULL), SANTEI_STATUS_OK);
    CHECK_STATUS(santei_builder_build(b, &engine, &e), SANTEI_STATUS_RULES_INVALID);
    CHECK(e != NULL && strcmp(santei_error_path(e), rules) == 0);
    santei_error_free(e);
    santei_builder_free(b);

    CHECK(strcmp(santei_status_name(SANTEI_STATUS_MASTERS_REVISION_NOT_LOADED),
                 "masters.revision_not_loaded") == 0);
    CHECK(strcmp(santei_status_name(SANTEI_STATUS_MASTERS_ETENSU_AMBIGUOUS),
                 "masters.etensu_ambiguous") == 0);
}

int main(int argc, char **argv) {
    REQUIRE(argc == 4, "usage: test_builder MASTERS_DIR ETENSU_DIR RULES_DIR");
    test_settings(argv[1], argv[2], argv[3]);
    test_revisions_demo_and_excerpt(argv[1], argv[2]);
    test_errors(argv[1]);
    test_copay_settings();
    return check_summary("test_builder");
}
