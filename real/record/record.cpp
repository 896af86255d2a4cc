#include "real/record/record.h"

#include "real/record/recording.h"
#include "real/record/tracer.h"
#include "real/sandbox.h"

namespace real::record {

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
    Tracer tracer(rec, TraceOptions{opt.argv, opt.timeout_s, opt.max_steps, opt.output_to_stderr});
    if (auto why = tracer.run()) {
        out.why_not = *why;
        return out;
    }
    out.bad_command = tracer.command_error();
    out.scenario = write_scenario(rec, opt.out_dir);
    return out;
}

}  // namespace real::record
