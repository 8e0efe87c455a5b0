// Every node program of the book, by name: what scenarios, `sculpin run` and
// `sculpin node` refer to. A program is written once against Node and runs on both
// runtimes.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "node/node.hpp"

namespace sculpin::patterns {

using ProgramFn = std::function<Task<>(Node&)>;

struct ProgramInfo {
    std::string name;
    std::string book_example;  // the zguide example it follows ("hwserver.c")
    std::string summary;
    std::map<std::string, std::string> params;  // parameter -> "meaning (default)"
    ProgramFn run;
};

const std::map<std::string, ProgramInfo>& programs();
const ProgramInfo* find_program(const std::string& name);

}  // namespace sculpin::patterns
