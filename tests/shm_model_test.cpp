// The shared-memory model against rules measured on this machine's kernel (each rule measured with a C program; see the scenarios in tests/scenarios).
#include <gtest/gtest.h>

#include <algorithm>

#include "explain/present.h"
#include "sim/kernel.h"

using namespace sim;

namespace {

struct Shm : ::testing::Test {
    Kernel k;
    int a = k.spawn("a", 0, 0);
    int b = k.spawn("b", 0, 0);
    int user = k.spawn("user", 1000, 100);

    std::int64_t ok(const SyscallResult& r) {
        EXPECT_EQ(r.err, 0);
        EXPECT_EQ(r.fate, Fate::returned);
        return r.ret;
    }
    const shmid_kernel& seg(int id) { return *k.ns().shm_ids.find_id(id); }
};

}  // namespace

TEST_F(Shm, fresh_namespace_gives_ids_0_1_2_and_does_not_reuse_a_removed_one_at_once) {
    EXPECT_EQ(ok(k.shmget(a, IPC_PRIVATE, 100, 0600)), 0);
    EXPECT_EQ(ok(k.shmget(a, IPC_PRIVATE, 100, 0600)), 1);
    EXPECT_EQ(ok(k.shmget(a, 1234, 2052, 0666 | IPC_CREAT)), 2);
    ok(k.shmctl(a, 1, IPC_RMID, {}));
    EXPECT_EQ(ok(k.shmget(a, IPC_PRIVATE, 100, 0600)), 3);
}

TEST_F(Shm, index_wraps_after_64_and_seq_rises_as_measured) {
    // Measured: with 0, 2, 3 in use, 70 create/remove cycles give 4..63, then 32769, 32772, ...
    ok(k.shmget(a, IPC_PRIVATE, 1, 0600));
    int b1 = static_cast<int>(ok(k.shmget(a, IPC_PRIVATE, 1, 0600)));
    ok(k.shmget(a, IPC_PRIVATE, 1, 0600));
    ok(k.shmctl(a, b1, IPC_RMID, {}));
    ok(k.shmget(a, IPC_PRIVATE, 1, 0600));
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 70; ++i) {
        auto id = ok(k.shmget(a, IPC_PRIVATE, 1, 0600));
        ids.push_back(id);
        ok(k.shmctl(a, id, IPC_RMID, {}));
    }
    EXPECT_EQ(ids[0], 4);
    EXPECT_EQ(ids[59], 63);
    EXPECT_EQ(ids[60], 32769);
    EXPECT_EQ(ids[61], 32772);
}

TEST_F(Shm, shmget_errno_order_is_exist_then_size_then_permission) {
    ok(k.shmget(a, 1234, 2052, 0600 | IPC_CREAT));
    EXPECT_EQ(k.shmget(a, 1234, 4096, 0666 | IPC_CREAT | IPC_EXCL).err, EEXIST);
    EXPECT_EQ(k.shmget(a, 1234, 4096, 0666 | IPC_CREAT).err, EINVAL);
    EXPECT_EQ(k.shmget(user, 1234, 99999, 0600).err, EINVAL);  // size before permission
    EXPECT_EQ(k.shmget(user, 1234, 0, 0600).err, EACCES);
    EXPECT_EQ(ok(k.shmget(user, 1234, 0, 0)), 0);  // asking for nothing passes
    EXPECT_EQ(k.shmget(a, 1236, 100, 0).err, ENOENT);
    EXPECT_EQ(k.shmget(a, IPC_PRIVATE, 0, 0600).err, EINVAL);
}

TEST_F(Shm, first_touch_faults_once_per_process_and_page_and_allocates_once_per_segment) {
    int id = static_cast<int>(ok(k.shmget(a, 1234, 3 * 4096, 0600 | IPC_CREAT)));
    auto pa = static_cast<std::uint64_t>(ok(k.shmat(a, id, 0, 0)));
    auto pb = static_cast<std::uint64_t>(ok(k.shmat(b, id, 0, 0)));
    ok(k.store(a, pa, "x"));
    ok(k.store(a, pa + 1, "y"));
    EXPECT_EQ(k.task(a)->min_flt, 1u);
    EXPECT_EQ(seg(id).pages.size(), 1u);
    auto r = k.load(b, pb, 2);
    EXPECT_EQ(r.data, "xy");
    EXPECT_EQ(k.task(b)->min_flt, 1u);
    EXPECT_EQ(seg(id).pages.size(), 1u);  // b found a's frame
    EXPECT_EQ(k.task(a)->mm.page_table.at(pa).pfn, k.task(b)->mm.page_table.at(pb).pfn);
    ok(k.store(a, pa + 4000, std::string(200, 'z')));  // spans pages 0 and 1
    EXPECT_EQ(k.task(a)->min_flt, 2u);
}

// The MMU sets Accessed on every access through an entry and Dirty on a write, including the
// access retried after the fault that made the entry.
TEST_F(Shm, loads_set_accessed_and_stores_set_accessed_and_dirty) {
    int id = static_cast<int>(ok(k.shmget(a, IPC_PRIVATE, 2 * 4096, 0600)));
    auto p = static_cast<std::uint64_t>(ok(k.shmat(a, id, 0, 0)));
    ok(k.load(a, p, 1));
    ok(k.store(a, p + 4096, "x"));
    const auto& pt = k.task(a)->mm.page_table;
    EXPECT_TRUE(pt.at(p).accessed);
    EXPECT_FALSE(pt.at(p).dirty) << "a read fault on a writable mapping: writable, clean";
    EXPECT_TRUE(pt.at(p).writable);
    EXPECT_TRUE(pt.at(p + 4096).accessed);
    EXPECT_TRUE(pt.at(p + 4096).dirty);
    ok(k.store(a, p, "y"));  // no fault: the MMU sets Dirty on the entry it walks to
    EXPECT_TRUE(pt.at(p).dirty);
    EXPECT_EQ(k.task(a)->min_flt, 2u);
}

TEST_F(Shm, a_read_of_a_never_written_page_allocates_a_zeroed_frame) {
    int id = static_cast<int>(ok(k.shmget(a, IPC_PRIVATE, 4096, 0600)));
    auto p = static_cast<std::uint64_t>(ok(k.shmat(a, id, 0, SHM_RDONLY)));
    auto r = k.load(a, p, 4);
    EXPECT_EQ(r.data, std::string(4, '\0'));
    EXPECT_EQ(seg(id).pages.size(), 1u);
    EXPECT_EQ(k.task(a)->min_flt, 1u);
}

TEST_F(Shm, store_through_shm_rdonly_kills_with_sigsegv_and_detaches) {
    int id = static_cast<int>(ok(k.shmget(a, IPC_PRIVATE, 4096, 0600)));
    auto p = static_cast<std::uint64_t>(ok(k.shmat(a, id, 0, SHM_RDONLY)));
    auto r = k.store(a, p, "x");
    EXPECT_EQ(r.fate, Fate::killed);
    EXPECT_EQ(r.signo, SIGSEGV);
    EXPECT_EQ(k.task(a)->state, TaskState::killed);
    EXPECT_EQ(seg(id).shm_nattch, 0u);
    EXPECT_EQ(seg(id).shm_lprid, a);
}

TEST_F(Shm, rmid_while_attached_sets_shm_dest_and_last_detach_destroys) {
    int id = static_cast<int>(ok(k.shmget(a, 1234, 2052, 0666 | IPC_CREAT)));
    auto p = static_cast<std::uint64_t>(ok(k.shmat(a, id, 0, 0)));
    ok(k.shmctl(a, id, IPC_RMID, {}));
    EXPECT_EQ(seg(id).shm_perm.mode, 01666u);
    EXPECT_EQ(seg(id).shm_perm.key, 0);
    EXPECT_EQ(k.shmget(a, 1234, 0, 0).err, ENOENT);
    auto q = static_cast<std::uint64_t>(ok(k.shmat(b, id, 0, 0)));  // by id still works
    ok(k.shmdt(a, p));
    EXPECT_NE(k.ns().shm_ids.find_id(id), nullptr);
    ok(k.shmdt(b, q));
    EXPECT_EQ(k.ns().shm_ids.find_id(id), nullptr);
    EXPECT_EQ(k.shmctl(a, id, IPC_STAT, {}).err, EINVAL);
}

TEST_F(Shm, fork_inherits_attachments_but_not_ptes_and_exit_detaches) {
    int id = static_cast<int>(ok(k.shmget(a, IPC_PRIVATE, 4096, 0600)));
    auto p = static_cast<std::uint64_t>(ok(k.shmat(a, id, 0, 0)));
    ok(k.store(a, p, "hi"));
    int c = static_cast<int>(ok(k.fork(a, "c")));
    EXPECT_EQ(seg(id).shm_nattch, 2u);
    EXPECT_EQ(seg(id).shm_lprid, a);
    EXPECT_TRUE(k.task(c)->mm.page_table.empty());
    EXPECT_EQ(k.load(c, p, 2).data, "hi");
    EXPECT_EQ(k.task(c)->min_flt, 1u);
    k.exit(c, 0);
    EXPECT_EQ(seg(id).shm_nattch, 1u);
    EXPECT_EQ(seg(id).shm_lprid, c);
    EXPECT_EQ(seg(id).pages.size(), 1u);  // rss does not drop on detach
}

TEST_F(Shm, permissions_between_two_uids) {
    int id = static_cast<int>(ok(k.shmget(a, 1234, 4096, 0600 | IPC_CREAT)));
    EXPECT_EQ(k.shmat(user, id, 0, 0).err, EACCES);
    EXPECT_EQ(k.shmat(user, id, 0, SHM_RDONLY).err, EACCES);
    EXPECT_EQ(k.shmctl(user, id, IPC_STAT, {}).err, EACCES);
    EXPECT_EQ(k.shmctl(user, 0, SHM_STAT, {}).err, EACCES);
    EXPECT_EQ(k.shmctl(user, id, IPC_RMID, {}).err, EPERM);
    EXPECT_EQ(k.shmctl(user, id, SHM_LOCK, {}).err, EPERM);
    EXPECT_EQ(ok(k.shmctl(user, id, IPC_INFO, {})), 0);
    IpcSetFields set;
    set.mode = 0644;
    set.uid = 1000;
    ok(k.shmctl(a, id, IPC_SET, set));
    ok(k.shmat(user, id, 0, 0));
    ok(k.shmctl(user, id, IPC_RMID, {}));
}

TEST_F(Shm, shmdt_needs_the_exact_start_and_a_second_shmdt_fails) {
    int id = static_cast<int>(ok(k.shmget(a, IPC_PRIVATE, 4096, 0600)));
    auto p = static_cast<std::uint64_t>(ok(k.shmat(a, id, 0, 0)));
    EXPECT_EQ(k.shmdt(a, p + 1).err, EINVAL);
    ok(k.shmdt(a, p));
    EXPECT_EQ(k.shmdt(a, p).err, EINVAL);
}

TEST_F(Shm, shm_lock_sets_02000_in_the_mode) {
    int id = static_cast<int>(ok(k.shmget(a, IPC_PRIVATE, 4096, 0666)));
    ok(k.shmctl(a, id, SHM_LOCK, {}));
    EXPECT_EQ(seg(id).shm_perm.mode, 02666u);
    ok(k.shmctl(a, id, SHM_UNLOCK, {}));
    EXPECT_EQ(seg(id).shm_perm.mode, 0666u);
}

TEST_F(Shm, an_untouched_terabyte_segment_costs_nothing_per_page) {
    int id = static_cast<int>(ok(k.shmget(a, IPC_PRIVATE, std::int64_t{1} << 40, 0600)));
    auto p = static_cast<std::uint64_t>(ok(k.shmat(a, id, 0, 0)));
    ok(k.store(a, p + (std::uint64_t{1} << 39), "mid"));
    EXPECT_EQ(seg(id).pages.size(), 1u);
    EXPECT_EQ(k.task(a)->mm.page_table.size(), 1u);
}

TEST_F(Shm, kill_with_a_default_ignored_signal_leaves_the_target_alone) {
    ok(k.kill(a, b, SIGCHLD));
    EXPECT_EQ(k.task(b)->state, TaskState::ready);
    ok(k.kill(a, b, SIGTERM));
    EXPECT_EQ(k.task(b)->state, TaskState::killed);
    EXPECT_EQ(k.kill(a, b, SIGKILL).err, ESRCH);
}

// what does a store through SHM_RDONLY meet after a read fault has mapped the page read-only?
TEST_F(Shm, a_store_to_a_page_mapped_read_only_is_a_protection_fault_not_a_missing_pte) {
    int id = static_cast<int>(ok(k.shmget(a, IPC_PRIVATE, 4096, 0666)));
    auto r = static_cast<std::uint64_t>(ok(k.shmat(b, id, 0, SHM_RDONLY)));
    ok(k.load(b, r, 1));  // the read fault installs a present, read-only PTE
    auto store = k.store(b, r, "x");
    EXPECT_EQ(store.fate, Fate::killed);
    EXPECT_EQ(store.signo, SIGSEGV);
    auto fault_it = std::find_if(store.events.begin(), store.events.end(), [](const KernelEvent& e) { return e.function == "do_user_addr_fault"; });
    ASSERT_NE(fault_it, store.events.end());
    std::string fault = explain::english_sentence(*fault_it, store.texts, k);
    EXPECT_NE(fault.find("is present"), std::string::npos) << fault;
    EXPECT_NE(fault.find("read-only"), std::string::npos) << fault;
    EXPECT_EQ(fault.find("no PTE"), std::string::npos) << fault;
    // The entry it names, as typed arguments: the attach address and the segment's frame.
    const std::uint64_t* pfn = seg(id).pages.lookup(0);
    ASSERT_NE(pfn, nullptr);
    EXPECT_EQ(fault_it->arg("vaddr"), r);
    EXPECT_EQ(fault_it->arg("pfn"), *pfn);
}

// The model is a machine with no huge pages reserved (vm.nr_hugepages 0), as this one measured.
TEST_F(Shm, shm_hugetlb_gets_enomem_with_no_huge_pages_reserved) {
    auto r = k.shmget(a, IPC_PRIVATE, 2 << 20, SHM_HUGETLB | 0600);
    EXPECT_EQ(r.ret, -1);
    EXPECT_EQ(r.err, ENOMEM);
    EXPECT_TRUE(k.ns().shm_ids.entries.empty());
}
