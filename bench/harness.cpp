#include "bench/harness.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>

namespace sculpin::bench {

namespace {

void summarise(SideResult& side) {
    if (side.samples.empty()) return;
    std::vector<double> sorted = side.samples;
    std::sort(sorted.begin(), sorted.end());
    const size_t n = sorted.size();
    side.median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    side.spread = side.median > 0 ? (sorted.back() - sorted.front()) / 2.0 / side.median : 0;
}

void run_side(const std::function<double()>& run, SideResult& side) {
    if (!side.error.empty()) return;  // a failed side is not retried
    try {
        const double figure = run();
        if (!std::isfinite(figure) || figure <= 0) {
            side.error = "no figure";
            return;
        }
        side.samples.push_back(figure);
    } catch (const std::exception& e) {
        side.error = e.what();
    }
}

// 1234567 -> "1.23 M", 0.5 -> "0.500": three significant figures and a scale suffix.
std::string human(double value) {
    char buffer[32];
    const char* suffix = "";
    if (value >= 1e9) {
        value /= 1e9;
        suffix = " G";
    } else if (value >= 1e6) {
        value /= 1e6;
        suffix = " M";
    } else if (value >= 1e4) {
        value /= 1e3;
        suffix = " k";
    }
    const int decimals = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3;
    std::snprintf(buffer, sizeof(buffer), "%.*f%s", decimals, value, suffix);
    return buffer;
}

std::string cell(const SideResult& side) {
    if (!side.error.empty()) return "FAILED";
    if (side.samples.empty()) return "-";
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%s ±%.0f%%", human(side.median).c_str(),
                  side.spread * 100.0);
    return buffer;
}

nlohmann::json side_json(const SideResult& side) {
    nlohmann::json j;
    j["median"] = side.median;
    j["spread"] = side.spread;
    j["samples"] = side.samples;
    if (!side.error.empty()) j["error"] = side.error;
    return j;
}

}  // namespace

double CaseResult::ratio() const noexcept {
    if (!sculpin.ran() || !reference.ran()) return 0;
    return spec->higher_is_better ? sculpin.median / reference.median
                                  : reference.median / sculpin.median;
}

int rounds_for(const RunOptions& options) {
    if (options.smoke) return 1;
    if (options.quick) return 3;
    return 5;
}

CaseResult run_case(const CaseSpec& spec, int rounds) {
    CaseResult result;
    result.spec = &spec;
    std::fprintf(stderr, "  %-44s", spec.name.c_str());
    for (int round = 0; round < rounds; ++round) {
        // Alternate who goes first, so neither side always gets the warmer caches (or
        // the quieter moment) of a round.
        const bool sculpin_first = round % 2 == 0;
        if (sculpin_first) run_side(spec.run_sculpin, result.sculpin);
        if (spec.run_reference) run_side(spec.run_reference, result.reference);
        if (!sculpin_first) run_side(spec.run_sculpin, result.sculpin);
        std::fprintf(stderr, ".");
    }
    std::fprintf(stderr, "\n");
    summarise(result.sculpin);
    summarise(result.reference);
    return result;
}

void print_header(const RunOptions& options, int rounds) {
    std::printf(
        "sculpin-bench: %s run, %d round%s per case, sides alternating; median ± half "
        "the range.\n",
        options.smoke   ? "smoke"
        : options.quick ? "quick"
                        : "full",
        rounds, rounds == 1 ? "" : "s");
    std::printf("ratio > 1 means Sculpin is better (reference / Sculpin for latencies).\n\n");
    std::printf("%-40s %-14s %16s %16s %8s  %s\n", "case", "unit", "Sculpin", "reference", "ratio",
                "reference is");
}

void print_row(const CaseResult& r) {
    const double ratio = r.ratio();
    char ratio_text[16] = "-";
    if (ratio > 0) std::snprintf(ratio_text, sizeof(ratio_text), "%.2fx", ratio);
    std::printf("%-40s %-14s %16s %16s %8s  %s\n", r.spec->name.c_str(), r.spec->unit.c_str(),
                cell(r.sculpin).c_str(), r.spec->run_reference ? cell(r.reference).c_str() : "-",
                ratio_text, r.spec->reference_name.c_str());
    for (const SideResult* side : {&r.sculpin, &r.reference})
        if (!side->error.empty()) std::printf("    failed: %s\n", side->error.c_str());
    std::fflush(stdout);
}

bool write_json(const std::string& path, const RunOptions& options, int rounds,
                const std::vector<CaseResult>& results) {
    nlohmann::json doc;
    doc["mode"] = options.smoke ? "smoke" : options.quick ? "quick" : "full";
    doc["rounds"] = rounds;
    doc["ratio_meaning"] = "greater than 1 means Sculpin is better";
    nlohmann::json rows = nlohmann::json::array();
    for (const CaseResult& r : results) {
        nlohmann::json row;
        row["group"] = r.spec->group;
        row["case"] = r.spec->name;
        row["unit"] = r.spec->unit;
        row["higher_is_better"] = r.spec->higher_is_better;
        row["reference_name"] = r.spec->reference_name;
        row["sculpin"] = side_json(r.sculpin);
        if (r.spec->run_reference) row["reference"] = side_json(r.reference);
        row["ratio"] = r.ratio();
        rows.push_back(std::move(row));
    }
    doc["cases"] = std::move(rows);
    std::ofstream out(path);
    out << doc.dump(2) << "\n";
    return static_cast<bool>(out);
}

}  // namespace sculpin::bench
