// The sparse tree behind page tables, page caches and frames must behave as the std::map it replaced:
// the same entries, in the same order, through sets, erases and range erases.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "sim/radix_tree.h"

namespace {

// Small nodes (8 slots, 4 levels, keys in steps of 4) so that random keys cross many node edges.
using small_tree = sim::radix_tree<int, 3, 4, 2>;

void expect_same(const small_tree& t, const std::map<std::uint64_t, int>& m) {
    ASSERT_EQ(t.size(), m.size());
    auto it = t.begin();
    for (const auto& [k, v] : m) {
        ASSERT_NE(it, t.end());
        EXPECT_EQ(it->first, k);
        EXPECT_EQ(it->second, v);
        ++it;
    }
    EXPECT_EQ(it, t.end());
}

TEST(RadixTree, agrees_with_a_map_through_random_sets_erases_and_range_erases) {
    std::mt19937_64 rng(1);
    for (int round = 0; round < 50; ++round) {
        small_tree t;
        std::map<std::uint64_t, int> m;
        for (int i = 0; i < 300; ++i) {
            std::uint64_t key = (rng() % 4000) << 2;
            switch (rng() % 4) {
            case 0:
            case 1:
                t.set(key, i);
                m[key] = i;
                break;
            case 2: EXPECT_EQ(t.erase(key), m.erase(key) == 1); break;
            default: {
                std::uint64_t lo = rng() % 16000, hi = lo + rng() % 400;
                std::size_t n = 0;
                for (auto it = m.lower_bound(lo); it != m.end() && it->first < hi; ++n) it = m.erase(it);
                EXPECT_EQ(t.erase_range(lo, hi), n);
            }
            }
            std::uint64_t probe = rng() % 16390;
            auto a = t.lower_bound(probe);
            auto b = m.lower_bound(probe);
            ASSERT_EQ(a == t.end(), b == m.end()) << probe;
            if (b != m.end()) {
                EXPECT_EQ(a->first, b->first);
            }
        }
        expect_same(t, m);
        small_tree copy = t;
        EXPECT_EQ(copy, t);
        if (!m.empty()) {
            copy.erase(m.begin()->first);
            EXPECT_NE(copy, t);
            expect_same(t, m);  // the copy is deep
        }
    }
}

TEST(RadixTree, reaches_the_ends_of_its_range_and_refuses_beyond) {
    sim::radix_tree<int, 9, 4, 12> page_table;  // x86-64: 48-bit addresses
    EXPECT_TRUE(page_table.set(0x7ffffffff000, 1));
    EXPECT_TRUE(page_table.set(0, 2));
    EXPECT_FALSE(page_table.set(std::uint64_t{1} << 48, 3));
    EXPECT_EQ(page_table.size(), 2u);
    EXPECT_EQ(page_table.lower_bound(1)->first, 0x7ffffffff000u);
    EXPECT_EQ(page_table.lower_bound(0x7ffffffff001), page_table.end());
    EXPECT_EQ(page_table.count(std::uint64_t{1} << 48), 0u);
    EXPECT_THROW(page_table.at(0x1000), std::out_of_range);
    EXPECT_EQ(page_table.erase_range(0, std::uint64_t{1} << 48), 2u);
    EXPECT_TRUE(page_table.empty());
}

}  // namespace

// The tree remembers the leaf of its last walk (consecutive pages skip the walk). Does a lookup
// through that memory ever see a leaf that an erase freed, or that a copy or a move left behind?
TEST(RadixTree, the_remembered_leaf_never_outlives_an_erase_a_copy_or_a_move) {
    using tree = sim::radix_tree<std::uint64_t, 6, 9>;
    std::mt19937_64 rng(7);
    tree t;
    std::map<std::uint64_t, std::uint64_t> ref;
    for (int round = 0; round < 20000; ++round) {
        // Eight leaves of three keys each: walks that hit the remembered leaf, walks that miss it, and
        // leaves that an erase empties and frees.
        std::uint64_t key = (rng() % 8) * 64 + rng() % 3;
        switch (rng() % 6) {
        case 0: case 1: *t.try_emplace(key).first = key + 1, ref[key] = key + 1; break;
        case 2: t.erase(key), ref.erase(key); break;
        case 3: {  // a copy and a move: each is looked up through its own leaf, never the other's
            tree copy = t;
            *copy.try_emplace(key).first = 99;
            tree moved = std::move(copy);
            ASSERT_EQ(*moved.lookup(key), 99u);
            t = moved;  // assignment drops the leaf t remembered, with its old nodes
            ref[key] = 99;
            break;
        }
        default: {
            auto it = ref.find(key);
            std::uint64_t* v = t.lookup(key);
            ASSERT_EQ(v != nullptr, it != ref.end()) << key;
            if (v) {
                ASSERT_EQ(*v, it->second) << key;
            }
        }
        }
        ASSERT_EQ(t.size(), ref.size());
    }
}
