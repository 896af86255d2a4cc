// The fixed C that checks outcomes and expectations: values as the scenario language compares them
// (pids as process names, addresses as offsets into their attachment), read off /proc and IPC_STAT.
#include "cli/export_c.h"

namespace cli::export_c {

const char* const kChecks = R"C(
/* ======================================================================================
   Values, as the scenario language compares them.
   ====================================================================================== */

enum val_kind { V_INT, V_TEXT, V_PROC, V_ADDR, V_TIME, V_NOW, V_MISSING, V_UNOBSERVABLE };
struct val {
    enum val_kind kind;
    long long i;          /* INT; ADDR: the address; TIME: seconds (0: never set); NOW: first second */
    long long latest;     /* NOW: last second */
    int is_unsigned;      /* INT: a field the kernel keeps unsigned */
    const char *label;    /* INT: its name ("EIDRM") */
    const char *s;        /* TEXT: bytes; PROC: name; MISSING, UNOBSERVABLE: why */
    size_t n;             /* TEXT: length */
    int shmid;            /* ADDR: the segment it points into (-1: none) */
    long long off;        /* ADDR: the offset into its attachment */
};
enum op { EQ, NE, LT, LE, GT, GE };

static MAYBE_UNUSED struct val vint(long long i) { struct val x = { V_INT, i, 0, 0, 0, 0, 0, -1, 0 }; return x; }
static MAYBE_UNUSED struct val vuint(unsigned long long u) { struct val x = vint((long long)u); x.is_unsigned = 1; return x; }
static MAYBE_UNUSED struct val vnamed(long long i, const char *label) { struct val x = vint(i); x.label = label; return x; }
static MAYBE_UNUSED struct val vtext(struct text t) { struct val x = { V_TEXT, 0, 0, 0, 0, t.p, t.n, -1, 0 }; return x; }
static MAYBE_UNUSED struct val vproc(const char *name) { struct val x = { V_PROC, 0, 0, 0, 0, name, 0, -1, 0 }; return x; }
static MAYBE_UNUSED struct val vtime(long long t) { struct val x = { V_TIME, t, 0, 0, 0, 0, 0, -1, 0 }; return x; }
static MAYBE_UNUSED struct val vnow(void) { struct val x = { V_NOW, step_start, step_end, 0, 0, 0, 0, -1, 0 }; return x; }

static MAYBE_UNUSED struct val vmissing(const char *fmt, ...)
{
    struct val x = { V_MISSING, 0, 0, 0, 0, 0, 0, -1, 0 };
    char *s = malloc(256);
    if (!s) abort();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, 256, fmt, ap);
    va_end(ap);
    x.s = s;
    return x;
}

static MAYBE_UNUSED struct val vunobservable(const char *why)
{
    struct val x = { V_UNOBSERVABLE, 0, 0, 0, 0, why, 0, -1, 0 };
    return x;
}

/* a + b, a - b ...: an address plus a number still points into its attachment; two texts join. */
static MAYBE_UNUSED struct val vbin(char op, struct val a, struct val b)
{
    if (a.kind == V_TEXT && b.kind == V_TEXT) {
        struct text t = text_join(text_of(a.s, a.n), text_of(b.s, b.n));
        return vtext(t);
    }
    unsigned long long x = (unsigned long long)a.i, y = (unsigned long long)b.i, r = 0;
    switch (op) {
    case '|': r = x | y; break;
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    }
    if (a.kind == V_ADDR && b.kind == V_INT && (op == '+' || op == '-')) {
        struct val out = a;
        out.i = (long long)r;
        out.off = op == '+' ? a.off + b.i : a.off - b.i;
        return out;
    }
    return vint((long long)r);
}

static MAYBE_UNUSED struct val vneg(struct val a) { return vint((long long)(0ULL - (unsigned long long)a.i)); }

static const char *errno_name(int err);

/* A pid compares as the name of its process; 0 (never set) as 0. */
static struct val pid_value(long long p)
{
    if (p == 0) return vint(0);
    for (int q = 0; q < NPROC; q++)
        if (P[q].pid == p) return vproc(proc_name[q]);
    char *s = malloc(32);
    if (!s) abort();
    snprintf(s, 32, "pid %lld", p);
    return vproc(s);
}

/* One System V mapping of a process: a line of /proc/PID/maps whose path is /SYSV<key>. */
struct sysv_map {
    unsigned long long start, end, pgoff;
    int shmid;
};

/* Up to `max` of them, in address order; how many there are. */
static int sysv_maps(int p, struct sysv_map *out, int max)
{
    if (!alive(p)) return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)P[p].pid);
    char *s = read_text(path);
    if (!s) return 0;
    int n = 0;
    for (char *line = s; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        unsigned long long start, end, off, inode;
        char perms[8], dev[16];
        int at = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %15s %llu %n", &start, &end, perms, &off, dev, &inode, &at) < 6 || at == 0) continue;
        if (strncmp(line + at, "/SYSV", 5) != 0) continue;
        if (n < max) {
            struct sysv_map m = { start, end, off / 4096, (int)inode };
            out[n] = m;
        }
        n++;
    }
    free(s);
    return n;
}

/* An address seen from process p: which attachment it falls in, and how far into it. */
static MAYBE_UNUSED struct val vaddr(int p, long long raw)
{
    struct val x = { V_ADDR, raw, 0, 0, 0, 0, 0, -1, 0 };
    struct sysv_map maps[64];
    int n = sysv_maps(p, maps, 64);
    for (int i = 0; i < n && i < 64; i++)
        if ((unsigned long long)raw >= maps[i].start && (unsigned long long)raw < maps[i].end) {
            x.shmid = maps[i].shmid;
            x.off = (long long)((unsigned long long)raw - maps[i].start + maps[i].pgoff * 4096);
        }
    return x;
}

/* PROC.ret as its kind of value: a pid after fork and semctl GETPID, an address after shmat. */
static struct val typed_ret(int p)
{
    if (P[p].ret != -1 && P[p].last_call == CALL_FORK && P[p].ret > 0) return pid_value(P[p].ret);
    if (P[p].ret != -1 && P[p].last_call == CALL_GETPID) return pid_value(P[p].ret);
    if (P[p].ret != -1 && P[p].last_call == CALL_SHMAT) return vaddr(p, P[p].ret);
    return vint(P[p].ret);
}

static void print_bytes(FILE *f, const char *s, size_t n, size_t max)
{
    fputc('"', f);
    for (size_t i = 0; i < n && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') fputs("\\n", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c == '\\') fputs("\\\\", f);
        else if (c == '"') fputs("\\\"", f);
        else if (c == 0) fputs("\\0", f);
        else if (c < 32 || c == 127) fprintf(f, "\\x%02x", c);
        else fputc(c, f);
    }
    fputc('"', f);
    if (n > max) fputs("...", f);
}

static void print_val(FILE *f, struct val x)
{
    switch (x.kind) {
    case V_INT:
        if (x.label) fputs(x.label, f);
        else if (x.is_unsigned) fprintf(f, "%llu", (unsigned long long)x.i);
        else fprintf(f, "%lld", x.i);
        break;
    case V_TIME:
        if (x.i == 0) fputs("0 (never set)", f);
        else fprintf(f, "%lld", x.i);
        break;
    case V_NOW:
        if (x.i == x.latest) fprintf(f, "now (%lld)", x.i);
        else fprintf(f, "now (%lld to %lld)", x.i, x.latest);
        break;
    case V_TEXT: print_bytes(f, x.s, x.n, 64); break;
    case V_PROC: fputs(x.s, f); break;
    case V_ADDR:
        if (x.shmid < 0) fprintf(f, "%#llx", (unsigned long long)x.i);
        else fprintf(f, "shm %d + %#llx", x.shmid, (unsigned long long)x.off);
        break;
    case V_MISSING: fprintf(f, "<%s>", x.s); break;
    case V_UNOBSERVABLE: fprintf(f, "<not observable: %s>", x.s); break;
    }
}

enum verdict { HOLDS, FAILS, NOT_OBSERVABLE };

static int ordered(long long a, enum op op, long long b)
{
    switch (op) {
    case EQ: return a == b;
    case NE: return a != b;
    case LT: return a < b;
    case LE: return a <= b;
    case GT: return a > b;
    case GE: return a >= b;
    }
    return 0;
}

static int ordered_u(unsigned long long a, enum op op, unsigned long long b)
{
    switch (op) {
    case EQ: return a == b;
    case NE: return a != b;
    case LT: return a < b;
    case LE: return a <= b;
    case GT: return a > b;
    case GE: return a >= b;
    }
    return 0;
}

/* The scenario language's comparison: a time field equals `now` when the step just made set it;
   an address and a number compare by the address's offset into its attachment. */
static enum verdict compare(struct val l, enum op op, struct val r)
{
    if (l.kind == V_UNOBSERVABLE || r.kind == V_UNOBSERVABLE) return NOT_OBSERVABLE;
    if (l.kind == V_MISSING || r.kind == V_MISSING) return FAILS;
    int lt = l.kind == V_TIME || l.kind == V_NOW, rt = r.kind == V_TIME || r.kind == V_NOW;
    if ((lt || rt) && (lt || l.kind == V_INT) && (rt || r.kind == V_INT)) {
        if (l.kind == V_NOW && r.kind == V_NOW) return op == EQ ? HOLDS : FAILS;
        if (l.kind == V_NOW || r.kind == V_NOW) {
            struct val t = l.kind == V_NOW ? r : l, n = l.kind == V_NOW ? l : r;
            int during = t.kind == V_TIME && t.i != 0 && t.i >= n.i && t.i <= n.latest;
            return (op == EQ ? during : op == NE ? !during : 0) ? HOLDS : FAILS;
        }
        return ordered(l.i, op, r.i) ? HOLDS : FAILS;
    }
    if (l.kind == V_INT && r.kind == V_INT && (l.is_unsigned || r.is_unsigned))
        return ordered_u((unsigned long long)l.i, op, (unsigned long long)r.i) ? HOLDS : FAILS;
    if (l.kind == V_ADDR && r.kind == V_ADDR) return ordered(l.i, op, r.i) ? HOLDS : FAILS;
    int li = l.kind == V_INT || l.kind == V_ADDR, ri = r.kind == V_INT || r.kind == V_ADDR;
    if (li && ri) {
        long long a = l.kind == V_ADDR && l.shmid >= 0 ? l.off : l.i, b = r.kind == V_ADDR && r.shmid >= 0 ? r.off : r.i;
        return ordered(a, op, b) ? HOLDS : FAILS;
    }
    if (l.kind != r.kind) return op == NE ? HOLDS : FAILS;
    if (l.kind == V_TEXT || l.kind == V_PROC) {
        size_t ln = l.kind == V_TEXT ? l.n : strlen(l.s), rn = r.kind == V_TEXT ? r.n : strlen(r.s);
        int c = memcmp(l.s, r.s, ln < rn ? ln : rn);
        if (c == 0) c = ln < rn ? -1 : ln > rn ? 1 : 0;
        return ordered(c, op, 0) ? HOLDS : FAILS;
    }
    return FAILS;
}

/* ======================================================================================
   What the scenario can ask about, read off the kernel.
   ====================================================================================== */

static MAYBE_UNUSED struct val proc_field(int p, const char *f)
{
    if (P[p].state == NOT_YET) return vmissing("no process %s yet", proc_name[p]);
    if (!strcmp(f, "ret")) return typed_ret(p);
    if (!strcmp(f, "errno")) return P[p].err ? vnamed(P[p].err, errno_name(P[p].err)) : vnamed(0, "0");
    if (!strcmp(f, "data")) return vtext(text_of(P[p].data ? P[p].data : "", P[p].data_len));
    if (!strcmp(f, "mtype")) return vint(P[p].mtype);
    if (!strcmp(f, "state")) return vtext(text_of(state_name[P[p].state], strlen(state_name[P[p].state])));
    if (!strcmp(f, "minflt")) return vint(P[p].minflt);
    return vmissing("no field %s", f);
}

/* PROC.buf.F: a field of what PROC's last successful shmctl, msgctl or semctl filled. */
static MAYBE_UNUSED struct val buf_field(int p, const char *f)
{
    const union ctl_buf *b = &P[p].buf;
    switch (P[p].buf_kind) {
    case BUF_NONE: return vmissing("%s has no buffer yet: no shmctl, msgctl or semctl of it has filled one", proc_name[p]);
    case BUF_SEMID_DS: {
        const struct semid_ds *d = &b->sem;
        if (!strcmp(f, "key")) return vint(d->sem_perm.__key);
        if (!strcmp(f, "mode")) return vuint(d->sem_perm.mode);
        if (!strcmp(f, "uid")) return vuint(d->sem_perm.uid);
        if (!strcmp(f, "gid")) return vuint(d->sem_perm.gid);
        if (!strcmp(f, "cuid")) return vuint(d->sem_perm.cuid);
        if (!strcmp(f, "cgid")) return vuint(d->sem_perm.cgid);
        if (!strcmp(f, "nsems")) return vuint(d->sem_nsems);
        if (!strcmp(f, "otime")) return vtime(d->sem_otime);
        if (!strcmp(f, "ctime")) return vtime(d->sem_ctime);
        break;
    }
    case BUF_SEMINFO: {
        const struct seminfo *d = &b->seminfo;
        if (!strcmp(f, "semmap")) return vint(d->semmap);
        if (!strcmp(f, "semmni")) return vint(d->semmni);
        if (!strcmp(f, "semmns")) return vint(d->semmns);
        if (!strcmp(f, "semmnu")) return vint(d->semmnu);
        if (!strcmp(f, "semmsl")) return vint(d->semmsl);
        if (!strcmp(f, "semopm")) return vint(d->semopm);
        if (!strcmp(f, "semume")) return vint(d->semume);
        if (!strcmp(f, "semusz")) return vint(d->semusz);
        if (!strcmp(f, "semvmx")) return vint(d->semvmx);
        if (!strcmp(f, "semaem")) return vint(d->semaem);
        break;
    }
    case BUF_SEMALL: return vmissing("%s's buffer holds GETALL's values (%s.buf[N]), no field %s", proc_name[p], proc_name[p], f);
    case BUF_SHMID_DS: {
        const struct shmid_ds *d = &b->shm;
        if (!strcmp(f, "key")) return vint(d->shm_perm.__key);
        if (!strcmp(f, "mode")) return vuint(d->shm_perm.mode);
        if (!strcmp(f, "uid")) return vuint(d->shm_perm.uid);
        if (!strcmp(f, "gid")) return vuint(d->shm_perm.gid);
        if (!strcmp(f, "cuid")) return vuint(d->shm_perm.cuid);
        if (!strcmp(f, "cgid")) return vuint(d->shm_perm.cgid);
        if (!strcmp(f, "segsz")) return vuint(d->shm_segsz);
        if (!strcmp(f, "nattch")) return vuint(d->shm_nattch);
        if (!strcmp(f, "cpid")) return pid_value(d->shm_cpid);
        if (!strcmp(f, "lpid")) return pid_value(d->shm_lpid);
        if (!strcmp(f, "atime")) return vtime(d->shm_atime);
        if (!strcmp(f, "dtime")) return vtime(d->shm_dtime);
        if (!strcmp(f, "ctime")) return vtime(d->shm_ctime);
        break;
    }
    case BUF_MSQID_DS: {
        const struct msqid_ds *d = &b->msq;
        if (!strcmp(f, "key")) return vint(d->msg_perm.__key);
        if (!strcmp(f, "mode")) return vuint(d->msg_perm.mode);
        if (!strcmp(f, "uid")) return vuint(d->msg_perm.uid);
        if (!strcmp(f, "gid")) return vuint(d->msg_perm.gid);
        if (!strcmp(f, "cuid")) return vuint(d->msg_perm.cuid);
        if (!strcmp(f, "cgid")) return vuint(d->msg_perm.cgid);
        if (!strcmp(f, "qnum")) return vuint(d->msg_qnum);
        if (!strcmp(f, "cbytes")) return vuint(d->__msg_cbytes);
        if (!strcmp(f, "qbytes")) return vuint(d->msg_qbytes);
        if (!strcmp(f, "lspid")) return pid_value(d->msg_lspid);
        if (!strcmp(f, "lrpid")) return pid_value(d->msg_lrpid);
        if (!strcmp(f, "stime")) return vtime(d->msg_stime);
        if (!strcmp(f, "rtime")) return vtime(d->msg_rtime);
        if (!strcmp(f, "ctime")) return vtime(d->msg_ctime);
        break;
    }
    case BUF_SHMINFO: {
        const struct shminfo *d = &b->shminfo;
        if (!strcmp(f, "shmmax")) return vuint(d->shmmax);
        if (!strcmp(f, "shmmin")) return vuint(d->shmmin);
        if (!strcmp(f, "shmmni")) return vuint(d->shmmni);
        if (!strcmp(f, "shmseg")) return vuint(d->shmseg);
        if (!strcmp(f, "shmall")) return vuint(d->shmall);
        break;
    }
    case BUF_SHM_INFO: {
        const struct shm_info *d = &b->shm_info;
        if (!strcmp(f, "used_ids")) return vuint((unsigned long long)d->used_ids);
        if (!strcmp(f, "shm_tot")) return vuint(d->shm_tot);
        if (!strcmp(f, "shm_rss")) return vuint(d->shm_rss);
        if (!strcmp(f, "shm_swp")) return vuint(d->shm_swp);
        break;
    }
    case BUF_MSGINFO: {
        const struct msginfo *d = &b->msginfo;
        if (!strcmp(f, "msgpool")) return vint(d->msgpool);
        if (!strcmp(f, "msgmap")) return vint(d->msgmap);
        if (!strcmp(f, "msgmax")) return vint(d->msgmax);
        if (!strcmp(f, "msgmnb")) return vint(d->msgmnb);
        if (!strcmp(f, "msgmni")) return vint(d->msgmni);
        if (!strcmp(f, "msgssz")) return vint(d->msgssz);
        if (!strcmp(f, "msgtql")) return vint(d->msgtql);
        if (!strcmp(f, "msgseg")) return vint(d->msgseg);
        break;
    }
    }
    return vmissing("%s's buffer holds no field %s", proc_name[p], f);
}

/* PROC.buf[N]: the N-th value of PROC's last GETALL. */
static MAYBE_UNUSED struct val buf_value(int p, struct val n)
{
    if (P[p].buf_kind != BUF_SEMALL) return vmissing("%s's buffer holds no GETALL values", proc_name[p]);
    unsigned long count = P[p].buf.semall.count;
    if (n.i < 0 || (unsigned long long)n.i >= count) return vmissing("GETALL read %lu values: there is no value %lld", count, n.i);
    if (n.i >= SEMALL_MAX) return vmissing("only the first %d GETALL values are kept", SEMALL_MAX);
    return vint(P[p].buf.semall.value[n.i]);
}

/* One row of /proc/sysvipc/shm, which is what ipcs reads: rss is in bytes there, and the mode
   shows SHM_DEST (01000). */
struct shm_row {
    long long key, segsz, cpid, lpid, nattch, uid, gid, cuid, cgid, atime, dtime, ctime, rss;
    int shmid;
    unsigned mode;
};

/* The row of `id`, or of every segment (id -1): how many were found. */
static int shm_rows(int id, struct shm_row *out)
{
    char *s = read_text("/proc/sysvipc/shm");
    if (!s) return 0;
    int n = 0;
    char *line = strchr(s, '\n'); /* after the header */
    for (; line && line[1]; line = strchr(line + 1, '\n')) {
        struct shm_row r;
        if (sscanf(line + 1, "%lld %d %o %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld", &r.key, &r.shmid, &r.mode,
                   &r.segsz, &r.cpid, &r.lpid, &r.nattch, &r.uid, &r.gid, &r.cuid, &r.cgid, &r.atime, &r.dtime, &r.ctime, &r.rss) != 15)
            continue;
        if (id >= 0 && r.shmid != id) continue;
        if (out) *out = r;
        n++;
    }
    free(s);
    return n;
}

static MAYBE_UNUSED struct val shm_field(struct val id, const char *f)
{
    struct shm_row r;
    if (shm_rows((int)id.i, &r) == 0) return vmissing("no segment %lld", id.i);
    if (!strcmp(f, "key")) return vint(r.key);
    if (!strcmp(f, "mode")) return vuint(r.mode);
    if (!strcmp(f, "segsz")) return vuint((unsigned long long)r.segsz);
    if (!strcmp(f, "nattch")) return vuint((unsigned long long)r.nattch);
    if (!strcmp(f, "cpid")) return pid_value(r.cpid);
    if (!strcmp(f, "lpid")) return pid_value(r.lpid);
    if (!strcmp(f, "uid")) return vuint((unsigned long long)r.uid);
    if (!strcmp(f, "gid")) return vuint((unsigned long long)r.gid);
    if (!strcmp(f, "cuid")) return vuint((unsigned long long)r.cuid);
    if (!strcmp(f, "cgid")) return vuint((unsigned long long)r.cgid);
    if (!strcmp(f, "rss")) return vuint((unsigned long long)r.rss / 4096);
    if (!strcmp(f, "dest")) return vint((r.mode & 01000) ? 1 : 0);
    if (!strcmp(f, "atime")) return vtime(r.atime);
    if (!strcmp(f, "dtime")) return vtime(r.dtime);
    if (!strcmp(f, "ctime")) return vtime(r.ctime);
    return vmissing("no field %s", f);
}

/* One row of /proc/sysvipc/msg; qbytes is not there, so it comes from IPC_STAT. */
struct msq_row {
    long long key, cbytes, qnum, lspid, lrpid, uid, gid, cuid, cgid, stime, rtime, ctime;
    int msqid;
    unsigned mode;
};

static int msq_rows(int id, struct msq_row *out)
{
    char *s = read_text("/proc/sysvipc/msg");
    if (!s) return 0;
    int n = 0;
    char *line = strchr(s, '\n');
    for (; line && line[1]; line = strchr(line + 1, '\n')) {
        struct msq_row r;
        if (sscanf(line + 1, "%lld %d %o %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld", &r.key, &r.msqid, &r.mode, &r.cbytes,
                   &r.qnum, &r.lspid, &r.lrpid, &r.uid, &r.gid, &r.cuid, &r.cgid, &r.stime, &r.rtime, &r.ctime) != 14)
            continue;
        if (id >= 0 && r.msqid != id) continue;
        if (out) *out = r;
        n++;
    }
    free(s);
    return n;
}

static MAYBE_UNUSED struct val msq_field(struct val id, const char *f)
{
    struct msq_row r;
    if (msq_rows((int)id.i, &r) == 0) return vmissing("no queue %lld", id.i);
    if (!strcmp(f, "key")) return vint(r.key);
    if (!strcmp(f, "mode")) return vuint(r.mode);
    if (!strcmp(f, "qnum")) return vuint((unsigned long long)r.qnum);
    if (!strcmp(f, "cbytes")) return vuint((unsigned long long)r.cbytes);
    if (!strcmp(f, "qbytes")) {
        struct msqid_ds ds;
        if (msgctl(r.msqid, IPC_STAT, &ds) != 0) return vmissing("IPC_STAT of queue %d: %s", r.msqid, strerror(errno));
        return vuint(ds.msg_qbytes);
    }
    if (!strcmp(f, "lspid")) return pid_value(r.lspid);
    if (!strcmp(f, "lrpid")) return pid_value(r.lrpid);
    if (!strcmp(f, "uid")) return vuint((unsigned long long)r.uid);
    if (!strcmp(f, "gid")) return vuint((unsigned long long)r.gid);
    if (!strcmp(f, "cuid")) return vuint((unsigned long long)r.cuid);
    if (!strcmp(f, "cgid")) return vuint((unsigned long long)r.cgid);
    if (!strcmp(f, "stime")) return vtime(r.stime);
    if (!strcmp(f, "rtime")) return vtime(r.rtime);
    if (!strcmp(f, "ctime")) return vtime(r.ctime);
    return vmissing("no field %s", f);
}

/* One row of /proc/sysvipc/sem: the set; its semaphores are read with semctl. */
struct sem_row {
    long long key, nsems, uid, gid, cuid, cgid, otime, ctime;
    int semid;
    unsigned mode;
};

static int sem_rows(int id, struct sem_row *out)
{
    char *s = read_text("/proc/sysvipc/sem");
    if (!s) return 0;
    int n = 0;
    char *line = strchr(s, '\n');
    for (; line && line[1]; line = strchr(line + 1, '\n')) {
        struct sem_row r;
        if (sscanf(line + 1, "%lld %d %o %lld %lld %lld %lld %lld %lld %lld", &r.key, &r.semid, &r.mode, &r.nsems, &r.uid, &r.gid, &r.cuid,
                   &r.cgid, &r.otime, &r.ctime) != 10)
            continue;
        if (id >= 0 && r.semid != id) continue;
        if (out) *out = r;
        n++;
    }
    free(s);
    return n;
}

/* sem(ID).F */
static MAYBE_UNUSED struct val sem_field(struct val id, const char *f)
{
    struct sem_row r;
    if (sem_rows((int)id.i, &r) == 0) return vmissing("no semaphore set %lld", id.i);
    if (!strcmp(f, "key")) return vint(r.key);
    if (!strcmp(f, "mode")) return vuint(r.mode);
    if (!strcmp(f, "nsems")) return vuint((unsigned long long)r.nsems);
    if (!strcmp(f, "uid")) return vuint((unsigned long long)r.uid);
    if (!strcmp(f, "gid")) return vuint((unsigned long long)r.gid);
    if (!strcmp(f, "cuid")) return vuint((unsigned long long)r.cuid);
    if (!strcmp(f, "cgid")) return vuint((unsigned long long)r.cgid);
    if (!strcmp(f, "otime")) return vtime(r.otime);
    if (!strcmp(f, "ctime")) return vtime(r.ctime);
    return vmissing("no field %s", f);
}

/* sem(ID)[N].F: semval, sempid, semncnt and semzcnt as semctl shows them to main (root in the
   run's IPC namespace, and in its PID namespace, so sempid is a pid main knows). */
static MAYBE_UNUSED struct val sem_value_field(struct val id, struct val n, const char *f)
{
    struct sem_row r;
    if (sem_rows((int)id.i, &r) == 0) return vmissing("no semaphore set %lld", id.i);
    if (n.i < 0 || n.i >= r.nsems) return vmissing("no semaphore %lld: set %lld has %lld", n.i, id.i, r.nsems);
    int cmd = !strcmp(f, "val") ? GETVAL : !strcmp(f, "pid") ? GETPID : !strcmp(f, "ncnt") ? GETNCNT : !strcmp(f, "zcnt") ? GETZCNT : -1;
    if (cmd == -1) return vmissing("no field %s", f);
    int got = semctl(r.semid, (int)n.i, cmd);
    if (got == -1) return vmissing("semctl of set %d: %s", r.semid, strerror(errno));
    return cmd == GETPID ? pid_value(got) : vint(got);
}

static MAYBE_UNUSED struct val count_shm(void) { return vint(shm_rows(-1, NULL)); }
static MAYBE_UNUSED struct val count_msq(void) { return vint(msq_rows(-1, NULL)); }
static MAYBE_UNUSED struct val exists_shm(struct val id) { return vint(shm_rows((int)id.i, NULL) > 0); }
static MAYBE_UNUSED struct val exists_msq(struct val id) { return vint(msq_rows((int)id.i, NULL) > 0); }
static MAYBE_UNUSED struct val count_sem(void) { return vint(sem_rows(-1, NULL)); }
static MAYBE_UNUSED struct val exists_sem(struct val id) { return vint(sem_rows((int)id.i, NULL) > 0); }

/* vmas(PROC): PROC's vm_area_structs that map System V segments. */
static MAYBE_UNUSED struct val vmas(int p)
{
    if (P[p].state == NOT_YET) return vmissing("no process %s", proc_name[p]);
    struct sysv_map maps[1];
    return vint(sysv_maps(p, maps, 0));
}

/* pte(PROC, ADDR) and frame(PROC, ADDR): /proc/PID/pagemap, 8 bytes per page; bit 63 says the
   page table maps the page, bits 0-54 are the frame (they read 0 without CAP_SYS_ADMIN). */
static struct val page_query(int p, struct val addr, int want_frame)
{
    if (P[p].state == NOT_YET) return vmissing("no process %s", proc_name[p]);
    unsigned long long a = (unsigned long long)addr.i;
    struct sysv_map maps[64];
    int n = sysv_maps(p, maps, 64);
    for (int i = 0; i < n && i < 64; i++) {
        if (a < maps[i].start || a >= maps[i].end) continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/pagemap", (int)P[p].pid);
        FILE *f = fopen(path, "r");
        unsigned long long entry = 0;
        int ok = f && fseek(f, (long)(a / 4096 * 8), SEEK_SET) == 0 && fread(&entry, 8, 1, f) == 1;
        if (f) fclose(f);
        if (!ok) return vmissing("cannot read %s", path);
        int present = (int)(entry >> 63);
        if (!want_frame) return vint(present);
        if (!present) return vmissing("no PTE for that page in %s", proc_name[p]);
        unsigned long long pfn = entry & ((1ULL << 55) - 1);
        if (pfn == 0) return vunobservable("frame numbers need root");
        char *label = malloc(32);
        if (!label) abort();
        snprintf(label, 32, "frame %#llx", pfn);
        return vnamed((long long)pfn, label);
    }
    return want_frame ? vmissing("%s maps nothing there", proc_name[p]) : vint(0);
}

static MAYBE_UNUSED struct val pte(int p, struct val addr) { return page_query(p, addr, 0); }
static MAYBE_UNUSED struct val frame(int p, struct val addr) { return page_query(p, addr, 1); }

/* ======================================================================================
   Checking: each `=>` and `expect`, printed as it is checked.
   ====================================================================================== */

static void print_news(void)
{
    if (news_len) fputs(news, stdout);
    news_len = 0;
}

/* The verdict of a step's `=>` ends the step's line; what the step did to others follows. */
static void verdict_of_outcome(int line, int holds, const char *expected)
{
    if (holds) {
        held++;
        printf("  ok\n");
    } else {
        failed++;
        printf("  FAILED\n%s:%d: expected %s, got ", scenario_file, line, expected);
        int p = cur;
        if (!cur_made) printf("no call: %s is %s", proc_name[p], state_name[P[p].state]);
        else if (P[p].state == BLOCKED) printf("blocks");
        else if (P[p].state == EXITED) printf("exited");
        else if (P[p].state == KILLED) printf("killed by %s", signal_name(P[p].term_sig));
        else if (P[p].caught) printf("%s, caught by its handler", signal_name(P[p].caught));
        else if (P[p].ret == -1 && P[p].err) printf("-1 %s", errno_name(P[p].err));
        else if (P[p].last_call == CALL_LOAD || P[p].last_call == CALL_MSGRCV) print_bytes(stdout, P[p].data, P[p].data_len, 64);
        else if (P[p].last_call == CALL_SHMAT) printf("returned %#lx", (unsigned long)P[p].ret);
        else printf("returned %ld", P[p].ret);
        printf("\n");
    }
    print_news();
}

static int returned(int p) { return cur_made && P[p].state == READY && !P[p].caught; }

static MAYBE_UNUSED void no_outcome(void)
{
    if (!cur_made) failed++;
    printf("\n");
    print_news();
}

/* How a value prints, as a string of its own (for "expected X"). */
static char *shown(struct val x)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f) abort();
    print_val(f, x);
    fclose(f);
    return s;
}

/* => N: the call returned N (an address after shmat as the number it is, a pid as its process) */
static MAYBE_UNUSED void outcome_value(int line, struct val want)
{
    struct val got = typed_ret(cur);
    if (got.kind == V_ADDR && want.kind == V_INT) got = vint(got.i);
    char *expected = shown(want);
    verdict_of_outcome(line, returned(cur) && compare(got, EQ, want) == HOLDS, expected);
    free(expected);
}

/* The variable a step sets: PROC.ret as its kind of value, or -1 when the call did not return. */
static MAYBE_UNUSED struct val result_of(int p) { return returned(p) ? typed_ret(p) : vint(-1); }

/* => ok: it returned, and not -1 */
static MAYBE_UNUSED void outcome_ok(int line) { verdict_of_outcome(line, returned(cur) && P[cur].ret != -1, "ok"); }

/* => EEXIST: it returned -1 with that errno */
static MAYBE_UNUSED void outcome_errno(int line, int err, const char *expected)
{
    verdict_of_outcome(line, returned(cur) && P[cur].ret == -1 && P[cur].err == err, expected);
}

/* => blocks: it is asleep in the kernel */
static MAYBE_UNUSED void outcome_blocks(int line) { verdict_of_outcome(line, cur_made && P[cur].state == BLOCKED, "blocks"); }

/* => SIGSEGV: the signal killed the process, or its handler abandoned the access */
static MAYBE_UNUSED void outcome_signal(int line, int sig, const char *expected)
{
    int holds = cur_made && ((P[cur].state == KILLED && P[cur].term_sig == sig) || (P[cur].state == READY && P[cur].caught == sig));
    verdict_of_outcome(line, holds, expected);
}

/* => "text": load or msgrcv produced exactly these bytes */
static MAYBE_UNUSED void outcome_text(int line, struct text want)
{
    int holds = returned(cur) && P[cur].ret != -1 && P[cur].data_len == want.n && memcmp(P[cur].data, want.p, want.n) == 0;
    char *expected = shown(vtext(want));
    verdict_of_outcome(line, holds, expected);
    free(expected);
    free(want.p);
}

/* expect LEFT OP RIGHT */
static MAYBE_UNUSED void expect(int line, const char *source, struct val l, enum op op, struct val r, int right_is_literal)
{
    enum verdict v = compare(l, op, r);
    if (v == HOLDS) {
        held++;
        printf("    expect %s  ok\n", source);
        return;
    }
    if (v == NOT_OBSERVABLE) {
        unobservable++;
        printf("    expect %s  not observable here: %s\n", source, l.kind == V_UNOBSERVABLE ? l.s : r.s);
        return;
    }
    failed++;
    printf("    expect %s  FAILED\n%s:%d: expected %s, got ", source, scenario_file, line, source);
    print_val(stdout, l);
    if (!right_is_literal) {
        printf(" (and the right side is ");
        print_val(stdout, r);
        printf(")");
    }
    printf("\n");
}

/* An expectation about what only the model can see (its wait lists, its page-table pages). */
static MAYBE_UNUSED void model_only(const char *source, const char *why)
{
    unobservable++;
    printf("    expect %s  not observable here: %s\n", source, why);
}
)C";

}  // namespace cli::export_c
