// The fixed C of the coordinator (the program's main process): starting processes, sending each
// step and waiting until it has settled, reading /proc, and checking what the scenario expects.
#include "cli/export_c.h"

namespace cli::export_c {

// The processes as main sees them, and how a step is made and settles.
const char* const kCoordinator = R"C(
/* ======================================================================================
   The coordinator: main's side of the run.
   ====================================================================================== */

enum state { NOT_YET, READY, BLOCKED, EXITED, KILLED };
static const char *const state_name[] = { "not started", "ready", "blocked", "exited", "killed" };
enum call_kind { CALL_OTHER, CALL_SHMGET, CALL_SHMAT, CALL_MSGGET, CALL_FORK, CALL_LOAD, CALL_MSGRCV, CALL_MSGSND, CALL_SEMGET, CALL_SEMOP, CALL_GETPID };
static const char *const call_name[] = { "call", "shmget", "shmat", "msgget", "fork", "load", "msgrcv", "msgsnd", "semget", "semop", "semctl" };

struct proc {
    pid_t pid;
    enum state state;
    int waiting;              /* a step was sent and is not answered yet */
    int term_sig;             /* the signal that killed it */
    long ret;                 /* PROC.ret, PROC.errno, PROC.mtype, PROC.data: its last finished call */
    int err;
    long mtype;
    char *data;
    size_t data_len;
    long minflt;
    int caught;               /* its last access was abandoned by this signal's handler */
    enum call_kind last_call; /* says whether PROC.ret is an address or a pid (fork, semctl GETPID) */
    enum call_kind sent_call; /* the call it is making */
    enum buf_kind buf_kind;   /* PROC.buf */
    union ctl_buf buf;
};
static struct proc P[NPROC];
static int held, failed, unobservable;
static time_t step_start, step_end; /* `now`: the seconds during which the last step ran */
static int cur = -1;                /* the process of the step just made */
static int cur_made;                /* whether that step could be made */
static char *news;                  /* what the step did to other processes, printed after its line */
static size_t news_len;
static int *seen_shm, *seen_msq, *seen_sem; /* ids shmget, msgget and semget returned: removed at the end */
static size_t n_seen_shm, n_seen_msq, n_seen_sem;

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

static int read_within(int fd, void *buf, size_t n, long long deadline)
{
    char *p = buf;
    while (n > 0) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        long long left = deadline - now_ms();
        if (left < 0) return 0;
        int r = poll(&pfd, 1, (int)left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return 0;
        ssize_t got = read(fd, p, n);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return 0;
        p += got;
        n -= (size_t)got;
    }
    return 1;
}

static void add_news(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof line) n = sizeof line - 1;
    news = realloc(news, news_len + (size_t)n + 1);
    if (!news) abort();
    memcpy(news + news_len, line, (size_t)n + 1);
    news_len += (size_t)n;
}

/* A whole small file of /proc (which reports size 0): read until its end. NULL when unreadable. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t len = 0, cap = 4096;
    char *s = malloc(cap);
    if (!s) abort();
    size_t got;
    while ((got = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len < 2) {
            cap *= 2;
            s = realloc(s, cap);
            if (!s) abort();
        }
    }
    s[len] = 0;
    fclose(f);
    return s;
}

/* /proc/PID/stat: the state letter, and for a dead process (Z) how it ended (field 52, exit_code,
   in the form waitpid gives). A dead process stays a zombie until main reaps it at the end. */
static char proc_state(pid_t p, int *exit_code)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)p);
    char *s = read_text(path);
    if (!s) return 'X';
    char *close = strrchr(s, ')'); /* the command name may hold spaces and parentheses */
    char state = close && close[1] ? close[2] : 'X';
    if (exit_code && close) {
        char *at = close + 2;
        for (int field = 3; field < 52 && at; field++) {
            at = strchr(at, ' ');
            if (at) at++;
        }
        *exit_code = at ? atoi(at) : 0;
    }
    free(s);
    return state;
}

/* Asleep in msgsnd, msgrcv or semop: state S, inside system call msgsnd, msgrcv, semop or semtimedop
   (/proc/PID/syscall; the C library makes semop() the system call semtimedop with no timeout). */
static int asleep_in_ipc(int p)
{
    if (P[p].pid <= 0 || proc_state(P[p].pid, NULL) != 'S') return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/syscall", (int)P[p].pid);
    char *s = read_text(path);
    if (!s) return 0;
    long nr = atol(s);
    free(s);
#ifdef SYS_semop
    if (nr == SYS_semop) return 1;
#endif
#ifdef SYS_semtimedop
    if (nr == SYS_semtimedop) return 1;
#endif
    return nr == SYS_msgsnd || nr == SYS_msgrcv;
}

static int alive(int p)
{
    return P[p].pid > 0 && (P[p].state == READY || P[p].state == BLOCKED);
}

static const char *signal_name(int sig);
static const char *errno_name(int err);

/* A process that is a zombie now: it exited, or a signal killed it. */
static void notice_deaths(void)
{
    for (int p = 0; p < NPROC; p++) {
        int code = 0;
        if (!alive(p) || (proc_state(P[p].pid, &code) != 'Z' && proc_state(P[p].pid, &code) != 'X')) continue;
        int was_waiting = P[p].waiting;
        P[p].waiting = 0;
        P[p].state = WIFSIGNALED(code) ? KILLED : EXITED;
        P[p].term_sig = WIFSIGNALED(code) ? WTERMSIG(code) : 0;
        if (p == cur) continue;
        if (P[p].state == KILLED) add_news("        %s was killed by %s%s\n", proc_name[p], signal_name(P[p].term_sig), was_waiting ? " while it slept" : "");
        else add_news("        %s exited\n", proc_name[p]);
    }
}

static void print_bytes(FILE *f, const char *s, size_t n, size_t max);

/* A process's answer: its call returned (or its handler abandoned it). */
static int read_reply(int p, long long deadline)
{
    struct reply r;
    if (!read_within(from_proc[p][0], &r, sizeof r, deadline)) return 0;
    char *data = malloc(r.data_len + 1);
    if (!data) abort();
    if (!read_within(from_proc[p][0], data, r.data_len, deadline)) return 0;
    P[p].waiting = 0;
    P[p].state = READY;
    P[p].minflt = r.minflt;
    P[p].caught = r.caught;
    if (r.caught) { /* an abandoned access returned nothing: ret, errno and data stay */
        free(data);
        return 1;
    }
    P[p].ret = r.ret;
    P[p].err = r.err;
    free(P[p].data);
    P[p].data = data;
    P[p].data_len = r.err ? 0 : r.data_len;
    P[p].mtype = r.err ? 0 : r.mtype;
    if (r.buf_kind != BUF_NONE) {
        P[p].buf_kind = r.buf_kind;
        P[p].buf = r.buf;
    }
    if (p != cur) { /* a sleeper the step woke */
        add_news("        %s's %s returned ", proc_name[p], call_name[P[p].sent_call]);
        if (r.ret == -1) add_news("-1 %s\n", errno_name(r.err));
        else add_news("%ld\n", r.ret);
    }
    return 1;
}

/* Waits until the step has settled, as the scenario language says: every process with a call out
   has answered, died, or sleeps in msgsnd, msgrcv or semop, and a process the step kills is dead. A task
   just woken still shows S for a moment, so it must look settled twice in a row. 0 on timeout. */
static int settle(int caller, int doomed)
{
    long long deadline = now_ms() + TIMEOUT_MS;
    int quiet = 0, backoff_ms = 0;
    for (;;) {
        for (int p = 0; p < NPROC; p++) {
            struct pollfd pfd = { from_proc[p][0], POLLIN, 0 };
            if (P[p].waiting && poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN) && !read_reply(p, deadline)) return 0;
        }
        notice_deaths();
        int settled = !P[caller].waiting || asleep_in_ipc(caller);
        int kill_worked = !P[caller].waiting && P[caller].state == READY && P[caller].ret == 0;
        if (doomed >= 0 && kill_worked && alive(doomed)) settled = 0;
        for (int p = 0; p < NPROC; p++)
            if (P[p].waiting && !asleep_in_ipc(p)) settled = 0;
        if (settled && ++quiet >= 2) break;
        if (!settled) quiet = 0;
        if (now_ms() > deadline) return 0;
        sleep_ms(backoff_ms);
        backoff_ms = backoff_ms == 0 ? 1 : backoff_ms * 2 > 20 ? 20 : backoff_ms * 2;
    }
    for (int p = 0; p < NPROC; p++)
        if (P[p].waiting && P[p].state == READY) P[p].state = BLOCKED;
    return 1;
}

/* Whether signal sig ends process p: SIGKILL always; another only when p left it at its default
   action (no handler, not ignored: /proc/PID/status SigCgt and SigIgn) and that action ends it. */
static int kill_ends(int p, int sig)
{
    if (sig == SIGKILL) return 1;
    if (sig == 0 || sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH) return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)P[p].pid);
    char *s = read_text(path);
    if (!s) return 0;
    char *ign = strstr(s, "\nSigIgn:"), *cgt = strstr(s, "\nSigCgt:");
    unsigned long long bit = 1ULL << (sig - 1);
    int ends = ign && cgt && !(strtoull(ign + 8, NULL, 16) & bit) && !(strtoull(cgt + 8, NULL, 16) & bit);
    free(s);
    return ends;
}

static void remember(int **ids, size_t *n, int id)
{
    for (size_t i = 0; i < *n; i++)
        if ((*ids)[i] == id) return;
    *ids = realloc(*ids, (*n + 1) * sizeof **ids);
    if (!*ids) abort();
    (*ids)[(*n)++] = id;
}

static void finish(void);

/* A step of the scenario: process p makes call `kind` (step_N in its own process), and main waits
   until the system has settled. `target`: kill's target, `child`: fork's new process, else -1. */
static void make(int n, int line, int p, enum call_kind kind, const char *call, int target, int signo, int child)
{
    cur = p;
    cur_made = 0;
    news_len = 0;
    printf("step %d (line %d): %s: %s", n, line, proc_name[p], call);
    if (P[p].state != READY) {
        printf("  not made: %s is %s", proc_name[p], state_name[P[p].state]);
        return;
    }
    cur_made = 1;
    struct request rq;
    memset(&rq, 0, sizeof rq);
    rq.step = n;
    rq.v = v;
    for (int q = 0; q < NPROC; q++) rq.pid[q] = P[q].pid;
    int doomed = -1;
    step_start = time(NULL);
    if (target >= 0 && !alive(target)) {
        /* No process is behind that name: kill answers as the kernel does for a pid of nobody.
           (A zombie's pid would still take the signal, and a reused pid would hit a stranger.) */
        P[p].ret = -1;
        P[p].err = ESRCH;
    } else {
        if (target >= 0 && kill_ends(target, signo)) doomed = target;
        P[p].waiting = 1;
        P[p].caught = 0;
        P[p].sent_call = kind;
        if (!write_full(to_proc[p][1], &rq, sizeof rq) || !settle(p, doomed)) {
            printf("\n%s:%d: error: the step did not settle within %d ms: %s neither returned nor slept in msgsnd, msgrcv or semop\n",
                   scenario_file, line, TIMEOUT_MS, proc_name[p]);
            failed++;
            finish();
        }
    }
    if (child >= 0 && P[p].state == READY && P[p].ret > 0) {
        struct reply hello;
        if (!read_within(from_proc[child][0], &hello, sizeof hello, now_ms() + TIMEOUT_MS)) {
            printf("\n%s:%d: error: %s was forked but never said it was ready\n", scenario_file, line, proc_name[child]);
            failed++;
            finish();
        }
        P[child].pid = (pid_t)P[p].ret;
        P[child].state = READY;
        P[child].buf_kind = P[p].buf_kind; /* the child's memory is a copy, its buffer with it */
        P[child].buf = P[p].buf;
    }
    step_end = time(NULL);
    if (P[p].state == READY || P[p].state == BLOCKED) {
        if (!P[p].caught) P[p].last_call = kind;
        if (kind == CALL_SHMGET && P[p].state == READY && P[p].ret >= 0) remember(&seen_shm, &n_seen_shm, (int)P[p].ret);
        if (kind == CALL_MSGGET && P[p].state == READY && P[p].ret >= 0) remember(&seen_msq, &n_seen_msq, (int)P[p].ret);
        if (kind == CALL_SEMGET && P[p].state == READY && P[p].ret >= 0) remember(&seen_sem, &n_seen_sem, (int)P[p].ret);
    }
    switch (P[p].state) {
    case BLOCKED: printf(" blocks"); break;
    case EXITED: printf(" exited"); break;
    case KILLED: printf(" killed by %s", signal_name(P[p].term_sig)); break;
    default:
        if (P[p].caught) printf(" %s, caught by its handler: the access is abandoned", signal_name(P[p].caught));
        else if (P[p].ret == -1) printf(" = -1 %s", errno_name(P[p].err));
        else if (kind == CALL_SHMAT) printf(" = %#lx", (unsigned long)P[p].ret);
        else if (kind == CALL_LOAD || kind == CALL_MSGRCV) {
            printf(" = %ld ", P[p].ret);
            print_bytes(stdout, P[p].data, P[p].data_len, 64);
        } else printf(" = %ld", P[p].ret);
    }
}

/* sysctl NAME = VALUE: /proc/sys/kernel/NAME, which belongs to the IPC namespace. */
static MAYBE_UNUSED void set_sysctl(int line, const char *name, long long value)
{
    char path[128];
    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    FILE *f = fopen(path, "w");
    if (!f || fprintf(f, "%lld\n", value) < 0 || fclose(f) != 0) {
        printf("%s:%d: error: cannot set kernel.%s (needs root): %s\n", scenario_file, line, name, strerror(errno));
        failed++;
        finish();
    }
    printf("sysctl kernel.%s = %lld\n", name, value);
}

/* sysctl sem = SEMMSL SEMMNS SEMOPM SEMMNI: the four numbers of /proc/sys/kernel/sem, written
   together (a negative one keeps the value the namespace has). */
static MAYBE_UNUSED void set_sem_sysctl(int line, long long msl, long long mns, long long opm, long long mni)
{
    long long now[4] = { 0, 0, 0, 0 }, want[4] = { msl, mns, opm, mni };
    FILE *f = fopen("/proc/sys/kernel/sem", "r");
    int got = f ? fscanf(f, "%lld %lld %lld %lld", &now[0], &now[1], &now[2], &now[3]) : 0;
    if (f) fclose(f);
    for (int i = 0; i < 4; i++)
        if (want[i] >= 0) now[i] = want[i];
    f = got == 4 ? fopen("/proc/sys/kernel/sem", "w") : NULL;
    if (!f || fprintf(f, "%lld %lld %lld %lld\n", now[0], now[1], now[2], now[3]) < 0 || fclose(f) != 0) {
        printf("%s:%d: error: cannot set kernel.sem (needs root): %s\n", scenario_file, line, strerror(errno));
        failed++;
        finish();
    }
    printf("sysctl kernel.sem = %lld %lld %lld %lld\n", now[0], now[1], now[2], now[3]);
}

/* The processes that exist at the start. */
static void start(int p, uid_t uid, gid_t gid)
{
    fflush(stdout); /* nothing printed so far may be printed again by a copy of main's buffer */
    pid_t c = fork();
    if (c == 0) start_process(p, uid, gid);
    if (c < 0) {
        printf("error: fork: %s\n", strerror(errno));
        failed++;
        finish();
    }
    P[p].pid = c;
    struct reply hello;
    if (!read_within(from_proc[p][0], &hello, sizeof hello, now_ms() + TIMEOUT_MS) || hello.ret == -1) {
        printf("error: process %s could not start as uid %u gid %u: %s (run this program as root)\n", proc_name[p], (unsigned)uid,
               (unsigned)gid, strerror(hello.err));
        failed++;
        finish();
    }
    P[p].state = READY;
}

/* Main keeps one end of each pipe; every process keeps all the others, for the forks to come. */
static void make_pipes(void)
{
    for (int p = 0; p < NPROC; p++)
        if (pipe(to_proc[p]) != 0 || pipe(from_proc[p]) != 0) {
            printf("error: pipe: %s\n", strerror(errno));
            exit(1);
        }
}

/* Nothing outlives the run: every process is killed and reaped (main is the subreaper of the
   ones fork made), then every segment, queue and semaphore set the scenario created is removed. */
static void clean_up(void)
{
    for (int p = 0; p < NPROC; p++)
        if (P[p].pid > 0) kill(P[p].pid, SIGKILL);
    long long deadline = now_ms() + TIMEOUT_MS;
    while (now_ms() < deadline) {
        pid_t w = waitpid(-1, NULL, WNOHANG);
        if (w < 0) break; /* no child left */
        if (w == 0) sleep_ms(5);
    }
    for (size_t i = 0; i < n_seen_shm; i++) shmctl(seen_shm[i], IPC_RMID, NULL);
    for (size_t i = 0; i < n_seen_msq; i++) msgctl(seen_msq[i], IPC_RMID, NULL);
    for (size_t i = 0; i < n_seen_sem; i++) semctl(seen_sem[i], 0, IPC_RMID);
}

static void on_interrupt(int sig)
{
    (void)sig;
    clean_up();
    _exit(1);
}

static void finish(void)
{
    clean_up();
    printf("\n%d checks held, %d failed, %d not observable here (model only)\n", held, failed, unobservable);
    exit(failed ? 1 : 0);
}

/* Before the first process starts. */
static void begin(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    coordinator_pid = getpid();
    prctl(PR_SET_CHILD_SUBREAPER, 1); /* a forked process whose parent died comes to main, to be reaped */
    signal(SIGINT, on_interrupt);
    signal(SIGTERM, on_interrupt);
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        for (int c = 0; c < CPU_SETSIZE && run_cpu < 0; c++)
            if (CPU_ISSET(c, &set)) run_cpu = c;
    make_pipes();
    printf("scenario %s: %s\n", scenario_file, scenario_title);
}
)C";

}  // namespace cli::export_c
