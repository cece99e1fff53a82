// The C API from C++17, linked against libsantei.so: RAII owners for the handles, a status turned
// into an exception, four std::threads sharing one engine, and a deliberate panic.
//
// Usage: test_cpp MASTERS_DIR
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "santei.h"
#include "../c/check.h"

namespace {

struct EngineFree {
    void operator()(SanteiEngine *e) const noexcept { santei_engine_free(e); }
};
struct ResultFree {
    void operator()(SanteiResult *r) const noexcept { santei_result_free(r); }
};
struct ErrorFree {
    void operator()(SanteiError *e) const noexcept { santei_error_free(e); }
};
using Engine = std::unique_ptr<SanteiEngine, EngineFree>;
using Result = std::unique_ptr<SanteiResult, ResultFree>;
using Error = std::unique_ptr<SanteiError, ErrorFree>;

struct SanteiException : std::runtime_error {
    SanteiStatus status;
    std::string path;
    SanteiException(SanteiStatus s, const SanteiError *e)
        : std::runtime_error(e ? santei_error_message(e) : "santei error"), status(s),
          path(e ? santei_error_path(e) : "") {}
};

// Call as `check(f(..., &error), &error)`: the error is read after the call (C++ leaves the order
// of evaluation of the arguments unspecified, so passing `error` by value could read it first).
void check(SanteiStatus st, SanteiError **raw) {
    Error e(raw ? *raw : nullptr);
    if (st != SANTEI_STATUS_OK) throw SanteiException(st, e.get());
}

Engine load(const std::string &dir) {
    SanteiEngine *engine = nullptr;
    SanteiError *error = nullptr;
    check(santei_engine_load(dir.data(), dir.size(), &engine, &error), &error);
    return Engine(engine);
}

Engine share(const Engine &engine) {
    SanteiEngine *other = nullptr;
    check(santei_engine_clone(engine.get(), &other), nullptr);
    return Engine(other);
}

Result calculate(const SanteiEngine *engine, std::string_view json) {
    SanteiResult *result = nullptr;
    SanteiError *error = nullptr;
    check(santei_engine_calculate(engine, json.data(), json.size(), &result, &error), &error);
    return Result(result);
}

std::int64_t total(const Result &r) {
    std::int64_t t = -1;
    check(santei_result_total_points(r.get(), &t), nullptr);
    return t;
}

std::string_view json(const Result &r) {
    const char *p = nullptr;
    std::size_t n = 0;
    check(santei_result_json(r.get(), &p, &n), nullptr);
    return std::string_view(p, n);
}

std::string claim(int day, int birth_year, const char *code) {
    return std::string(R"({"format":"santei.claim/1","patient":{"birth_date":")") +
           std::to_string(birth_year) + R"(-05-20","sex":"male"},"visits":[{"date":"2024-07-)" +
           (day < 10 ? "0" : "") + std::to_string(day) +
           R"(","items":[{"type":"procedure","code":")" + code + R"("}]}]})";
}

}  // namespace

int main(int argc, char **argv) {
    REQUIRE(argc == 2, "usage: test_cpp MASTERS_DIR (../shared/masters)");
    Engine engine;
    try {
        engine = load(std::string(argv[1]) + "/r06");
    } catch (const SanteiException &e) {
        REQUIRE(false, "cannot load the official r06 masters (%u): %s", (unsigned)e.status,
                e.what());
    }

    // 再診料 75 + 外来管理加算 52.
    Result r = calculate(engine.get(), claim(1, 1970, "112007410"));
    CHECK(total(r) == 127);
    CHECK(json(r).find("\"total_points\":127") != std::string_view::npos);

    // A claim error becomes an exception with the code and the JSON path.
    try {
        calculate(engine.get(), R"({"format":"santei.claim/1","patient":{"birth_date":"1980-01-01","sex":"x"},"visits":[]})");
        CHECK(false);
    } catch (const SanteiException &e) {
        CHECK(e.status == SANTEI_STATUS_CLAIM_VALUE);
        CHECK(e.path == "patient.sex");
    }
    try {
        calculate(engine.get(), "{\"format\": \"santei.claim/1\", ");
        CHECK(false);
    } catch (const SanteiException &e) {
        CHECK(e.status == SANTEI_STATUS_CLAIM_JSON);
    }

    // Four threads, one engine (a reference each), results compared with the main thread's.
    std::vector<std::int64_t> expected;
    for (int day = 1; day <= 28; day++) {
        expected.push_back(total(calculate(engine.get(), claim(day, 1930 + day, "112007410"))));
    }
    std::atomic<int> mismatches{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
        threads.emplace_back([&, t, mine = share(engine)]() {
            for (int i = 0; i < 28; i++) {
                int day = 1 + (i + t * 5) % 28;
                try {
                    if (total(calculate(mine.get(), claim(day, 1930 + day, "112007410"))) !=
                        expected[day - 1])
                        mismatches++;
                } catch (const SanteiException &) {
                    failures++;
                }
            }
        });
    }
    engine.reset();  // the threads' references keep the masters alive
    for (auto &t : threads) t.join();
    CHECK(mismatches == 0);
    CHECK(failures == 0);

    // A panic comes back as a status; the process goes on.
    SanteiError *raw = nullptr;
    CHECK(santei_test_panic(&raw) == SANTEI_STATUS_PANIC);
    Error panic(raw);
    CHECK(panic && santei_error_code(panic.get()) == SANTEI_STATUS_PANIC);

    return check_summary("test_cpp");
}
