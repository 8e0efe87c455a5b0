#include "socket/subscription_trie.hpp"

#include <algorithm>
#include <cassert>
#include <vector>

namespace sculpin {

bool SubscriptionTrie::add(std::string_view prefix, uint64_t subscriber) {
    Node* node = &root_;
    for (char c : prefix) {
        auto& child = node->children[static_cast<uint8_t>(c)];
        if (!child) child = std::make_unique<Node>();
        node = child.get();
    }
    const bool first = node->subscribers.empty();
    uint32_t& holds = node->subscribers[subscriber];
    if (holds == 0 || duplicates_ == Duplicates::counted) ++holds;
    if (first) ++prefix_count_;
    return first;
}

bool SubscriptionTrie::remove(std::string_view prefix, uint64_t subscriber) {
    // The path from the root, to prune the nodes the removal leaves empty.
    std::vector<Node*> path;
    path.reserve(prefix.size() + 1);
    Node* node = &root_;
    path.push_back(node);
    for (char c : prefix) {
        auto it = node->children.find(static_cast<uint8_t>(c));
        if (it == node->children.end()) return false;
        node = it->second.get();
        path.push_back(node);
    }
    auto it = node->subscribers.find(subscriber);
    if (it == node->subscribers.end()) return false;
    assert(it->second > 0);
    if (--it->second > 0) return false;
    node->subscribers.erase(it);
    if (!node->subscribers.empty()) return false;
    --prefix_count_;
    for (size_t depth = prefix.size(); depth > 0; --depth) {
        Node* child = path[depth];
        if (!child->subscribers.empty() || !child->children.empty()) break;
        path[depth - 1]->children.erase(static_cast<uint8_t>(prefix[depth - 1]));
    }
    return true;
}

bool SubscriptionTrie::remove_all(Node& node, std::string& prefix, uint64_t subscriber,
                                  const std::function<void(std::string_view, bool)>& on_removed) {
    if (node.subscribers.erase(subscriber) > 0) {
        const bool last = node.subscribers.empty();
        if (last) --prefix_count_;
        if (on_removed) on_removed(prefix, last);
    }
    for (auto it = node.children.begin(); it != node.children.end();) {
        prefix.push_back(static_cast<char>(it->first));
        const bool empty = remove_all(*it->second, prefix, subscriber, on_removed);
        prefix.pop_back();
        it = empty ? node.children.erase(it) : std::next(it);
    }
    return node.subscribers.empty() && node.children.empty();
}

void SubscriptionTrie::remove_subscriber(
    uint64_t subscriber, const std::function<void(std::string_view, bool)>& on_removed) {
    std::string prefix;
    remove_all(root_, prefix, subscriber, on_removed);
}

void SubscriptionTrie::match(std::string_view data,
                             const std::function<void(uint64_t)>& visit) const {
    std::vector<uint64_t> found;
    const Node* node = &root_;
    for (size_t depth = 0;; ++depth) {
        for (const auto& [subscriber, holds] : node->subscribers) found.push_back(subscriber);
        if (depth == data.size()) break;
        auto it = node->children.find(static_cast<uint8_t>(data[depth]));
        if (it == node->children.end()) break;
        node = it->second.get();
    }
    // A subscriber holding both "a" and "ab" gets one copy of "abc".
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    for (uint64_t subscriber : found) visit(subscriber);
}

bool SubscriptionTrie::matches(std::string_view data) const {
    const Node* node = &root_;
    for (size_t depth = 0;; ++depth) {
        if (!node->subscribers.empty()) return true;
        if (depth == data.size()) return false;
        auto it = node->children.find(static_cast<uint8_t>(data[depth]));
        if (it == node->children.end()) return false;
        node = it->second.get();
    }
}

void SubscriptionTrie::for_each(const Node& node, std::string& prefix,
                                const std::function<void(std::string_view)>& visit) {
    if (!node.subscribers.empty()) visit(prefix);
    for (const auto& [byte, child] : node.children) {
        prefix.push_back(static_cast<char>(byte));
        for_each(*child, prefix, visit);
        prefix.pop_back();
    }
}

void SubscriptionTrie::for_each_prefix(const std::function<void(std::string_view)>& visit) const {
    std::string prefix;
    for_each(root_, prefix, visit);
}

}  // namespace sculpin
