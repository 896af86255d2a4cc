#include "real/record/record.h"

#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <set>

#include "real/record/recording.h"
#include "real/record/tracer.h"
#include "real/procfs.h"
#include "real/sandbox.h"

namespace real::record {

namespace {

// The System V objects of this IPC namespace, as ("shm"|"msq"|"sem", id).
std::set<std::pair<std::string, int>> objects_now() {
    std::set<std::pair<std::string, int>> out;
    for (const auto& r : read_sysvipc_shm(read_file("/proc/sysvipc/shm").value_or(""))) out.insert({"shm", r.shmid});
    for (const auto& r : read_sysvipc_msg(read_file("/proc/sysvipc/msg").value_or(""))) out.insert({"msq", r.msqid});
    for (const auto& r : read_sysvipc_sem(read_file("/proc/sysvipc/sem").value_or(""))) out.insert({"sem", r.semid});
    return out;
}

// A recording cut short in the machine's own namespace (--host-ipc) leaves what its killed processes
// had made and would have removed: those objects, the ones that were not there before it, are removed.
std::vector<std::string> remove_new_objects(const std::set<std::pair<std::string, int>>& before) {
    std::vector<std::string> removed;
    for (const auto& [kind, id] : objects_now()) {
        if (before.count({kind, id})) continue;
        int r = kind == "shm" ? ::shmctl(id, IPC_RMID, nullptr) : kind == "msq" ? ::msgctl(id, IPC_RMID, nullptr) : ::semctl(id, 0, IPC_RMID);
        if (r == 0) removed.push_back(kind + " " + std::to_string(id));
    }
    return removed;
}

}  // namespace

RecordResult record(const RecordOptions& opt) {
    RecordResult out;
    if (!opt.host_ipc) {
        if (auto why = enter_record_namespace()) {
            out.why_not = *why;
            return out;
        }
    }
    Recording rec;
    rec.command = opt.argv;
    rec.host_ipc = opt.host_ipc;
    auto before = opt.host_ipc ? objects_now() : std::set<std::pair<std::string, int>>{};
    Tracer tracer(rec, TraceOptions{opt.argv, opt.timeout_s, opt.max_steps, opt.output_to_stderr});
    if (auto why = tracer.run()) {
        out.why_not = *why;
        return out;
    }
    if (opt.host_ipc && tracer.cut_short()) out.removed = remove_new_objects(before);
    out.bad_command = tracer.command_error();
    out.scenario = write_scenario(rec, opt.out_dir);
    return out;
}

}  // namespace real::record
