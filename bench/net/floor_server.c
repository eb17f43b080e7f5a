/* The floor under bench/net.py's figures: a libuv server in C on the main thread making the same
 * calls per message as duet's transports (read, uv_try_write) and nothing else: an echo server, or
 * with --http http-hello's keep-alive answer to every request head. Its "user" time per message is
 * what this machine charges to user mode for the syscalls alone; the servers' own work is what
 * they spend above it. Prints {"port": N} on stdout, then serves until killed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

enum { kReadBufferSize = 256 * 1024 };
static char read_buffer[kReadBufferSize];
static int http;
/* http-hello's answer (workloads/net/http-hello), sent once per request head. */
static const char kResponse[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";

typedef struct {
  uv_tcp_t tcp;
  uv_write_t write_req;
  char* pending; /* what the socket did not take at once: one uv_write at a time */
  size_t pending_size;
  int writing;
  int head_end_matched; /* of "\r\n\r\n", across reads */
} Connection;

static void on_closed(uv_handle_t* handle) {
  Connection* c = handle->data;
  free(c->pending);
  free(c);
}

static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf) {
  (void)handle;
  (void)suggested;
  *buf = uv_buf_init(read_buffer, kReadBufferSize);
}

static void on_written(uv_write_t* req, int status) {
  Connection* c = req->data;
  c->writing = 0;
  free(c->pending);
  c->pending = NULL;
  c->pending_size = 0;
  if (status < 0 && !uv_is_closing((uv_handle_t*)&c->tcp)) uv_close((uv_handle_t*)&c->tcp, on_closed);
}

/* Sends the bytes: now if the socket takes them, else after what is already queued. */
static void send_bytes(Connection* c, const char* bytes, size_t size) {
  size_t written = 0;
  if (!c->writing) {
    uv_buf_t buf = uv_buf_init((char*)bytes, (unsigned)size);
    int n = uv_try_write((uv_stream_t*)&c->tcp, &buf, 1);
    if (n < 0 && n != UV_EAGAIN) {
      uv_close((uv_handle_t*)&c->tcp, on_closed);
      return;
    }
    if (n > 0) written = (size_t)n;
  }
  if (written == size) return;
  /* Rare on loopback with one message in flight: append and keep one write going. */
  char* grown = realloc(c->pending, c->pending_size + size - written);
  if (grown == NULL) abort();
  memcpy(grown + c->pending_size, bytes + written, size - written);
  c->pending = grown;
  c->pending_size += size - written;
  if (!c->writing) {
    uv_buf_t buf = uv_buf_init(c->pending, (unsigned)c->pending_size);
    c->write_req.data = c;
    if (uv_write(&c->write_req, (uv_stream_t*)&c->tcp, &buf, 1, on_written) != 0) {
      uv_close((uv_handle_t*)&c->tcp, on_closed);
      return;
    }
    c->writing = 1;
  }
}

/* Request heads completed in these bytes (GET carries no body). */
static int count_heads(Connection* c, const char* bytes, size_t size) {
  static const char kHeadEnd[] = "\r\n\r\n";
  int heads = 0;
  for (size_t i = 0; i < size; i++) {
    if (bytes[i] == kHeadEnd[c->head_end_matched]) {
      if (++c->head_end_matched == 4) {
        heads++;
        c->head_end_matched = 0;
      }
    } else {
      c->head_end_matched = bytes[i] == '\r' ? 1 : 0;
    }
  }
  return heads;
}

static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  Connection* c = stream->data;
  if (nread > 0 && http) {
    for (int heads = count_heads(c, buf->base, (size_t)nread); heads > 0; heads--) {
      send_bytes(c, kResponse, sizeof(kResponse) - 1);
    }
  } else if (nread > 0) {
    send_bytes(c, buf->base, (size_t)nread);
  } else if (nread < 0 && !uv_is_closing((uv_handle_t*)stream)) {
    uv_close((uv_handle_t*)stream, on_closed);
  }
}

static void on_connection(uv_stream_t* server, int status) {
  if (status < 0) return;
  Connection* c = calloc(1, sizeof(Connection));
  if (c == NULL) abort();
  uv_tcp_init(server->loop, &c->tcp);
  c->tcp.data = c;
  if (uv_accept(server, (uv_stream_t*)&c->tcp) != 0) {
    uv_close((uv_handle_t*)&c->tcp, on_closed);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  uv_read_start((uv_stream_t*)&c->tcp, on_alloc, on_read);
}

int main(int argc, char** argv) {
  http = argc > 1 && strcmp(argv[1], "--http") == 0;
  uv_loop_t* loop = uv_default_loop();
  uv_tcp_t server;
  struct sockaddr_in addr;
  struct sockaddr_storage bound;
  int length = sizeof(bound);
  int rc = uv_ip4_addr("127.0.0.1", 0, &addr);
  if (rc == 0) rc = uv_tcp_init(loop, &server);
  if (rc == 0) rc = uv_tcp_bind(&server, (const struct sockaddr*)&addr, 0);
  if (rc == 0) rc = uv_listen((uv_stream_t*)&server, 1024, on_connection);
  if (rc == 0) rc = uv_tcp_getsockname(&server, (struct sockaddr*)&bound, &length);
  if (rc != 0) {
    fprintf(stderr, "floor_server: %s\n", uv_strerror(rc));
    return 1;
  }
  printf("{\"port\": %d}\n", ntohs(((struct sockaddr_in*)&bound)->sin_port));
  fflush(stdout);
  return uv_run(loop, UV_RUN_DEFAULT);
}
