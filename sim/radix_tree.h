// A sparse array over a 64-bit index, kept as the kernel keeps its own: a tree of fixed-size nodes,
// each level indexed by the next `Bits` bits of the index. x86-64's page table is 4 levels of 512
// entries (pgd, pud, pmd, pte); the page cache's xarray has 64 slots a node. A lookup costs `Levels`
// steps however large the space, and memory grows with the entries present, not with the range.
//
// The interface is the part of std::map the model uses, with keys shifted left by `Shift` (the page
// table is indexed by virtual page number, and read by page address). Iteration is in key order.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

namespace sim {
namespace radix_detail {

// A node with `L` levels at and below it. Leaves (L == 1) hold the values and a presence bitmap.
template <typename V, int Bits, int L>
struct node {
    static constexpr std::size_t kSlots = std::size_t{1} << Bits;
    using child_t = node<V, Bits, L - 1>;
    std::array<std::unique_ptr<child_t>, kSlots> slot{};
    std::uint32_t used = 0;

    node() = default;
    node(const node& o) : used(o.used) {
        for (std::size_t i = 0; i < kSlots; ++i)
            if (o.slot[i]) slot[i] = std::make_unique<child_t>(*o.slot[i]);
    }
    node& operator=(const node&) = delete;
};

template <typename V, int Bits>
struct node<V, Bits, 1> {
    static constexpr std::size_t kSlots = std::size_t{1} << Bits;
    std::array<V, kSlots> slot{};
    std::bitset<kSlots> present;
    std::uint32_t used = 0;
};

}  // namespace radix_detail

template <typename V, int Bits, int Levels, int Shift = 0>
class radix_tree {
    static_assert(Bits * Levels + Shift <= 64);
    static constexpr std::size_t kSlots = std::size_t{1} << Bits;
    static constexpr std::uint64_t kMask = kSlots - 1;
    static constexpr int kIndexBits = Bits * Levels;
    using root_t = radix_detail::node<V, Bits, Levels>;
    using leaf_t = radix_detail::node<V, Bits, 1>;

public:
    using key_type = std::uint64_t;

    template <bool Const>
    class basic_iterator {
    public:
        using ref = std::conditional_t<Const, const V&, V&>;
        using value_type = std::pair<key_type, ref>;
        using tree_t = std::conditional_t<Const, const radix_tree, radix_tree>;
        struct arrow {
            value_type v;
            const value_type* operator->() const { return &v; }
        };

        basic_iterator() = default;
        basic_iterator(tree_t* t, std::optional<std::uint64_t> index) : m_tree(t), m_index(index) {}
        value_type operator*() const { return {*m_index << Shift, *m_tree->slot_of(*m_index)}; }
        arrow operator->() const { return {**this}; }
        basic_iterator& operator++() {
            m_index = *m_index == max_index() ? std::nullopt : m_tree->next_index(*m_index + 1);
            return *this;
        }
        template <bool C>
        bool operator==(const basic_iterator<C>& o) const { return m_index == o.index(); }
        std::optional<std::uint64_t> index() const { return m_index; }

    private:
        tree_t* m_tree = nullptr;
        std::optional<std::uint64_t> m_index;  // empty: the end
    };
    using iterator = basic_iterator<false>;
    using const_iterator = basic_iterator<true>;

    radix_tree() = default;
    radix_tree(const radix_tree& o) : m_root(o.m_root ? std::make_unique<root_t>(*o.m_root) : nullptr), m_size(o.m_size) {}
    radix_tree(radix_tree&& o) noexcept : m_root(std::move(o.m_root)), m_size(o.m_size), m_leaf(o.m_leaf), m_leaf_at(o.m_leaf_at) {
        o.m_size = 0;
        o.m_leaf = nullptr;
    }
    radix_tree& operator=(radix_tree o) noexcept {
        std::swap(m_root, o.m_root);
        std::swap(m_size, o.m_size);
        std::swap(m_leaf, o.m_leaf);
        std::swap(m_leaf_at, o.m_leaf_at);
        return *this;
    }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

    // The value at key, or null: the page walk. A lookup in the leaf of the last walk skips it.
    V* lookup(key_type key) {
        if (!in_range(key)) return nullptr;
        std::uint64_t index = key >> Shift;
        if (leaf_t* leaf = leaf_of(index)) return in_leaf(*leaf, index);
        return nullptr;
    }
    // The same without remembering the leaf: a const tree may be read by several threads.
    const V* lookup(key_type key) const { return in_range(key) ? slot_of(key >> Shift) : nullptr; }
    V& at(key_type key) {
        V* v = lookup(key);
        if (!v) throw std::out_of_range("radix_tree::at");
        return *v;
    }
    const V& at(key_type key) const { return const_cast<radix_tree*>(this)->at(key); }
    std::size_t count(key_type key) const { return lookup(key) ? 1 : 0; }

    // Sets the value at key, making the nodes on the way. False (nothing stored) for a key
    // beyond the tree's reach; callers keep their keys inside it.
    bool set(key_type key, V value) {
        V* slot = try_emplace(key).first;
        if (slot) *slot = std::move(value);
        return slot != nullptr;
    }

    // The value at key, made (value-initialised) when absent: {slot, whether it was made}. One
    // walk where a find and then a set take two. {null, false} beyond the tree's reach.
    std::pair<V*, bool> try_emplace(key_type key) {
        if (!in_range(key)) return {nullptr, false};
        std::uint64_t index = key >> Shift;
        if (!m_leaf || (index >> Bits) != m_leaf_at) {
            if (!m_root) m_root = std::make_unique<root_t>();
            m_leaf = &make_leaf<Levels>(*m_root, index);
            m_leaf_at = index >> Bits;
        }
        auto made = emplace<1>(*m_leaf, index);
        if (made.second) ++m_size;
        return made;
    }

    bool erase(key_type key) {
        m_leaf = nullptr;  // the walk back up may free the leaf
        if (!m_root || !in_range(key) || !remove(*m_root, key >> Shift)) return false;
        --m_size;
        if (m_root->used == 0) m_root.reset();
        return true;
    }

    // Drops every entry with a key in [lo, hi); returns how many there were.
    std::size_t erase_range(key_type lo, key_type hi) {
        std::size_t n = 0;
        if (!in_range(lo)) return 0;
        for (auto i = next_index(ceil_index(lo)); i && (*i << Shift) < hi; i = next_index(*i)) {
            erase(*i << Shift);
            ++n;
        }
        return n;
    }

    iterator begin() { return {this, next_index(0)}; }
    iterator end() { return {this, std::nullopt}; }
    const_iterator begin() const { return {this, next_index(0)}; }
    const_iterator end() const { return {this, std::nullopt}; }
    iterator find(key_type key) { return lookup(key) ? iterator{this, key >> Shift} : end(); }
    const_iterator find(key_type key) const { return lookup(key) ? const_iterator{this, key >> Shift} : end(); }
    // The first entry whose key is at least `key`.
    const_iterator lower_bound(key_type key) const {
        if (!in_range(key)) return end();
        return {this, next_index(ceil_index(key))};
    }

    bool operator==(const radix_tree& o) const {
        if (m_size != o.m_size) return false;
        for (auto a = begin(), b = o.begin(); a != end(); ++a, ++b)
            if ((*a).first != (*b).first || !((*a).second == (*b).second)) return false;
        return true;
    }

private:
    static constexpr std::uint64_t max_index() {
        return kIndexBits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << kIndexBits) - 1;
    }
    static bool in_range(key_type key) { return (key >> Shift) <= max_index(); }
    // The first index whose key is >= key (keys need not be multiples of 1 << Shift).
    static std::uint64_t ceil_index(key_type key) { return (key >> Shift) + ((key & ((key_type{1} << Shift) - 1)) != 0); }
    template <int L>
    static std::size_t slot_at(std::uint64_t index) { return static_cast<std::size_t>((index >> (Bits * (L - 1))) & kMask); }

    V* slot_of(std::uint64_t index) const {
        if (!m_root) return nullptr;
        return walk<Levels>(*m_root, index);
    }
    template <int L>
    static V* walk(radix_detail::node<V, Bits, L>& n, std::uint64_t index) {
        std::size_t s = slot_at<L>(index);
        if constexpr (L == 1) {
            return n.present[s] ? &n.slot[s] : nullptr;
        } else {
            return n.slot[s] ? walk<L - 1>(*n.slot[s], index) : nullptr;
        }
    }

    // The leaf that holds index, from the last walk or by a new one (remembered); null when absent.
    leaf_t* leaf_of(std::uint64_t index) {
        if (m_leaf && (index >> Bits) == m_leaf_at) return m_leaf;
        if (!m_root) return nullptr;
        leaf_t* leaf = find_leaf<Levels>(*m_root, index);
        if (leaf) m_leaf = leaf, m_leaf_at = index >> Bits;
        return leaf;
    }
    static V* in_leaf(leaf_t& leaf, std::uint64_t index) {
        std::size_t s = slot_at<1>(index);
        return leaf.present[s] ? &leaf.slot[s] : nullptr;
    }
    template <int L>
    static leaf_t* find_leaf(radix_detail::node<V, Bits, L>& n, std::uint64_t index) {
        if constexpr (L == 1) {
            return &n;
        } else {
            std::size_t s = slot_at<L>(index);
            return n.slot[s] ? find_leaf<L - 1>(*n.slot[s], index) : nullptr;
        }
    }
    // The leaf that holds index, making the nodes on the way.
    template <int L>
    static leaf_t& make_leaf(radix_detail::node<V, Bits, L>& n, std::uint64_t index) {
        if constexpr (L == 1) {
            return n;
        } else {
            std::size_t s = slot_at<L>(index);
            if (!n.slot[s]) {
                n.slot[s] = std::make_unique<radix_detail::node<V, Bits, L - 1>>();
                ++n.used;
            }
            return make_leaf<L - 1>(*n.slot[s], index);
        }
    }

    template <int L>
    static std::pair<V*, bool> emplace(radix_detail::node<V, Bits, L>& n, std::uint64_t index) {
        std::size_t s = slot_at<L>(index);
        if constexpr (L == 1) {
            if (n.present[s]) return {&n.slot[s], false};
            n.present[s] = true;
            ++n.used;
            return {&n.slot[s], true};  // removal left the slot value-initialised
        } else {
            if (!n.slot[s]) {
                n.slot[s] = std::make_unique<radix_detail::node<V, Bits, L - 1>>();
                ++n.used;
            }
            return emplace<L - 1>(*n.slot[s], index);
        }
    }

    // Frees the nodes it empties on the way back up, as free_pgtables does for page tables.
    template <int L>
    static bool remove(radix_detail::node<V, Bits, L>& n, std::uint64_t index) {
        std::size_t s = slot_at<L>(index);
        if constexpr (L == 1) {
            if (!n.present[s]) return false;
            n.present[s] = false;
            n.slot[s] = V{};
            --n.used;
            return true;
        } else {
            if (!n.slot[s] || !remove<L - 1>(*n.slot[s], index)) return false;
            if (n.slot[s]->used == 0) {
                n.slot[s].reset();
                --n.used;
            }
            return true;
        }
    }

    std::optional<std::uint64_t> next_index(std::uint64_t from) const {
        if (!m_root || from > max_index()) return std::nullopt;
        return first_from<Levels>(*m_root, from);
    }
    // The smallest present index >= from below this node; `from` counts only its low bits.
    template <int L>
    static std::optional<std::uint64_t> first_from(const radix_detail::node<V, Bits, L>& n, std::uint64_t from) {
        constexpr int kBelow = Bits * (L - 1);
        const std::uint64_t high = kBelow + Bits >= 64 ? 0 : (from >> (kBelow + Bits)) << (kBelow + Bits);
        for (std::size_t s = slot_at<L>(from); s < kSlots; ++s) {
            std::uint64_t base = high | (static_cast<std::uint64_t>(s) << kBelow);
            if constexpr (L == 1) {
                if (n.present[s]) return base;
            } else if (n.slot[s]) {
                if (auto found = first_from<L - 1>(*n.slot[s], s == slot_at<L>(from) ? from : base)) return found;
            }
        }
        return std::nullopt;
    }

    std::unique_ptr<root_t> m_root;
    std::size_t m_size = 0;
    // The leaf of the last walk and which one it is (index >> Bits): consecutive pages share a leaf,
    // and skip the walk, as a TLB's hits do. A copy starts without it; an erase forgets it.
    leaf_t* m_leaf = nullptr;
    std::uint64_t m_leaf_at = 0;
};

}  // namespace sim
