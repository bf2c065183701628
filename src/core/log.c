#include "core/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"

/* Atomic: a reload sets them while request threads log. */
static _Atomic enum log_level min_level = LOG_INFO;
static _Atomic enum log_format format = LOG_LOGFMT;
static _Thread_local const char *request_id;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level level)
{
    min_level = level;
}

enum log_level log_level_named(const char *name)
{
    if (strcmp(name, "debug") == 0)
        return LOG_DEBUG;
    if (strcmp(name, "warn") == 0)
        return LOG_WARN;
    if (strcmp(name, "error") == 0)
        return LOG_ERROR;
    return LOG_INFO;
}

void log_set_format(enum log_format f)
{
    format = f;
}

void log_set_request_id(const char *id)
{
    request_id = id;
}

/* While batching is on, info and debug lines (one per request) wait in
 * `pending` and go out in one write when it fills or when the flusher wakes;
 * warn and error lines are written at once, after whatever waits, so the
 * order of lines is kept. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t flusher;
    bool on, stop;
    long interval_ms;
    size_t len;
    char pending[64 * 1024];
} out = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* nowhere else to report a failing stderr */
        p += w;
        n -= (size_t)w;
    }
}

static void flush_locked(void)
{
    write_all(out.pending, out.len);
    out.len = 0;
}

static void emit(enum log_level level, const char *line, size_t n)
{
    pthread_mutex_lock(&out.lock);
    if (!out.on || level >= LOG_WARN) {
        flush_locked();
        write_all(line, n);
    } else {
        if (out.len + n > sizeof out.pending)
            flush_locked();
        memcpy(out.pending + out.len, line, n);
        out.len += n;
    }
    pthread_mutex_unlock(&out.lock);
}

static void *flusher_run(void *arg)
{
    struct timespec until;

    (void)arg;
    pthread_mutex_lock(&out.lock);
    while (!out.stop) {
        until = clock_deadline_in(out.interval_ms);
        pthread_cond_timedwait(&out.wake, &out.lock, &until);
        flush_locked();
    }
    pthread_mutex_unlock(&out.lock);
    return NULL;
}

bool log_batch_start(long interval_ms)
{
    bool started;

    if (interval_ms <= 0 || out.on)
        return true;
    out.interval_ms = interval_ms;
    out.stop = false;
    /* idle here: remade so that its waits run on the monotonic clock */
    pthread_cond_destroy(&out.wake);
    clock_cond_init(&out.wake);
    pthread_mutex_lock(&out.lock);
    started = pthread_create(&out.flusher, NULL, flusher_run, NULL) == 0;
    out.on = started;
    pthread_mutex_unlock(&out.lock);
    return started;
}

void log_batch_stop(void)
{
    pthread_mutex_lock(&out.lock);
    if (!out.on) {
        pthread_mutex_unlock(&out.lock);
        return;
    }
    out.stop = true;
    out.on = false;
    pthread_cond_signal(&out.wake);
    pthread_mutex_unlock(&out.lock);
    pthread_join(out.flusher, NULL);
    pthread_mutex_lock(&out.lock);
    flush_locked();
    pthread_mutex_unlock(&out.lock);
}

/* The end every line keeps room for: ,"truncated":"true"} and '\n' */
#define LINE_TAIL 24

/* How a line ends, by format and by whether a pair was left out. */
static const char *const line_ends[2][2] = {
    [LOG_LOGFMT] = {"", " truncated=true"},
    [LOG_JSON] = {"}", ",\"truncated\":\"true\"}"},
};

struct line {
    char data[2048];
    size_t len;
    bool full; /* something did not fit */
    bool json; /* the format, read once so a line never mixes two */
};

static void put(struct line *l, const char *s, size_t n)
{
    size_t room = sizeof l->data - LINE_TAIL - l->len;

    if (n > room) {
        n = room;
        l->full = true;
    }
    memcpy(l->data + l->len, s, n);
    l->len += n;
}

static bool needs_quotes(const char *v)
{
    if (!*v)
        return true;
    for (; *v; v++) {
        unsigned char c = (unsigned char)*v;
        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f)
            return true;
    }
    return false;
}

/* v with '"' and '\\' escaped by a backslash, and control bytes (and in
 * JSON, which must stay valid whatever the bytes, every byte above 0x7e) as
 * logfmt's \xNN or JSON's \u00NN. */
static void put_escaped(struct line *l, const char *v, bool json)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = v; /* start of the bytes not yet put, none escaped */

    for (; *v; v++) {
        unsigned char c = (unsigned char)*v;
        if (c != '"' && c != '\\' && c >= ' ' && c != 0x7f && (c < 0x80 || !json))
            continue;
        put(l, run, (size_t)(v - run));
        run = v + 1;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(l, esc, 2);
        } else if (json) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(l, esc, 6);
        } else {
            char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            put(l, esc, 4);
        }
    }
    put(l, run, (size_t)(v - run));
}

/* key=value (logfmt) or ,"key":"value" (JSON); nothing once a pair did not
 * fit, so that a long line loses whole pairs and stays well formed. */
static void put_pair(struct line *l, const char *key, const char *value)
{
    bool quote = l->json || needs_quotes(value);
    size_t before = l->len;

    if (l->full)
        return;
    if (l->json) {
        put(l, ",\"", 2);
        put(l, key, strlen(key));
        put(l, "\":", 2);
    } else {
        put(l, " ", 1);
        put(l, key, strlen(key));
        put(l, "=", 1);
    }
    if (quote)
        put(l, "\"", 1);
    put_escaped(l, value, l->json);
    if (quote)
        put(l, "\"", 1);
    if (l->full)
        l->len = before;
}

/* "2026-11-28T07:36:06" for t, formatted once a second per thread: every
 * request logs a line, and calendar conversion is not free. */
static const char *second_text(time_t t)
{
    static _Thread_local time_t cached_t = -1;
    static _Thread_local char cached[32];
    struct tm tm;

    if (t != cached_t) {
        gmtime_r(&t, &tm);
        strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
        cached_t = t;
    }
    return cached;
}

void log_kv(enum log_level level, const char *msg, ...)
{
    struct line l; /* not zeroed: only data[0..len) is ever read */
    struct timeval tv;
    char ts[8];
    const char *key, *value, *second, *tail;
    va_list ap;

    if (level < atomic_load_explicit(&min_level, memory_order_relaxed))
        return;
    l.len = 0;
    l.full = false;
    l.json = atomic_load_explicit(&format, memory_order_relaxed) == LOG_JSON;
    gettimeofday(&tv, NULL);
    second = second_text(tv.tv_sec);
    if (l.json)
        put(&l, "{\"ts\":\"", 7);
    else
        put(&l, "ts=", 3);
    put(&l, second, strlen(second));
    ts[0] = '.';
    ts[1] = (char)('0' + tv.tv_usec / 100000);
    ts[2] = (char)('0' + tv.tv_usec / 10000 % 10);
    ts[3] = (char)('0' + tv.tv_usec / 1000 % 10);
    ts[4] = 'Z';
    put(&l, ts, 5);
    if (l.json)
        put(&l, "\"", 1);
    put_pair(&l, "level", level_names[level]);
    put_pair(&l, "msg", msg);
    if (request_id)
        put_pair(&l, "request_id", request_id);
    va_start(ap, msg);
    while ((key = va_arg(ap, const char *)) != NULL) {
        value = va_arg(ap, const char *);
        if (value)
            put_pair(&l, key, value);
    }
    va_end(ap);
    tail = line_ends[l.json ? LOG_JSON : LOG_LOGFMT][l.full];
    memcpy(l.data + l.len, tail, strlen(tail)); /* LINE_TAIL has room for it */
    l.len += strlen(tail);
    l.data[l.len++] = '\n';
    emit(level, l.data, l.len);
}
