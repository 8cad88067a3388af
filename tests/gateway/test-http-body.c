/* camguard-gateway - tests: request bodies on the one HTTP request path
 * (malformed JSON, the body limit by Content-Length, by chunks, with
 * Expect: 100-continue, and an endless body), real server and client
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "http-fixture.h"

static void
test_400_bodies (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "POST", "/api/v1/cameras", f->admin);
  g_autoptr (SoupMessage) b = new_msg (f, "POST", "/api/v1/cameras", f->admin);
  g_autoptr (SoupMessage) c = new_msg (f, "POST", "/api/v1/cameras", f->admin);
  g_autoptr (SoupMessage) d = new_msg (f, "POST", "/api/v1/cameras", f->admin);
  g_autoptr (JsonNode) n1 = NULL, n2 = NULL, n3 = NULL, n4 = NULL;

  set_body (a, "{\"id\": \"door\",");
  n1 = run (f, a, NULL);
  assert_error (a, n1, 400, "INVALID_JSON");
  set_body (b, "[1, 2]");
  n2 = run (f, b, NULL);
  assert_error (b, n2, 400, "INVALID_REQUEST");
  n3 = run (f, c, NULL);        /* no body at all */
  assert_error (c, n3, 400, "INVALID_REQUEST");
  g_assert_cmpuint (f->post_calls, ==, 0);
  set_body (d, "{\"id\": \"door\"}");
  n4 = run (f, d, NULL);
  g_assert_cmpuint (soup_message_get_status (d), ==, 200);
  g_assert_cmpstr (member (n4, "created"), ==, "door");
  g_assert_cmpuint (f->post_calls, ==, 1);
}

/* A JSON object body of exactly @size bytes. */
static GBytes *
big_body (gsize size)
{
  gchar *s = g_malloc (size);

  memset (s, ' ', size);
  s[0] = '{';
  s[size - 1] = '}';
  return g_bytes_new_take (s, size);
}

static void
test_413_content_length (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "POST", "/api/v1/cameras",
      f->admin);
  g_autoptr (GBytes) body = big_body (SMALL_LIMIT + 1);
  g_autoptr (JsonNode) node = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  node = run (f, msg, NULL);
  assert_error (msg, node, 413, "PAYLOAD_TOO_LARGE");
  g_assert_cmpuint (f->post_calls, ==, 0);
  /* Refused on its Content-Length, as soon as the headers were read, and
   * not one byte of the body was kept. */
  g_assert_cmpuint (f->status_at_headers, ==, 413);
  g_assert_cmpuint (f->max_kept, ==, 0);
}

static void
test_413_expect_continue (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "POST", "/api/v1/cameras",
      f->admin);
  g_autoptr (GBytes) body = big_body (8 * SMALL_LIMIT);
  g_autoptr (JsonNode) node = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_message_headers_set_expectations (soup_message_get_request_headers
      (msg), SOUP_EXPECTATION_CONTINUE);
  node = run (f, msg, NULL);
  assert_error (msg, node, 413, "PAYLOAD_TOO_LARGE");
  g_assert_cmpuint (f->post_calls, ==, 0);
  /* Answered before the client sent the body (no 100 Continue). */
  g_assert_cmpuint (f->chunks, ==, 0);
}

/* Regression: libsoup clears the response headers after it writes the
 * informational "100 Continue", so an X-Request-Id set on the headers
 * alone was lost for every accepted Expect: 100-continue request. */
static void
test_expect_continue_keeps_request_id (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "POST", "/api/v1/cameras",
      f->admin);
  g_autoptr (JsonNode) node = NULL;

  set_body (msg, "{\"id\": \"cont\"}");
  soup_message_headers_set_expectations (soup_message_get_request_headers
      (msg), SOUP_EXPECTATION_CONTINUE);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "X-Request-Id", "cont-1");
  node = run (f, msg, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "created"), ==, "cont");
  g_assert_cmpuint (f->chunks, >, 0);
  g_assert_cmpstr (resp_header (msg, "X-Request-Id"), ==, "cont-1");
}

static void
send_chunked (Fixture * f, SoupMessage * msg, GBytes * body)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_bytes (body);

  soup_message_set_request_body (msg, "application/json", in, -1);
}

static void
test_413_chunked (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "POST", "/api/v1/cameras",
      f->admin);
  g_autoptr (SoupMessage) ok = new_msg (f, "POST", "/api/v1/cameras", f->admin);
  g_autoptr (GBytes) body = big_body (16 * SMALL_LIMIT);
  g_autoptr (GBytes) small = g_bytes_new_static ("{\"id\": \"c\"}", 11);
  g_autoptr (JsonNode) node = NULL, n2 = NULL;

  send_chunked (f, msg, body);
  node = run (f, msg, NULL);
  g_assert_null (soup_message_headers_get_one
      (soup_message_get_request_headers (msg), "Content-Length"));
  assert_error (msg, node, 413, "PAYLOAD_TOO_LARGE");
  g_assert_cmpuint (f->post_calls, ==, 0);
  /* Read in several chunks, never more than the limit kept, nothing at
   * the end. */
  g_assert_cmpuint (f->chunks, >, 1);
  g_assert_cmpuint (f->max_kept, <=, SMALL_LIMIT);
  g_assert_cmpuint (f->last_kept, ==, 0);

  /* A chunked body under the limit goes through. */
  send_chunked (f, ok, small);
  n2 = run (f, ok, NULL);
  g_assert_cmpuint (soup_message_get_status (ok), ==, 200);
  g_assert_cmpstr (member (n2, "created"), ==, "c");
}

#define ENDLESS_BOUND (64 * 1024 * 1024)

typedef struct
{
  gchar *base;
  gsize sent;
  gboolean write_failed;
  gint done;
} Endless;

/* A raw HTTP client that sends a chunked body for ever (up to a bound). */
static gpointer
endless_client (gpointer data)
{
  Endless *e = data;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *chunk = g_malloc (SMALL_LIMIT + 16);
  const gchar *head = "POST /api/v1/cameras HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  GOutputStream *out;
  gsize len;

  g_socket_client_set_enable_proxy (client, FALSE);
  conn = g_socket_client_connect_to_uri (client, e->base, 0, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  len = g_snprintf (chunk, 16, "%x\r\n", SMALL_LIMIT);
  memset (chunk + len, ' ', SMALL_LIMIT);
  memcpy (chunk + len + SMALL_LIMIT, "\r\n", 2);
  len += SMALL_LIMIT + 2;
  if (!g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL))
    e->write_failed = TRUE;
  while (!e->write_failed && e->sent < ENDLESS_BOUND) {
    if (!g_output_stream_write_all (out, chunk, len, NULL, NULL, NULL))
      e->write_failed = TRUE;
    else
      e->sent += SMALL_LIMIT;
  }
  g_atomic_int_set (&e->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
test_413_endless_body_cut (Fixture * f, gconstpointer data)
{
  Endless e = { 0 };
  GThread *t;
  guint id = g_timeout_add_seconds (WAIT_BOUND_S, hang_cb, NULL);
  const gchar *line;

  e.base = f->base;
  t = g_thread_new ("endless", endless_client, &e);
  while (!g_atomic_int_get (&e.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (t);
  g_source_remove (id);
  g_test_message ("the client sent %" G_GSIZE_FORMAT " body bytes, the "
      "server read %u chunks, before the connection was closed", e.sent,
      f->chunks);

  /* The server closed the connection long before the bound, kept at
   * most the limit, and logged the request as 413. */
  g_assert_true (e.write_failed);
  g_assert_cmpuint (e.sent, <, ENDLESS_BOUND);
  g_assert_cmpuint (f->max_kept, <=, SMALL_LIMIT);
  g_assert_cmpuint (f->post_calls, ==, 0);
  g_assert_cmpuint (f->log->len, ==, 1);
  line = g_ptr_array_index (f->log, 0);
  g_assert_nonnull (strstr (line, "\"status\":413"));
  g_assert_cmpstr (g_ptr_array_index (f->metrics, 0), ==, "POST - 413");
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) \
  g_test_add ("/gw-http-body/" path, Fixture, GINT_TO_POINTER (FALSE), \
      fixture_setup, fn, fixture_teardown)
  ADD ("400-bodies", test_400_bodies);
  ADD ("413-content-length", test_413_content_length);
  ADD ("413-expect-continue", test_413_expect_continue);
  ADD ("413-chunked", test_413_chunked);
  ADD ("413-endless-body-cut", test_413_endless_body_cut);
  ADD ("expect-continue-keeps-request-id",
      test_expect_continue_keeps_request_id);
#undef ADD
  return g_test_run ();
}
