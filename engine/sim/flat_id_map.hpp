// FlatIdMap: a map from ids to small values kept as one sorted vector, for the lookups a
// simulated node makes on every event (which session or socket a pipe belongs to, the
// session of an id). A node has a handful of pipes and sessions; a std::map puts each in
// its own heap node, so every lookup chased pointers through memory that, with a thousand
// nodes, was rarely in cache. Here a lookup is a binary search over one contiguous block.
//
// Iteration is in key order, as with std::map, so code that walks it (teardown, linger)
// does things in the same order. Ids are handed out in increasing order, so inserting
// the newest is an append. Iterators and references are invalidated by insert and erase.
#pragma once

#include <algorithm>
#include <cassert>
#include <utility>
#include <vector>

namespace sculpin::sim {

template <class Key, class Value>
class FlatIdMap {
public:
    using value_type = std::pair<Key, Value>;
    using iterator = typename std::vector<value_type>::iterator;
    using const_iterator = typename std::vector<value_type>::const_iterator;

    iterator begin() noexcept { return items_.begin(); }
    iterator end() noexcept { return items_.end(); }
    const_iterator begin() const noexcept { return items_.begin(); }
    const_iterator end() const noexcept { return items_.end(); }
    size_t size() const noexcept { return items_.size(); }
    bool empty() const noexcept { return items_.empty(); }
    void clear() noexcept { items_.clear(); }

    iterator find(const Key& key) {
        auto it = lower_bound(key);
        return it != items_.end() && it->first == key ? it : items_.end();
    }
    const_iterator find(const Key& key) const {
        auto it = std::lower_bound(items_.begin(), items_.end(), key, key_less);
        return it != items_.end() && it->first == key ? it : items_.end();
    }
    size_t count(const Key& key) const { return find(key) != items_.end() ? 1 : 0; }

    // The value at `key`, default-constructed first if absent (as std::map's).
    Value& operator[](const Key& key) {
        if (items_.empty() || items_.back().first < key) {
            items_.emplace_back(key, Value());  // the usual case: a new, highest id
            return items_.back().second;
        }
        auto it = lower_bound(key);
        if (it == items_.end() || it->first != key) it = items_.emplace(it, key, Value());
        return it->second;
    }

    iterator erase(iterator it) { return items_.erase(it); }
    size_t erase(const Key& key) {
        auto it = find(key);
        if (it == items_.end()) return 0;
        items_.erase(it);
        return 1;
    }

private:
    static bool key_less(const value_type& item, const Key& key) { return item.first < key; }
    iterator lower_bound(const Key& key) {
        return std::lower_bound(items_.begin(), items_.end(), key, key_less);
    }

    std::vector<value_type> items_;  // sorted by key, keys unique
};

}  // namespace sculpin::sim
