// The fixed part of the C program `ipcsim export-c` writes: plain C11 for Linux, the same for every
// scenario. The scenario's own part (its processes, variables, steps and checks) goes between
// kPrelude and kWorker, and after kCoordinator (export_c.cpp).
#include "cli/export_c.h"

namespace cli::export_c {

// Headers, and the one place that says how long any wait may last.
const char* const kPrelude = R"C(#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

/* Every wait of this program ends within TIMEOUT_MS: a step that neither returns nor sleeps in
   the kernel by then is reported, and the run is cleaned up. */
#define TIMEOUT_MS 10000
/* The most bytes one load or one message may carry here (the scenario language's limit too). */
#define MAX_TEXT (64L << 20)
/* The helpers below serve every scenario; one scenario uses only some of them. */
#define MAYBE_UNUSED __attribute__((unused))
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000 /* Linux 4.17; older C libraries lack the name */
#endif
)C";

// Texts, the pipes, and each scenario process's side: it waits for a step, makes the call, answers.
const char* const kWorker = R"C(
/* ======================================================================================
   Texts: the bytes of store and msgsnd, and what load and msgrcv read.
   ====================================================================================== */

struct text {
    char *p;
    size_t n;
};

static MAYBE_UNUSED struct text text_of(const char *bytes, size_t n)
{
    struct text t = { malloc(n + 1), n };
    if (!t.p) abort();
    memcpy(t.p, bytes, n);
    t.p[n] = 0;
    return t;
}

/* The bytes, then NUL bytes up to n in all: a C buffer of n bytes holding a shorter string. */
static MAYBE_UNUSED struct text text_padded(const char *bytes, size_t len, size_t n)
{
    struct text t = text_of("", 0);
    free(t.p);
    t.p = calloc(1, n + 1);
    if (!t.p) abort();
    memcpy(t.p, bytes, len);
    t.n = n;
    return t;
}

/* bytes(N, "pattern") and zeros(N): N bytes repeating the pattern. */
static MAYBE_UNUSED struct text text_repeat(long n, const char *pattern, size_t len)
{
    struct text t = text_of("", 0);
    free(t.p);
    t.n = n < 0 ? 0 : (size_t)n;
    t.p = malloc(t.n + 1);
    if (!t.p) abort();
    for (size_t i = 0; i < t.n; i++) t.p[i] = pattern[i % len];
    t.p[t.n] = 0;
    return t;
}

static MAYBE_UNUSED struct text text_join(struct text a, struct text b)
{
    struct text t = { realloc(a.p, a.n + b.n + 1), a.n + b.n };
    if (!t.p) abort();
    memcpy(t.p + a.n, b.p, b.n);
    t.p[t.n] = 0;
    free(b.p);
    return t;
}

/* ======================================================================================
   What the coordinator (main) sends a process, and what the process answers.
   ====================================================================================== */

/* semctl's fourth argument, which the caller defines (semctl(2)). */
union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *__buf;
};

/* The most GETALL values PROC.buf keeps (PROC.buf[N]); a larger set keeps its first ones. */
#define SEMALL_MAX 512

/* The buffer shmctl, msgctl and semctl fill: PROC.buf in the scenario. */
union ctl_buf {
    struct shmid_ds shm;
    struct shminfo shminfo;
    struct shm_info shm_info;
    struct msqid_ds msq;
    struct msginfo msginfo;
    struct semid_ds sem;
    struct seminfo seminfo;
    struct {
        unsigned long count; /* the set's nsems */
        unsigned short value[SEMALL_MAX];
    } semall;
};
enum buf_kind { BUF_NONE, BUF_SHMID_DS, BUF_SHMINFO, BUF_SHM_INFO, BUF_MSQID_DS, BUF_MSGINFO, BUF_SEMID_DS, BUF_SEMINFO, BUF_SEMALL };

struct request {
    int step;          /* which step to make: step_N below */
    struct vars v;     /* the scenario's variables, as of this step */
    pid_t pid[NPROC];  /* every process's pid, for kill */
};

struct reply {
    long ret;
    int err;                /* errno, when ret is -1 */
    int caught;             /* the signal whose handler abandoned the access (SIGSEGV), else 0 */
    int hello;              /* 1: a new process says it is ready (ret is its pid) */
    long mtype;             /* msgrcv: the message's type */
    long minflt;            /* minor faults taken inside store and load since the process began */
    enum buf_kind buf_kind; /* what buf holds, when the call filled it */
    union ctl_buf buf;
    size_t data_len;        /* the bytes that follow the reply: what load or msgrcv read */
};

/* One pipe each way per process, all made before the first process starts, so that a process
   that fork makes finds its own pipes already open. */
static int to_proc[NPROC][2], from_proc[NPROC][2];
static pid_t coordinator_pid;
static int run_cpu = -1;

static int write_full(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return 0;
        p += w;
        n -= (size_t)w;
    }
    return 1;
}

static int read_full(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return 0;
        p += r;
        n -= (size_t)r;
    }
    return 1;
}

/* ======================================================================================
   A scenario process: it waits on its pipe for a step, makes the call, and answers.
   ====================================================================================== */

static int me;                /* which process this is: P_... */
static struct vars v;         /* the variables (main's own copy is the one it sends) */
static pid_t pid[NPROC];
static struct reply reply;    /* the answer to the step being made */
static char *reply_data;      /* what load or msgrcv read: reply.data_len bytes */
static long minflt_total;     /* PROC.minflt */

static long minflt_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

/* Where a SIGSEGV handler lands: after the access it abandons (the scenario's signal(SIGSEGV, handler)). */
static sigjmp_buf access_jmp;
static volatile sig_atomic_t in_access;
static long access_before;
static volatile char *access_to;
static const volatile char *access_from;
static size_t access_len;

/* The handler of SIGUSR1 (a do-nothing one, so that a sleeping msgsnd, msgrcv or semop returns EINTR)
   and of every signal(SIG, handler). */
static void on_signal(int sig)
{
    if (sig == SIGSEGV && in_access) {
        in_access = 0;
        siglongjmp(access_jmp, 1);
    }
}

/* Byte by byte, in address order, so that pages are touched in the order the scenario means. */
__attribute__((noinline)) static void copy_bytes(volatile char *to, const volatile char *from, size_t n)
{
    for (size_t i = 0; i < n; i++) to[i] = from[i];
}

/* One access, with the minor faults it takes: getrusage, the bytes, getrusage, nothing between. */
static void measured_copy(void)
{
    if (sigsetjmp(access_jmp, 1) == 0) {
        access_before = minflt_now();
        in_access = 1;
        copy_bytes(access_to, access_from, access_len);
        in_access = 0;
    } else {
        reply.caught = SIGSEGV; /* a handler abandoned the access: no value is returned */
    }
    minflt_total += minflt_now() - access_before;
}

/* store(addr, "bytes") */
static MAYBE_UNUSED long store(char *addr, struct text t)
{
    access_to = addr;
    access_from = t.p; /* on the heap and already touched: reading it costs no fault */
    access_len = t.n;
    measured_copy();
    free(t.p);
    return 0;
}

/* load(addr, n): the bytes become PROC.data */
static MAYBE_UNUSED long load(const char *addr, long n)
{
    if (n < 0 || n > MAX_TEXT) {
        errno = EINVAL;
        return -1;
    }
    reply_data = malloc((size_t)n + 1);
    if (!reply_data) abort();
    memset(reply_data, 0, (size_t)n + 1); /* touched now, not during the measurement */
    access_to = reply_data;
    access_from = addr;
    access_len = (size_t)n;
    measured_copy();
    reply.data_len = reply.caught ? 0 : (size_t)n;
    return n;
}

/* msgsnd(msqid, mtype, TEXT, msgflg): struct msgbuf { long mtype; char mtext[msgsz]; } holds the
   text, then NUL bytes up to msgsz. */
static MAYBE_UNUSED long send_message(int msqid, long mtype, struct text t, long msgsz, int msgflg)
{
    size_t room = msgsz < 0 ? 0 : msgsz > MAX_TEXT ? (size_t)MAX_TEXT : (size_t)msgsz;
    char *buf = calloc(1, sizeof(long) + room + 1);
    if (!buf) abort();
    memcpy(buf, &mtype, sizeof mtype);
    memcpy(buf + sizeof(long), t.p, t.n < room ? t.n : room);
    long ret = msgsnd(msqid, buf, (size_t)msgsz, msgflg); /* a negative msgsz is the kernel's EINVAL */
    int err = errno;
    free(buf);
    free(t.p);
    errno = err;
    return ret;
}

/* msgrcv(msqid, msgsz, msgtyp, msgflg): the message's type and text become PROC.mtype and PROC.data */
static MAYBE_UNUSED long receive_message(int msqid, long msgsz, long msgtyp, int msgflg)
{
    size_t room = msgsz < 0 ? 0 : msgsz > MAX_TEXT ? (size_t)MAX_TEXT : (size_t)msgsz;
    char *buf = malloc(sizeof(long) + room + 1);
    if (!buf) abort();
    long n = msgrcv(msqid, buf, (size_t)msgsz, msgtyp, msgflg);
    int err = errno;
    if (n >= 0) {
        memcpy(&reply.mtype, buf, sizeof(long));
        reply_data = malloc((size_t)n + 1);
        if (!reply_data) abort();
        memcpy(reply_data, buf + sizeof(long), (size_t)n);
        reply.data_len = (size_t)n;
    }
    free(buf);
    errno = err;
    return n;
}

/* semctl(semid, semnum, cmd, ...) with the argument its command takes: SETVAL's value, the array
   of GETALL and SETALL (one value per semaphore of the set, IPC_STAT says how many; the scenario's
   values first, then 0), a buffer for the rest. What a command fills becomes PROC.buf. */
static MAYBE_UNUSED long sem_ctl(int semid, int semnum, int cmd, int val, const long long *values, size_t n)
{
    union semun arg;
    arg.buf = &reply.buf.sem; /* also IPC_INFO's and SEM_INFO's struct seminfo */
    unsigned short *array = NULL;
    size_t nsems = 0;
    if (cmd == SETVAL) {
        arg.val = val;
    } else if (cmd == GETALL || cmd == SETALL) {
        struct semid_ds ds;
        union semun st;
        st.buf = &ds;
        int err = errno;
        if (semctl(semid, 0, IPC_STAT, st) == 0) {
            nsems = ds.sem_nsems;
        } else { /* a set its caller may alter but not read: semmsl bounds it */
            FILE *f = fopen("/proc/sys/kernel/sem", "r");
            long semmsl = 0;
            if (!f || fscanf(f, "%ld", &semmsl) != 1) semmsl = 32000;
            if (f) fclose(f);
            nsems = semmsl < 0 ? 0 : semmsl > (1L << 20) ? (size_t)1 << 20 : (size_t)semmsl;
        }
        errno = err;
        array = calloc((nsems > n ? nsems : n) + 1, sizeof *array);
        if (!array) abort();
        for (size_t i = 0; i < n; i++) array[i] = (unsigned short)values[i];
        arg.array = array;
    }
    long ret = semctl(semid, semnum, cmd, arg);
    int err = errno;
    if (ret != -1) {
        if (cmd == IPC_STAT || cmd == SEM_STAT || cmd == SEM_STAT_ANY) reply.buf_kind = BUF_SEMID_DS;
        else if (cmd == IPC_INFO || cmd == SEM_INFO) reply.buf_kind = BUF_SEMINFO;
        else if (cmd == GETALL) {
            reply.buf_kind = BUF_SEMALL;
            reply.buf.semall.count = nsems;
            for (size_t i = 0; i < nsems && i < SEMALL_MAX; i++) reply.buf.semall.value[i] = array[i];
        }
    }
    free(array);
    errno = err;
    return ret;
}

/* Which structure a successful shmctl or msgctl command filled. */
static MAYBE_UNUSED enum buf_kind filled_by(int shm, int cmd)
{
    if (cmd == IPC_STAT) return shm ? BUF_SHMID_DS : BUF_MSQID_DS;
    if (cmd == IPC_INFO) return shm ? BUF_SHMINFO : BUF_MSGINFO;
    if (shm) return cmd == SHM_STAT || cmd == SHM_STAT_ANY ? BUF_SHMID_DS : cmd == SHM_INFO ? BUF_SHM_INFO : BUF_NONE;
    return cmd == MSG_STAT || cmd == MSG_STAT_ANY ? BUF_MSQID_DS : cmd == MSG_INFO ? BUF_MSGINFO : BUF_NONE;
}

/* Dies with its parent: nothing this program starts may outlive it. Set again after a change of
   uid, which clears it. */
static void die_with_parent(void)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* Runs the code of store and load once and grows the stack, so that their own page faults (and,
   after a fork, the copy-on-write faults of this process's stack) happen now, not inside a store. */
static void warm_up(void)
{
    volatile char stack[64 * 1024];
    char a[256] = { 0 }, b[256];
    long faults_so_far = minflt_total; /* the warm-up's own faults are not the scenario's */
    for (size_t i = 0; i < sizeof stack; i += 4096) stack[i] = 0;
    access_to = b;
    access_from = a;
    access_len = sizeof a;
    measured_copy();
    if (sigsetjmp(access_jmp, 1) == 0) { /* and the way out of an abandoned access, once */
        in_access = 1;
        on_signal(SIGSEGV);
    }
    in_access = 0;
    minflt_total = faults_so_far;
    reply.caught = 0;
}

/* A PROT_NONE page at the top of every gap in the address space. shmat(id, NULL, ...) takes the
   top of the highest gap that fits, so an attachment then never has a library right above it: a
   load one byte past the end of a segment is SIGSEGV, as in the model, whose processes map nothing
   but their attachments. */
static void guard_gaps(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return;
    unsigned long long ranges[512][2];
    int n = 0;
    char line[512];
    while (n < 512 && fgets(line, sizeof line, f))
        if (sscanf(line, "%llx-%llx", &ranges[n][0], &ranges[n][1]) == 2) n++;
    fclose(f);
    for (int i = 1; i < n; i++) {
        unsigned long long gap_lo = ranges[i - 1][1], gap_hi = ranges[i][0];
        if (gap_hi < gap_lo + 4096) continue;
        mmap((void *)(gap_hi - 4096), 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    }
}

static void say_hello(long ret, int err)
{
    struct reply hello;
    memset(&hello, 0, sizeof hello);
    hello.hello = 1;
    hello.ret = ret;
    hello.err = err;
    if (!write_full(from_proc[me][1], &hello, sizeof hello)) _exit(0);
}

/* fork(CHILD): a real fork of this process, so CHILD inherits its attachments. The new process
   answers on CHILD's pipes from now on. */
static int forked_now;
static MAYBE_UNUSED long fork_as(int child)
{
    pid_t c = fork();
    if (c == 0) {
        me = child;
        die_with_parent();
        warm_up(); /* a new process: its pages fault afresh */
        minflt_total = 0; /* and its rusage starts at 0 */
        forked_now = 1;
        say_hello(getpid(), 0);
    } else if (c > 0) {
        warm_up(); /* fork made this process's own pages copy-on-write too */
    }
    return c;
}

static long make_step(int step); /* the scenario's steps: step_1 ... below */

static void serve(void)
{
    for (;;) {
        struct request rq;
        if (!read_full(to_proc[me][0], &rq, sizeof rq)) _exit(0); /* the coordinator is gone */
        v = rq.v;
        memcpy(pid, rq.pid, sizeof pid);
        memset(&reply, 0, sizeof reply);
        reply_data = NULL;
        errno = 0;
        reply.ret = make_step(rq.step);
        reply.err = reply.ret == -1 ? errno : 0;
        if (forked_now) { /* the new process: it has said hello, and waits for its first step */
            forked_now = 0;
            continue;
        }
        reply.minflt = minflt_total;
        if (!write_full(from_proc[me][1], &reply, sizeof reply)) _exit(0);
        if (reply.data_len && !write_full(from_proc[me][1], reply_data, reply.data_len)) _exit(0);
        free(reply_data);
    }
}

/* A process that exists at the start: main forks it, it takes its uid and gid, and serves. */
static void start_process(int p, uid_t uid, gid_t gid)
{
    me = p;
    signal(SIGINT, SIG_DFL); /* main's clean-up handlers are main's alone */
    signal(SIGTERM, SIG_DFL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* restartable, and still a sleeping msgsnd, msgrcv or semop ends with EINTR */
    sigaction(SIGUSR1, &sa, NULL);
    if (run_cpu >= 0) {
        /* One CPU, first in first out: woken processes run in the order the kernel woke them. */
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(run_cpu, &set);
        sched_setaffinity(0, sizeof set, &set);
        struct sched_param sp = { .sched_priority = 1 };
        sched_setscheduler(0, SCHED_FIFO, &sp); /* needs root; without it the order is the scheduler's */
    }
    struct rlimit memlock = { 8 << 20, 8 << 20 }; /* Linux's default, whatever the shell set */
    setrlimit(RLIMIT_MEMLOCK, &memlock);
    if (uid != 0 || gid != 0) {
        if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
            say_hello(-1, errno);
            _exit(120);
        }
    }
    die_with_parent();
    if (getppid() != coordinator_pid) _exit(0);
    warm_up();
    guard_gaps();
    minflt_total = 0;
    say_hello(getpid(), 0);
    serve();
}
)C";

}  // namespace cli::export_c
