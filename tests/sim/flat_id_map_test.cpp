#include "sim/flat_id_map.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <vector>

namespace sculpin::sim {
namespace {

TEST(FlatIdMapTest, FindsInsertsAndErasesLikeAStdMap) {
    FlatIdMap<uint64_t, int> flat;
    std::map<uint64_t, int> reference;
    // A deterministic mix of appends (the usual case), inserts in the middle and erases.
    uint64_t x = 99;
    for (int i = 0; i < 2000; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const uint64_t key = (x >> 33) % 300;
        if ((x >> 20) % 3 == 0) {
            EXPECT_EQ(flat.erase(key), reference.erase(key));
        } else {
            flat[key] = i;
            reference[key] = i;
        }
        ASSERT_EQ(flat.size(), reference.size());
        EXPECT_EQ(flat.count(key), reference.count(key));
    }
    // Same contents, same (key) order.
    std::vector<std::pair<uint64_t, int>> walked(flat.begin(), flat.end());
    std::vector<std::pair<uint64_t, int>> expected(reference.begin(), reference.end());
    EXPECT_EQ(walked, expected);
    for (const auto& [key, value] : reference) {
        auto it = flat.find(key);
        ASSERT_NE(it, flat.end());
        EXPECT_EQ(it->second, value);
    }
    EXPECT_EQ(flat.find(1000), flat.end());
}

TEST(FlatIdMapTest, EraseWhileWalkingAndMoveOnlyValues) {
    FlatIdMap<uint64_t, std::unique_ptr<int>> flat;
    for (uint64_t id = 10; id > 0; --id) flat[id] = std::make_unique<int>(static_cast<int>(id));
    EXPECT_EQ(flat.begin()->first, 1u);  // kept sorted whatever the insertion order
    for (auto it = flat.begin(); it != flat.end();) {
        if (*it->second % 2 == 0) {
            it = flat.erase(it);
        } else {
            ++it;
        }
    }
    std::vector<uint64_t> left;
    for (const auto& [id, value] : flat) left.push_back(id);
    EXPECT_EQ(left, (std::vector<uint64_t>{1, 3, 5, 7, 9}));
    flat.clear();
    EXPECT_TRUE(flat.empty());
}

}  // namespace
}  // namespace sculpin::sim
