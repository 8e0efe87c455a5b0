// SubscriptionTrie: topic prefixes and who subscribed to them, as a byte-wise trie.
//
// Publishers (PUB, XPUB) key subscriptions by pipe id and ask which pipes a message's
// first frame matches; subscribers (SUB, XSUB) keep their own subscriptions under a
// single key and ask whether a message matches at all. A prefix matches data when the
// data starts with it, so the empty prefix matches everything.
//
// add() and remove() say whether the set of subscribed prefixes changed (the first
// subscriber to a prefix arrived, the last one left): that is when a SUB tells its
// publishers and an XPUB tells its application. Every walk is in byte order and
// subscribers are visited in key order, so results never depend on addresses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace sculpin {

class SubscriptionTrie {
public:
    enum class Duplicates {
        // Each add needs its own remove (a SUB's own subscriptions; libzmq trie_t).
        counted,
        // A subscriber holds a prefix or not; one remove undoes any number of adds
        // (a publisher's view of its peers; libzmq mtrie_t).
        ignored,
    };
    explicit SubscriptionTrie(Duplicates duplicates = Duplicates::counted)
        : duplicates_(duplicates) {}

    // True if nobody held `prefix` before.
    bool add(std::string_view prefix, uint64_t subscriber);
    // True if that removed the last hold on `prefix`. False too if `subscriber` did not
    // hold it.
    bool remove(std::string_view prefix, uint64_t subscriber);
    // Removes every subscription of `subscriber` and calls on_removed(prefix, last) for
    // each, `last` telling whether nobody holds the prefix any more. Byte order.
    void remove_subscriber(uint64_t subscriber,
                           const std::function<void(std::string_view, bool)>& on_removed);

    // Calls visit(subscriber) once for every subscriber holding a prefix of `data`, in
    // ascending subscriber order.
    void match(std::string_view data, const std::function<void(uint64_t)>& visit) const;
    // Does anyone hold a prefix of `data`?
    bool matches(std::string_view data) const;
    // Calls visit(prefix) once for every prefix somebody holds, in byte order.
    void for_each_prefix(const std::function<void(std::string_view)>& visit) const;

    bool empty() const noexcept { return root_.subscribers.empty() && root_.children.empty(); }
    // Number of distinct prefixes held.
    size_t prefix_count() const noexcept { return prefix_count_; }

private:
    struct Node {
        std::map<uint8_t, std::unique_ptr<Node>> children;
        std::map<uint64_t, uint32_t> subscribers;  // subscriber -> number of holds
    };
    static void for_each(const Node& node, std::string& prefix,
                         const std::function<void(std::string_view)>& visit);
    // Returns whether `node` became empty and can be pruned by its parent.
    bool remove_all(Node& node, std::string& prefix, uint64_t subscriber,
                    const std::function<void(std::string_view, bool)>& on_removed);

    Duplicates duplicates_;
    Node root_;
    size_t prefix_count_ = 0;
};

}  // namespace sculpin
