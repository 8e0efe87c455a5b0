// The "abi" group of sculpin-bench (--abi): one benchmark binary, sculpin-abi-bench,
// built once against zmq.h and linked with -lzmq, run as a child process on each library
// in turn: Debian's libzmq.so.5 (LD_LIBRARY_PATH removed) and Sculpin's
// <build>/compat/libzmq.so.5 (LD_LIBRARY_PATH=<build>/compat). Unlike the "sockets"
// group, this measures Sculpin through its C API, as a libzmq program would see it.
//
// The child reports which libzmq.so it has mapped (/proc/self/maps); a round whose
// library is not the intended one fails the case, so a figure can never be credited to
// the wrong library.
#include <limits.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench_case.hpp"

namespace sculpin::bench {

namespace {

// The child's whole stdout is read; this bounds it (a few lines are expected).
constexpr size_t kMaxChildOutputBytes = 64 * 1024;

struct ChildRun {
    int exit_code = -1;
    std::string output;
};

// Runs `argv` with LD_LIBRARY_PATH set to `library_path`, or removed when it is empty,
// and returns its stdout (stderr passes through).
ChildRun run_child(const std::vector<std::string>& argv, const std::string& library_path) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error("abi: pipe failed");
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("abi: fork failed");
    if (pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        if (library_path.empty()) {
            unsetenv("LD_LIBRARY_PATH");
        } else {
            setenv("LD_LIBRARY_PATH", library_path.c_str(), 1);
        }
        // LD_PRELOAD would decide the library too; the comparison needs it gone.
        unsetenv("LD_PRELOAD");
        std::vector<char*> args;
        for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        std::fprintf(stderr, "abi: cannot run %s: %s\n", args[0], std::strerror(errno));
        _exit(127);
    }
    close(pipe_fds[1]);
    ChildRun run;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = read(pipe_fds[0], buffer, sizeof(buffer))) != 0) {
        if (got < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (run.output.size() < kMaxChildOutputBytes) run.output.append(buffer, got);
    }
    close(pipe_fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return run;
}

std::string canonical(const std::string& path) {
    char resolved[PATH_MAX];
    if (realpath(path.c_str(), resolved) == nullptr) return "";
    return resolved;
}

// The value of the line "key value" in `output`, or "".
std::string field(const std::string& output, const std::string& key) {
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line))
        if (line.compare(0, key.size() + 1, key + " ") == 0) return line.substr(key.size() + 1);
    return "";
}

enum class Library { debian, sculpin };

// One round of one case on one library. Throws (the harness marks the side FAILED) when
// the child fails or has mapped a library other than the intended one.
double run_round(const std::string& name, long count, Library library) {
    const std::string compat_dir = SCULPIN_COMPAT_DIR;
    const std::string sculpin_library = canonical(compat_dir + "/libzmq.so.5");
    if (sculpin_library.empty())
        throw std::runtime_error("abi: " + compat_dir + "/libzmq.so.5 missing (build sculpin_zmq)");
    const ChildRun run = run_child({SCULPIN_ABI_BENCH_PATH, name, std::to_string(count)},
                                   library == Library::sculpin ? compat_dir : "");
    const std::string mapped = field(run.output, "library");
    const std::string mapped_real = canonical(mapped);
    if (mapped.empty() || mapped_real.empty())
        throw std::runtime_error("abi: the child reported no libzmq.so mapping");
    if (library == Library::sculpin && mapped_real != sculpin_library)
        throw std::runtime_error("abi: WRONG LIBRARY: wanted " + sculpin_library + ", child has " +
                                 mapped_real);
    if (library == Library::debian && mapped_real == sculpin_library)
        throw std::runtime_error("abi: WRONG LIBRARY: wanted Debian's libzmq, child has " +
                                 mapped_real);
    if (run.exit_code != 0) {
        const std::string error = field(run.output, "error");
        throw std::runtime_error("abi: child exited " + std::to_string(run.exit_code) +
                                 (error.empty() ? "" : ": " + error));
    }
    const std::string result = field(run.output, "result");
    if (result.empty()) throw std::runtime_error("abi: the child reported no result");
    return std::stod(result);
}

// Workload sizes as in socket_cases.cpp: full, --quick (a tenth), --smoke.
long scaled(const RunOptions& options, long full) {
    if (options.smoke) return std::max<long>(full / 1000, 200);
    if (options.quick) return full / 10;
    return full;
}

}  // namespace

std::vector<CaseSpec> abi_cases(const RunOptions& options) {
    // The child lists its cases, so there is one list, in the child.
    const ChildRun listing = run_child({SCULPIN_ABI_BENCH_PATH, "--list"}, "");
    if (listing.exit_code != 0)
        throw std::runtime_error(std::string("abi: cannot list cases of ") +
                                 SCULPIN_ABI_BENCH_PATH);
    std::vector<CaseSpec> cases;
    std::istringstream lines(listing.output);
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<std::string> columns;
        std::istringstream row(line);
        std::string column;
        while (std::getline(row, column, '\t')) columns.push_back(column);
        if (columns.size() != 4) throw std::runtime_error("abi: bad --list line: " + line);
        CaseSpec spec;
        spec.group = "abi";
        spec.name = columns[0];
        spec.unit = columns[1];
        spec.higher_is_better = columns[2] == "higher";
        spec.reference_name = "Debian libzmq.so.5, same binary";
        const long count = scaled(options, std::stol(columns[3]));
        const std::string name = columns[0];
        spec.run_sculpin = [name, count] { return run_round(name, count, Library::sculpin); };
        spec.run_reference = [name, count] { return run_round(name, count, Library::debian); };
        cases.push_back(std::move(spec));
    }
    if (cases.empty()) throw std::runtime_error("abi: the child lists no case");
    return cases;
}

}  // namespace sculpin::bench
