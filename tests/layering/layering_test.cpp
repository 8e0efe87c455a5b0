// The sans-I/O boundary as a checked fact: engine/core, engine/wire and engine/socket never
// include thread, clock, randomness or OS-socket headers and never name std::thread,
// std::chrono, rand() or random_device. Both runtimes (real and simulated) drive the same
// objects, so nothing below engine/transport may reach for the OS on its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Finding {
    std::string file;
    int line = 0;
    std::string what;
};

// Headers the sans-I/O layers must not include. An entry ending in '/' forbids a whole
// directory (<netinet/in.h>, <netinet/tcp.h>, ...).
constexpr std::array<std::string_view, 25> kForbiddenHeaders{
    "thread",      "mutex",      "shared_mutex", "condition_variable",
    "future",      "chrono",     "ctime",        "time.h",
    "sys/time.h",  "random",     "sys/socket.h", "netinet/",
    "arpa/inet.h", "netdb.h",    "sys/un.h",     "unistd.h",
    "poll.h",      "sys/poll.h", "sys/epoll.h",  "sys/select.h",
    "pthread.h",   "semaphore",  "latch",        "barrier",
    "stop_token",
};

// Names the sans-I/O layers must not use (checked outside comments and string literals).
// `word_start` entries only match where no identifier character precedes them, so that
// `rand(` does not match `operand(`.
struct ForbiddenName {
    std::string_view text;
    bool word_start;
};
constexpr std::array<ForbiddenName, 7> kForbiddenNames{{
    {"std::thread", false},
    {"std::jthread", false},
    {"std::this_thread", false},
    {"std::chrono", false},
    {"rand(", true},
    {"srand(", true},
    {"random_device", false},
}};

bool is_identifier_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Replaces comments (and, if `strip_strings`, string and character literals) by spaces,
// keeping line breaks so that line numbers stay right. Raw string literals are not
// special-cased; the engine has no reason to contain any.
std::string blank_out(std::string_view source, bool strip_strings) {
    std::string out(source);
    enum class State { code, line_comment, block_comment, string, character } state = State::code;
    for (size_t i = 0; i < out.size(); ++i) {
        const char c = out[i];
        const char next = i + 1 < out.size() ? out[i + 1] : '\0';
        switch (state) {
            case State::code:
                if (c == '/' && next == '/') {
                    state = State::line_comment;
                    out[i] = ' ';
                } else if (c == '/' && next == '*') {
                    state = State::block_comment;
                    out[i] = out[i + 1] = ' ';
                    ++i;
                } else if (c == '"') {
                    state = State::string;
                } else if (c == '\'' && !(i > 0 && is_identifier_char(out[i - 1]))) {
                    // (a quote after a digit is a digit separator: 1'000)
                    state = State::character;
                }
                break;
            case State::line_comment:
                if (c == '\n') {
                    state = State::code;
                } else {
                    out[i] = ' ';
                }
                break;
            case State::block_comment:
                if (c == '*' && next == '/') {
                    out[i] = out[i + 1] = ' ';
                    ++i;
                    state = State::code;
                } else if (c != '\n') {
                    out[i] = ' ';
                }
                break;
            case State::string:
            case State::character: {
                const char quote = state == State::string ? '"' : '\'';
                if (c == '\\') {
                    if (strip_strings) out[i] = ' ';
                    if (i + 1 < out.size() && out[i + 1] != '\n') {
                        if (strip_strings) out[i + 1] = ' ';
                        ++i;
                    }
                } else if (c == quote) {
                    state = State::code;
                } else if (c == '\n') {
                    state = State::code;  // unterminated: do not swallow the rest
                } else if (strip_strings) {
                    out[i] = ' ';
                }
                break;
            }
        }
    }
    return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::string_view trim_left(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s;
}

// If `line` is an #include directive, the header it names (without <> or ""), else "".
std::string_view included_header(std::string_view line) {
    line = trim_left(line);
    if (line.empty() || line.front() != '#') return {};
    line = trim_left(line.substr(1));
    if (line.substr(0, 7) != "include") return {};
    line = trim_left(line.substr(7));
    if (line.empty() || (line.front() != '<' && line.front() != '"')) return {};
    const char close = line.front() == '<' ? '>' : '"';
    const size_t end = line.find(close, 1);
    if (end == std::string_view::npos) return {};
    return line.substr(1, end - 1);
}

bool header_is_forbidden(std::string_view header) {
    for (std::string_view forbidden : kForbiddenHeaders) {
        if (forbidden.back() == '/' ? header.substr(0, forbidden.size()) == forbidden
                                    : header == forbidden) {
            return true;
        }
    }
    return false;
}

// Scans one source text. Public to the tests below so they can prove it finds things.
std::vector<Finding> scan_source(const std::string& file, std::string_view source) {
    std::vector<Finding> findings;
    const std::string without_comments = blank_out(source, false);
    const std::string code_only = blank_out(source, true);
    const auto directive_lines = split_lines(without_comments);
    const auto code_lines = split_lines(code_only);
    for (size_t n = 0; n < directive_lines.size(); ++n) {
        const std::string_view header = included_header(directive_lines[n]);
        if (!header.empty() && header_is_forbidden(header)) {
            findings.push_back(
                {file, static_cast<int>(n + 1), "includes <" + std::string(header) + ">"});
        }
    }
    for (size_t n = 0; n < code_lines.size(); ++n) {
        const std::string_view line = code_lines[n];
        if (!included_header(line).empty()) continue;
        for (const ForbiddenName& name : kForbiddenNames) {
            for (size_t at = line.find(name.text); at != std::string_view::npos;
                 at = line.find(name.text, at + 1)) {
                if (name.word_start && at > 0 && is_identifier_char(line[at - 1])) continue;
                findings.push_back(
                    {file, static_cast<int>(n + 1), "uses " + std::string(name.text)});
                break;
            }
        }
    }
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding& a, const Finding& b) { return a.line < b.line; });
    return findings;
}

fs::path source_dir() {
    if (const char* env = std::getenv("SCULPIN_SOURCE_DIR"); env != nullptr && *env != '\0')
        return env;
#ifdef SCULPIN_SOURCE_DIR_DEFAULT
    return SCULPIN_SOURCE_DIR_DEFAULT;
#else
    return {};
#endif
}

bool is_source_file(const fs::path& path) {
    static constexpr std::array<std::string_view, 7> kExtensions{".cpp", ".hpp", ".h",  ".cc",
                                                                 ".hh",  ".ipp", ".inl"};
    const std::string ext = path.extension().string();
    return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string describe(const std::vector<Finding>& findings) {
    std::string text;
    for (const Finding& f : findings)
        text += "  " + f.file + ":" + std::to_string(f.line) + ": " + f.what + "\n";
    return text;
}

// Scans every source file under the given folders; returns the findings and the count.
std::vector<Finding> scan_folders(const fs::path& root, std::initializer_list<const char*> folders,
                                  int* files_scanned) {
    std::vector<Finding> findings;
    for (const char* layer : folders) {
        const fs::path dir = root / layer;
        if (!fs::is_directory(dir)) continue;
        std::vector<fs::path> files;
        for (const auto& entry : fs::recursive_directory_iterator(dir))
            if (entry.is_regular_file() && is_source_file(entry.path()))
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const fs::path& file : files) {
            ++*files_scanned;
            const std::string relative = fs::relative(file, root).generic_string();
            for (Finding& f : scan_source(relative, read_all(file))) findings.push_back(f);
        }
    }
    return findings;
}

TEST(Layering, SansIoLayersUseNoThreadsClocksRandomnessOrOsSockets) {
    const fs::path root = source_dir();
    ASSERT_FALSE(root.empty()) << "SCULPIN_SOURCE_DIR is not set";
    ASSERT_TRUE(fs::is_directory(root / "engine")) << root << " has no engine/ folder";

    int files_scanned = 0;
    const auto findings = scan_folders(
        root, {"engine/core", "engine/crypto", "engine/wire", "engine/socket"}, &files_scanned);
    EXPECT_GT(files_scanned, 0) << "no sources found under " << root / "engine";
    EXPECT_TRUE(findings.empty()) << "the sans-I/O layers (engine/core, engine/crypto, "
                                     "engine/wire, engine/socket) must not reach for the OS:\n"
                                  << describe(findings);
}

// DESIGN.md's determinism rules: the simulated runtime, the program API and the book's
// programs get time, randomness and concurrency from the simulator, never from the OS.
TEST(Layering, SimulatedRuntimeAndProgramsUseNoWallClockThreadsOrEntropy) {
    const fs::path root = source_dir();
    ASSERT_FALSE(root.empty()) << "SCULPIN_SOURCE_DIR is not set";
    int files_scanned = 0;
    const auto findings =
        scan_folders(root, {"engine/node", "engine/sim", "patterns"}, &files_scanned);
    EXPECT_GT(files_scanned, 0);
    EXPECT_TRUE(findings.empty()) << "the simulated runtime and the node programs must not use "
                                     "clocks, threads, entropy or OS sockets:\n"
                                  << describe(findings);
}

// The scanner itself must be able to fail, or the test above proves nothing.
TEST(LayeringScanner, FindsAForbiddenIncludeAndNamesFileAndLine) {
    const auto findings = scan_source("engine/core/bad.hpp",
                                      "#pragma once\n"
                                      "#include <vector>\n"
                                      "#include <thread>\n");
    ASSERT_EQ(findings.size(), 1u) << describe(findings);
    EXPECT_EQ(findings[0].file, "engine/core/bad.hpp");
    EXPECT_EQ(findings[0].line, 3);
    EXPECT_EQ(findings[0].what, "includes <thread>");
}

TEST(LayeringScanner, FindsEveryForbiddenHeaderInAnySpelling) {
    const std::string source =
        "#include <mutex>\n"
        "#  include <chrono>\n"
        "  #include <time.h>\n"
        "#include <random>\n"
        "#include <sys/socket.h>\n"
        "#include <netinet/tcp.h>\n"
        "#include <unistd.h>\n"
        "#include <poll.h>\n"
        "#include <sys/epoll.h>\n"
        "#include <pthread.h>\n"
        "#include <condition_variable>\n"
        "#include <future>\n"
        "#include <shared_mutex>\n"
        "#include <ctime>\n"
        "#include \"unistd.h\"\n";
    const auto findings = scan_source("x.cpp", source);
    EXPECT_EQ(findings.size(), 15u) << describe(findings);
}

TEST(LayeringScanner, FindsForbiddenNamesInCode) {
    const auto findings = scan_source("x.cpp",
                                      "void f() {\n"
                                      "    std::thread t;\n"
                                      "    auto now = std::chrono::steady_clock::now();\n"
                                      "    int r = rand();\n"
                                      "    int s = std::rand();\n"
                                      "    std::random_device device;\n"
                                      "    std::this_thread::yield();\n"
                                      "}\n");
    ASSERT_EQ(findings.size(), 6u) << describe(findings);
    EXPECT_EQ(findings[0].line, 2);
    EXPECT_EQ(findings[0].what, "uses std::thread");
    EXPECT_EQ(findings[1].line, 3);
    EXPECT_EQ(findings[2].line, 4);
    EXPECT_EQ(findings[3].line, 5);
    EXPECT_EQ(findings[4].line, 6);
    EXPECT_EQ(findings[5].line, 7);
}

TEST(LayeringScanner, AllowsHarmlessLookalikes) {
    const auto findings = scan_source("x.cpp",
                                      "#include <atomic>\n"
                                      "#include <string>\n"
                                      "#include \"core/frame.hpp\"\n"
                                      "int operand(int x);\n"
                                      "int brand(int x);\n"
                                      "// The real runtime runs this on std::thread; not here.\n"
                                      "/* #include <thread>\n"
                                      "   std::chrono */\n"
                                      "const char* text = \"rand() std::thread\";\n"
                                      "char quote = '\"'; int n = 1'000; // rand(\n"
                                      "// #include <mutex>\n");
    EXPECT_TRUE(findings.empty()) << describe(findings);
}

TEST(LayeringScanner, LineNumbersSurviveBlockComments) {
    const auto findings = scan_source("x.cpp",
                                      "/* a\n"
                                      "   b\n"
                                      "   c */\n"
                                      "#include <poll.h>\n");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].line, 4);
}

}  // namespace
