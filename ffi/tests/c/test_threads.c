/* Four threads share one engine (loaded once from the official r06 masters), each with its own
 * reference, and compute claims at the same time; every total must equal the one computed on the
 * main thread first.
 *
 * Usage: test_threads MASTERS_DIR */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "santei.h"
#include "check.h"

#define THREADS 4
#define CLAIMS 24

/* The benches' typical 外来 visit (再診 + 処方箋料 + 1剤 of 3 drugs + 5 検体検査), varied by seed. */
static int typical_visit(unsigned seed, char *buf, size_t size) {
    return snprintf(
        buf, size,
        "{\"format\":\"santei.claim/1\",\"patient\":{\"birth_date\":\"%u-05-20\",\"sex\":\"female\"},"
        "\"facility\":{\"kind\":\"clinic\"},\"visits\":[{\"date\":\"2024-07-%02u\",\"items\":["
        "{\"type\":\"procedure\",\"code\":\"112007410\"},{\"type\":\"procedure\",\"code\":\"120002910\"},"
        "{\"type\":\"rx\",\"form\":\"internal\",\"days\":14,\"drugs\":["
        "{\"code\":\"620098801\",\"amount\":\"3\"},{\"code\":\"620007870\",\"amount\":\"1\"},"
        "{\"code\":\"620002023\",\"amount\":\"2\"}]},"
        "{\"type\":\"procedure\",\"code\":\"160008010\"},{\"type\":\"procedure\",\"code\":\"160010010\"},"
        "{\"type\":\"procedure\",\"code\":\"160022510\"},{\"type\":\"procedure\",\"code\":\"160022610\"},"
        "{\"type\":\"procedure\",\"code\":\"160020410\"}]}]}",
        1940 + seed % 80, 1 + seed % 28);
}

static int64_t total_of(const SanteiEngine *engine, unsigned seed) {
    char json[2048];
    int len = typical_visit(seed, json, sizeof json);
    SanteiResult *r = NULL;
    int64_t total = -1;
    if (santei_engine_calculate(engine, json, (size_t)len, &r, NULL) != SANTEI_STATUS_OK) return -1;
    if (santei_result_total_points(r, &total) != SANTEI_STATUS_OK) total = -2;
    santei_result_free(r);
    return total;
}

static int64_t expected[CLAIMS];

struct job {
    SanteiEngine *engine; /* this thread's own reference, freed by the thread */
    unsigned first;
    int mismatches;
};

static void *worker(void *arg) {
    struct job *job = (struct job *)arg;
    unsigned i;
    for (i = 0; i < CLAIMS; i++) {
        unsigned seed = (job->first + i) % CLAIMS;
        if (total_of(job->engine, seed) != expected[seed]) job->mismatches++;
    }
    santei_engine_free(job->engine);
    return NULL;
}

int main(int argc, char **argv) {
    char r06[4096];
    SanteiEngine *engine = NULL;
    SanteiError *e = NULL;
    SanteiStatus st;
    pthread_t threads[THREADS];
    struct job jobs[THREADS];
    unsigned i;

    REQUIRE(argc == 2, "usage: test_threads MASTERS_DIR (../shared/masters)");
    snprintf(r06, sizeof r06, "%s/r06", argv[1]);
    st = santei_engine_load(r06, strlen(r06), &engine, &e);
    REQUIRE(st == SANTEI_STATUS_OK, "cannot load the official r06 masters from `%s` (%u): %s", r06,
            (unsigned)st, santei_error_message(e));

    for (i = 0; i < CLAIMS; i++) {
        expected[i] = total_of(engine, i);
        CHECK(expected[i] > 0);
    }
    for (i = 0; i < THREADS; i++) {
        jobs[i].engine = NULL;
        jobs[i].first = i * 7;
        jobs[i].mismatches = 0;
        CHECK_STATUS(santei_engine_clone(engine, &jobs[i].engine), SANTEI_STATUS_OK);
    }
    /* The main thread lets go of its reference first: the threads keep the engine alive. */
    santei_engine_free(engine);
    for (i = 0; i < THREADS; i++) CHECK(pthread_create(&threads[i], NULL, worker, &jobs[i]) == 0);
    for (i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(jobs[i].mismatches == 0);
    }
    return check_summary("test_threads");
}
