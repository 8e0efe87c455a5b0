#include "cli/scenario_catalog.hpp"

#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace sculpin::cli {

namespace fs = std::filesystem;

std::string scenario_dir() {
    if (const char* env = std::getenv("SCULPIN_SCENARIO_DIR")) return env;
#ifdef SCULPIN_SOURCE_SCENARIOS
    if (fs::is_directory(SCULPIN_SOURCE_SCENARIOS)) return SCULPIN_SOURCE_SCENARIOS;
#endif
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path next_to = self.parent_path().parent_path() / "scenarios";
        if (fs::is_directory(next_to)) return next_to.string();
    }
    return "scenarios";
}

std::vector<sim::Scenario> load_catalog(const sim::LoadContext& ctx, std::string* error) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(scenario_dir(), ec))
        if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    if (ec) {
        *error = "cannot read scenario folder " + scenario_dir() + ": " + ec.message();
        return {};
    }
    std::sort(files.begin(), files.end());  // directory order is not deterministic
    std::vector<sim::Scenario> catalog;
    for (const auto& file : files) {
        auto scenario = sim::load_scenario_file(file, ctx, error);
        if (!scenario) return {};
        catalog.push_back(std::move(*scenario));
    }
    std::stable_sort(catalog.begin(), catalog.end(), [](const auto& a, const auto& b) {
        return a.chapter != b.chapter ? a.chapter < b.chapter : a.name < b.name;
    });
    return catalog;
}

std::optional<sim::Scenario> find_scenario(const std::string& name_or_path,
                                           const sim::LoadContext& ctx, std::string* error) {
    if (name_or_path.find('/') != std::string::npos ||
        (name_or_path.size() > 5 && name_or_path.ends_with(".json"))) {
        return sim::load_scenario_file(name_or_path, ctx, error);
    }
    const fs::path file = fs::path(scenario_dir()) / (name_or_path + ".json");
    if (!fs::exists(file)) {
        std::string known;
        std::error_code ec;
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(scenario_dir(), ec))
            if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
        std::sort(names.begin(), names.end());
        for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
        *error = "no scenario named '" + name_or_path + "' (built-in: " + known +
                 "; or give a path to a .json file)";
        return std::nullopt;
    }
    return sim::load_scenario_file(file.string(), ctx, error);
}

const char* chapter_title(int chapter) {
    switch (chapter) {
        case 1:
            return "Basics";
        case 2:
            return "Sockets and Patterns";
        case 3:
            return "Advanced Request-Reply Patterns";
        case 4:
            return "Reliable Request-Reply Patterns";
        case 5:
            return "Advanced Pub-Sub Patterns";
        case 6:
            return "The ZeroMQ Community";
        case 7:
            return "Advanced Architecture using ZeroMQ";
        case 8:
            return "A Framework for Distributed Computing";
        default:
            return "";
    }
}

}  // namespace sculpin::cli
