// fixedrate: an open-loop HTTP/1.1 load generator for the manifest server's bench (run.sh).
//
// wrk keeps every connection busy, so at 256 connections any server's latency is 256 / its
// throughput: a latency goal cannot be judged that way. fixedrate sends -r requests a second in
// total over -c keep-alive connections, request k falling due at start + k / rate on connection
// k mod c. A request's latency runs from when it fell due, not from when it went out, so a server
// that falls behind is charged for the wait (as wrk2 does) rather than sent fewer requests.
//
// One thread and one epoll set, woken by epoll_pwait2 at the next due time to the microsecond:
// the generator adds little of its own to what it measures, and says how much (its lateness).
//
// Requests are those of vary.lua, from the same environment: GET REQ_PATH, a value new on every
// request in the query parameter VARY_PARAM or the header VARY_HEADER, and the fixed headers of
// REQ_HEADERS ("name: value" pairs separated by "|").
//
// Prints one line: achieved req/s, latency p50 p90 p99 p99.9 max (ms), failed requests, and the
// p99 of its own lateness (ms): how late it sent requests whose connection was free when they fell
// due. Build: cc -O2 -o fixedrate fixedrate.c
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { READ_BUFFER = 64 * 1024, REQUEST_BUFFER = 16 * 1024 };

typedef struct {
  int fd;
  long seq;        // index, among this connection's requests, of the next to send
  int busy;        // a request is out and its answer not yet read
  int64_t due;     // when the request out fell due (ns)
  char *in;        // bytes read of the answer so far
  size_t have;
  long body_left;  // -1 while the head is still coming
} conn_t;

static struct {
  const char *host, *path, *param, *header;
  char fixed[REQUEST_BUFFER / 2];  // the fixed header lines, each ending in CRLF
} req;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "fixedrate: %s\n", what);
  exit(1);
}

static void env_request(void) {
  req.path = getenv("REQ_PATH");
  req.param = getenv("VARY_PARAM");
  req.header = getenv("VARY_HEADER");
  if (!req.path || req.path[0] != '/') die("REQ_PATH must be set to a path starting with /");
  const char *headers = getenv("REQ_HEADERS");
  size_t n = 0;
  for (const char *p = headers ? headers : ""; *p;) {
    const char *end = strchr(p, '|');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *colon = memchr(p, ':', len);
    if (len > 0 && !colon) die("REQ_HEADERS holds a pair that is not \"name: value\"");
    if (len > 0) {
      const char *value = colon + 1;
      while (value < p + len && *value == ' ') value++;
      int wrote = snprintf(req.fixed + n, sizeof req.fixed - n, "%.*s: %.*s\r\n", (int)(colon - p), p, (int)(p + len - value), value);
      if (wrote < 0 || (size_t)wrote >= sizeof req.fixed - n) die("REQ_HEADERS is too long");
      n += (size_t)wrote;
    }
    p += len + (end ? 1 : 0);
  }
}

// the request whose varied value is d-<conn>-<seq>
static int format_request(char *out, int c, long seq) {
  char id[48];
  snprintf(id, sizeof id, "d-%d-%ld", c, seq);
  const char *sep = strchr(req.path, '?') ? "&" : "?";
  int n = snprintf(out, REQUEST_BUFFER, "GET %s%s%s%s%s HTTP/1.1\r\nHost: %s\r\n%s", req.path, req.param ? sep : "", req.param ? req.param : "",
                   req.param ? "=" : "", req.param ? id : "", req.host, req.fixed);
  if (req.header) n += snprintf(out + n, REQUEST_BUFFER - n, "%s: %s\r\n", req.header, id);
  n += snprintf(out + n, REQUEST_BUFFER - n, "\r\n");
  if (n >= REQUEST_BUFFER) die("the request is longer than 16 KiB");
  return n;
}

// -1: not all of the head yet; -2: not an answer this bench accepts; else the body's length
static long parse_head(conn_t *c, size_t *head_len) {
  char *end = memmem(c->in, c->have, "\r\n\r\n", 4);
  if (!end) return c->have == READ_BUFFER ? -2 : -1;
  *head_len = (size_t)(end - c->in) + 4;
  if (c->have < 12 || memcmp(c->in, "HTTP/1.1 ", 9) != 0) return -2;
  if (memcmp(c->in + 9, "304", 3) == 0) return 0;  // no body, whatever the headers say
  if (c->in[9] != '2') return -2;
  for (char *line = memchr(c->in, '\n', *head_len); line && line < end; line = memchr(line + 1, '\n', (size_t)(end - line))) {
    if (strncasecmp(line + 1, "content-length:", 15) == 0) return strtol(line + 16, NULL, 10);
  }
  return -2;
}

static struct {
  int64_t start;
  double interval;  // ns between requests falling due
  long outstanding;
} sched;

static int64_t due_at(long k) { return sched.start + (int64_t)((double)k * sched.interval); }

// sends connection i's next request, which fell due at `due`
static void send_next(conn_t *c, long i, int64_t due) {
  char out[REQUEST_BUFFER];
  int len = format_request(out, (int)i, c->seq);
  if (write(c->fd, out, (size_t)len) != len) die("a request did not go out whole");
  c->busy = 1, c->due = due, c->have = 0, c->body_left = -1, c->seq++;
  sched.outstanding++;
}

static int compare(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static double percentile_ms(int64_t *sorted, long n, double p) {
  if (n == 0) return 0;
  long i = (long)(p * (double)n + 0.999999) - 1;
  if (i < 0) i = 0;
  if (i >= n) i = n - 1;
  return (double)sorted[i] / 1e6;
}

int main(int argc, char **argv) {
  const char *addr = "127.0.0.1:18181";
  long rate = 10000, connections = 256;
  double seconds = 5;
  for (int opt; (opt = getopt(argc, argv, "a:r:d:c:h")) != -1;) {
    switch (opt) {
      case 'a': addr = optarg; break;
      case 'r': rate = strtol(optarg, NULL, 10); break;
      case 'd': seconds = strtod(optarg, NULL); break;
      case 'c': connections = strtol(optarg, NULL, 10); break;
      default:
        fprintf(stderr, "usage: fixedrate -a HOST:PORT -r REQUESTS_PER_SECOND -d SECONDS -c CONNECTIONS (request from REQ_PATH, VARY_PARAM, VARY_HEADER, REQ_HEADERS)\n");
        return opt == 'h' ? 0 : 2;
    }
  }
  if (rate <= 0 || connections <= 0 || connections > 60000 || seconds <= 0) die("-r, -c and -d must be positive (-c at most 60000)");
  char host[256];
  snprintf(host, sizeof host, "%s", addr);
  char *colon = strrchr(host, ':');
  if (!colon) die("-a must be HOST:PORT");
  *colon = '\0';
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
  if (inet_pton(AF_INET, host, &to.sin_addr) != 1) die("-a must be an IPv4 address and a port");
  req.host = addr;
  env_request();

  long total = (long)((double)rate * seconds);
  int64_t *latencies = malloc(sizeof(int64_t) * (size_t)(total + 1));
  int64_t *lateness = malloc(sizeof(int64_t) * (size_t)(total + 1));
  conn_t *conns = calloc((size_t)connections, sizeof(conn_t));
  int ep = epoll_create1(0);
  if (!latencies || !lateness || !conns || ep < 0) die("out of memory");
  // every connection is open before the first request falls due: none waits for a handshake
  for (long i = 0; i < connections; i++) {
    conn_t *c = &conns[i];
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&to, sizeof to) != 0) {
      fprintf(stderr, "fixedrate: connection %ld of %ld to %s: %s\n", i + 1, connections, addr, strerror(errno));
      return 1;
    }
    c->in = malloc(READ_BUFFER);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
    if (!c->in || epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) die("epoll_ctl failed");
  }

  sched.interval = 1e9 / (double)rate;
  sched.start = now_ns() + 10000000;
  long next = 0, answered = 0, late_n = 0, failed = 0;
  int64_t last_done = sched.start;
  struct epoll_event events[256];

  while (next < total || sched.outstanding > 0) {
    int64_t now = now_ns();
    // requests now due on free connections go out; a busy one sends its own when its answer is in
    for (; next < total && due_at(next) <= now; next++) {
      conn_t *c = &conns[next % connections];
      if (!c->busy && c->seq == next / connections) {
        lateness[late_n++] = now - due_at(next);
        send_next(c, next % connections, due_at(next));
      }
    }
    struct timespec wait = {0, 0};
    struct timespec *timeout = NULL;
    if (next < total) {
      int64_t until = due_at(next) - now_ns();
      if (until < 0) until = 0;
      wait.tv_sec = until / 1000000000, wait.tv_nsec = until % 1000000000;
      timeout = &wait;
    } else if (sched.outstanding > 0) {
      wait.tv_sec = 10;  // the answers still out have at most this long
      timeout = &wait;
    }
    int n = epoll_pwait2(ep, events, 256, timeout, NULL);
    if (n < 0 && errno != EINTR) die("epoll_pwait2 failed");
    if (n == 0 && next >= total) break;  // answers that never came count as failed below
    for (int e = 0; e < n; e++) {
      long i = (long)events[e].data.u64;
      conn_t *c = &conns[i];
      ssize_t got = read(c->fd, c->in + c->have, READ_BUFFER - c->have);
      if (got <= 0 || !c->busy) die("a server closed a connection or sent bytes nobody asked for");
      c->have += (size_t)got;
      if (c->body_left < 0) {
        size_t head_len;
        long body = parse_head(c, &head_len);
        if (body == -2) die("an answer that is not HTTP/1.1 2xx or 304 with a Content-Length");
        if (body < 0) continue;
        c->body_left = body - (long)(c->have - head_len);
        c->have = 0;
      } else {
        c->body_left -= got;
        c->have = 0;
      }
      if (c->body_left > 0) continue;
      if (c->body_left < 0) die("a server sent more than its Content-Length");
      int64_t done = now_ns();
      latencies[answered++] = done - c->due;
      last_done = done;
      c->busy = 0;
      sched.outstanding--;
      long k = c->seq * connections + i;  // this connection's next request: sent now if it fell due while this one was out
      if (k < total && k < next) send_next(c, i, due_at(k));
    }
  }
  failed = total - answered;
  if (answered == 0) die("no request was answered");
  qsort(latencies, (size_t)answered, sizeof(int64_t), compare);
  qsort(lateness, (size_t)late_n, sizeof(int64_t), compare);
  printf("%.0f %.2f %.2f %.2f %.2f %.2f %ld %.2f\n", (double)answered / ((double)(last_done - sched.start) / 1e9), percentile_ms(latencies, answered, 0.5),
         percentile_ms(latencies, answered, 0.9), percentile_ms(latencies, answered, 0.99), percentile_ms(latencies, answered, 0.999),
         (double)latencies[answered - 1] / 1e6, failed, percentile_ms(lateness, late_n, 0.99));
  return 0;
}
