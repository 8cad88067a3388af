/* camguard-gateway - tests: the one HTTP request path, with a real
 * SoupServer on 127.0.0.1 and a real SoupSession client
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <glib/gstdio.h>

#include "gw-http.h"

#define WAIT_BOUND_S 20         /* only detects a hang */
#define SMALL_LIMIT 4096

typedef struct
{
  gchar *dir;
  GwKeyStore *store;
  SoupServer *server;
  GwRouter *router;
  SoupSession *session;
  gchar *base;
  gchar *viewer, *operator, *admin;
  guint post_calls;
  GThread *reply_thread;
  GPtrArray *log;
  GPtrArray *metrics;
  guint chunks;                 /* request body chunks the server read */
  gsize max_kept;               /* most request body bytes it kept */
  gsize last_kept;              /* bytes kept after the last chunk */
  guint status_at_headers;      /* the server's status once it has them */
} Fixture;

typedef struct
{
  gboolean done;
  GBytes *body;
  GError *error;
} Result;

/* ---------------------------------------------------------------------- */
/* Dummy routes                                                           */
/* ---------------------------------------------------------------------- */

static void
reply_member (GwRequest * req, const gchar * name, const gchar * value)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  gw_request_reply_json (req, 200, node);
}

static void
get_camera (GwRequest * req, gpointer data)
{
  reply_member (req, "id", gw_request_get_param (req, "id"));
}

static void
list_cameras (GwRequest * req, gpointer data)
{
  const gchar *state = gw_request_get_query (req, "state");

  reply_member (req, state ? "state" : "key",
      state ? state : gw_request_get_key_name (req));
}

static void
start_camera (GwRequest * req, gpointer data)
{
  reply_member (req, "started", gw_request_get_param (req, "id"));
}

static void
create_camera (GwRequest * req, gpointer data)
{
  Fixture *f = data;
  JsonObject *o = json_node_get_object (gw_request_get_body (req));

  f->post_calls++;
  reply_member (req, "created",
      json_object_get_string_member_with_default (o, "id", "?"));
}

static void
health (GwRequest * req, gpointer data)
{
  reply_member (req, "status", "healthy");
}

static gpointer
slow_worker (gpointer data)
{
  GwRequest *req = data;

  reply_member (req, "thread", "worker");
  gw_request_unref (req);
  return NULL;
}

static void
slow (GwRequest * req, gpointer data)
{
  Fixture *f = data;

  gw_request_pause (req);
  f->reply_thread = g_thread_new ("reply", slow_worker, gw_request_ref (req));
}

/* Stages a header for an answer that never comes. */
static void
never (GwRequest * req, gpointer data)
{
  gw_request_add_header (req, "X-Frame-Age-Ms", "7");
  gw_request_pause (req);
}

static void
forgetful (GwRequest * req, gpointer data)
{
}

static void
snapshot (GwRequest * req, gpointer data)
{
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xd9 };
  g_autoptr (GBytes) bytes = g_bytes_new_static (jpeg, sizeof jpeg);

  gw_request_add_header (req, "X-Frame-Age-Ms", "12");
  gw_request_reply_bytes (req, 200, "image/jpeg", bytes);
}

static void
log_line (const GwAccessRecord * rec, gpointer data)
{
  Fixture *f = data;

  g_ptr_array_add (f->log, gw_access_record_to_json (rec));
}

static void
metrics_hook (const gchar * route, const gchar * method, guint status,
    gdouble ms, gpointer data)
{
  Fixture *f = data;

  g_ptr_array_add (f->metrics, g_strdup_printf ("%s %s %u", method,
          route ? route : "-", status));
}

/* ---------------------------------------------------------------------- */
/* Fixture and client                                                     */
/* ---------------------------------------------------------------------- */

static gchar *
new_key (GwKeyStore * store, GwRole role)
{
  gchar *key = NULL;

  g_assert_true (gw_keys_create (store, role, gw_role_to_nick (role), &key,
          NULL));
  return key;
}

/* Runs after the router's own handler: what the server really kept. */
static void
watch_chunk (SoupServerMessage * msg, GBytes * chunk, Fixture * f)
{
  gsize kept = soup_server_message_get_request_body (msg)->length;

  f->chunks++;
  f->max_kept = MAX (f->max_kept, kept);
  f->last_kept = kept;
}

static void
watch_headers (SoupServerMessage * msg, Fixture * f)
{
  f->status_at_headers = soup_server_message_get_status (msg);
}

static void
watch_request (SoupServer * server, SoupServerMessage * msg, Fixture * f)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (watch_headers), f);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (watch_chunk), f);
}

static void
add_routes (Fixture * f)
{
  GwRouter *r = f->router;

  gw_router_add_route (r, "GET", "/health", "health.read", 0, health, f);
  gw_router_add_route (r, "GET", "/api/v1/cameras", "cameras.read", 0,
      list_cameras, f);
  gw_router_add_route (r, "POST", "/api/v1/cameras", "cameras.write",
      GW_ROUTE_BODY_OBJECT, create_camera, f);
  gw_router_add_route (r, "GET", "/api/v1/cameras/{id}", "cameras.read", 0,
      get_camera, f);
  gw_router_add_route (r, "POST", "/api/v1/cameras/{id}/start",
      "cameras.control", 0, start_camera, f);
  gw_router_add_route (r, "GET", "/api/v1/cameras/{id}/snapshot",
      "snapshots.read", 0, snapshot, f);
  gw_router_add_route (r, "GET", "/api/v1/slow", "cameras.read", 0, slow, f);
  gw_router_add_route (r, "GET", "/api/v1/never", "cameras.read", 0, never, f);
  gw_router_add_route (r, "GET", "/api/v1/forgetful", "cameras.read", 0,
      forgetful, f);
}

static void
fixture_setup (Fixture * f, gconstpointer data)
{
  gboolean auth_off = GPOINTER_TO_INT (data);
  g_autoptr (GError) error = NULL;
  GSList *uris;

  f->dir = g_dir_make_tmp ("gw-http-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = gw_key_store_new (f->dir, &error);
  g_assert_no_error (error);
  f->viewer = new_key (f->store, GW_ROLE_VIEWER);
  f->operator = new_key (f->store, GW_ROLE_OPERATOR);
  f->admin = new_key (f->store, GW_ROLE_ADMIN);

  f->server = soup_server_new (NULL, NULL);
  f->router = gw_router_new (f->server, auth_off ? NULL : f->store);
  gw_router_set_body_limit (f->router, SMALL_LIMIT);
  f->log = g_ptr_array_new_with_free_func (g_free);
  f->metrics = g_ptr_array_new_with_free_func (g_free);
  gw_router_set_log_func (f->router, log_line, f);
  gw_router_set_metrics_func (f->router, metrics_hook, f);
  add_routes (f);
  g_signal_connect (f->server, "request-started", G_CALLBACK (watch_request),
      f);
  g_assert_true (soup_server_listen_local (f->server, 0,
          SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  g_assert_nonnull (uris);
  f->base = g_uri_to_string (uris->data);
  if (g_str_has_suffix (f->base, "/"))
    f->base[strlen (f->base) - 1] = '\0';
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_true (g_str_has_prefix (f->base, "http://127.0.0.1:"));
  /* Straight to 127.0.0.1: never through a proxy from the environment. */
  f->session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
}

static void
fixture_teardown (Fixture * f, gconstpointer data)
{
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  const gchar *name;

  if (f->reply_thread)
    g_thread_join (f->reply_thread);
  g_object_unref (f->session);
  soup_server_disconnect (f->server);
  gw_router_unref (f->router);
  g_object_add_weak_pointer (G_OBJECT (f->server), (gpointer *) & f->server);
  g_object_unref (f->server);
  while (g_main_context_iteration (NULL, FALSE));
  /* Nothing (a message's state, a request) keeps the server alive. */
  g_assert_null (f->server);
  gw_key_store_free (f->store);
  while (d && (name = g_dir_read_name (d))) {
    g_autofree gchar *p = g_build_filename (f->dir, name, NULL);
    g_unlink (p);
  }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->base);
  g_free (f->viewer);
  g_free (f->operator);
  g_free (f->admin);
  g_ptr_array_unref (f->log);
  g_ptr_array_unref (f->metrics);
}

static gboolean
hang_cb (gpointer data)
{
  g_error ("no progress within %d s", WAIT_BOUND_S);
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *flag is set (bounded). */
static void
wait_until (const gboolean * flag)
{
  guint id = g_timeout_add_seconds (WAIT_BOUND_S, hang_cb, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static gboolean
log_has (Fixture * f, guint n)
{
  return f->log->len >= n && f->metrics->len >= n;
}

/* Log lines are written when a message finishes: wait for @n (bounded). */
static void
wait_log (Fixture * f, guint n)
{
  guint id = g_timeout_add_seconds (WAIT_BOUND_S, hang_cb, NULL);

  while (!log_has (f, n))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
send_done (GObject * source, GAsyncResult * res, gpointer data)
{
  Result *r = data;

  r->body = soup_session_send_and_read_finish (SOUP_SESSION (source), res,
      &r->error);
  r->done = TRUE;
}

static SoupMessage *
new_msg (Fixture * f, const gchar * method, const gchar * path,
    const gchar * key)
{
  g_autofree gchar *uri = g_strconcat (f->base, path, NULL);
  SoupMessage *msg = soup_message_new (method, uri);

  if (key) {
    g_autofree gchar *auth = g_strconcat ("Bearer ", key, NULL);

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Authorization", auth);
  }
  return msg;
}

/* Sends @msg; returns the parsed JSON body (NULL if not JSON). */
static JsonNode *
run (Fixture * f, SoupMessage * msg, GBytes ** raw)
{
  Result r = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *node = NULL;

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL,
      send_done, &r);
  wait_until (&r.done);
  g_assert_no_error (r.error);
  if (g_bytes_get_size (r.body) > 0
      && json_parser_load_from_data (parser, g_bytes_get_data (r.body, NULL),
          g_bytes_get_size (r.body), NULL))
    node = json_parser_steal_root (parser);
  if (raw)
    *raw = r.body;
  else
    g_bytes_unref (r.body);
  return node;
}

static const gchar *
resp_header (SoupMessage * msg, const gchar * name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers
      (msg), name);
}

static const gchar *
member (JsonNode * node, const gchar * name)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_get_string_member_with_default (json_node_get_object
      (node), name, NULL);
}

/* Checks a flat error answer: status, code, request_id = X-Request-Id. */
static void
assert_error (SoupMessage * msg, JsonNode * node, guint status,
    const gchar * code)
{
  g_assert_cmpuint (soup_message_get_status (msg), ==, status);
  g_assert_cmpstr (member (node, "error_code"), ==, code);
  g_assert_nonnull (member (node, "message"));
  g_assert_true (json_object_has_member (json_node_get_object (node),
          "details"));
  g_assert_nonnull (resp_header (msg, "X-Request-Id"));
  g_assert_cmpstr (member (node, "request_id"), ==,
      resp_header (msg, "X-Request-Id"));
}

/* ---------------------------------------------------------------------- */
/* Tests                                                                  */
/* ---------------------------------------------------------------------- */

static void
test_ok_and_params (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/cameras/door",
      f->viewer);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "id"), ==, "door");
  g_assert_nonnull (resp_header (msg, "X-Request-Id"));
}

static void
test_query (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET",
      "/api/v1/cameras?state=failed%20now&x=1", f->viewer);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "state"), ==, "failed now");
}

static void
test_request_id (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "GET", "/api/v1/cameras", f->viewer);
  g_autoptr (SoupMessage) b = new_msg (f, "GET", "/api/v1/cameras", f->viewer);
  g_autoptr (SoupMessage) c = new_msg (f, "GET", "/api/v1/cameras", f->viewer);
  g_autoptr (SoupMessage) d = new_msg (f, "GET", "/nope", NULL);
  g_autofree gchar *longid = g_strnfill (300, 'a');
  g_autoptr (JsonNode) n1 = NULL, n2 = NULL, n3 = NULL, n4 = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (a),
      "X-Request-Id", "client-42.a:b_c");
  n1 = run (f, a, NULL);
  g_assert_cmpstr (resp_header (a, "X-Request-Id"), ==, "client-42.a:b_c");

  /* Not sane (a space, too long): replaced by a new one. */
  soup_message_headers_replace (soup_message_get_request_headers (b),
      "X-Request-Id", "has space");
  n2 = run (f, b, NULL);
  g_assert_nonnull (resp_header (b, "X-Request-Id"));
  g_assert_cmpstr (resp_header (b, "X-Request-Id"), !=, "has space");
  soup_message_headers_replace (soup_message_get_request_headers (c),
      "X-Request-Id", longid);
  n3 = run (f, c, NULL);
  g_assert_cmpstr (resp_header (c, "X-Request-Id"), !=, longid);
  g_assert_cmpstr (resp_header (c, "X-Request-Id"), !=,
      resp_header (b, "X-Request-Id"));

  /* An error answer echoes too. */
  soup_message_headers_replace (soup_message_get_request_headers (d),
      "X-Request-Id", "err-1");
  n4 = run (f, d, NULL);
  assert_error (d, n4, 404, "METHOD_NOT_FOUND");
  g_assert_cmpstr (member (n4, "request_id"), ==, "err-1");
}

static void
test_401_no_credentials (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/cameras", NULL);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  assert_error (msg, node, 401, "AUTHENTICATION_REQUIRED");
  g_assert_cmpstr (resp_header (msg, "WWW-Authenticate"), ==,
      "Bearer realm=\"camguard\"");
}

static void
test_401_invalid_key (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "GET", "/api/v1/cameras",
      "cgk_not-a-key");
  g_autoptr (SoupMessage) b = new_msg (f, "GET", "/api/v1/cameras", NULL);
  g_autoptr (JsonNode) n1 = run (f, a, NULL);
  g_autoptr (JsonNode) n2 = NULL;
  guint i;

  assert_error (a, n1, 401, "INVALID_API_KEY");
  g_assert_true (g_str_has_prefix (resp_header (a, "WWW-Authenticate"),
          "Bearer realm=\"camguard\""));
  /* The same through X-API-Key. */
  soup_message_headers_replace (soup_message_get_request_headers (b),
      "X-API-Key", "cgk_other");
  n2 = run (f, b, NULL);
  assert_error (b, n2, 401, "INVALID_API_KEY");
  g_assert_nonnull (resp_header (b, "WWW-Authenticate"));

  /* No key reaches the access log, good or bad. */
  wait_log (f, 2);
  g_assert_cmpuint (f->log->len, ==, 2);
  for (i = 0; i < f->log->len; i++) {
    g_assert_null (strstr (g_ptr_array_index (f->log, i), "cgk_"));
  }
}

static void
test_x_api_key_ok (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/cameras", NULL);
  g_autoptr (JsonNode) node = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "X-API-Key", f->operator);
  node = run (f, msg, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "key"), ==, "operator");
}

static void
test_403_role_too_low (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "POST",
      "/api/v1/cameras/door/start", f->viewer);
  g_autoptr (SoupMessage) b = new_msg (f, "POST",
      "/api/v1/cameras/door/start", f->operator);
  g_autoptr (JsonNode) n1 = run (f, a, NULL);
  g_autoptr (JsonNode) n2 = run (f, b, NULL);

  assert_error (a, n1, 403, "INSUFFICIENT_PERMISSIONS");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (json_node_get_object (n1), "details"), "required_role"), ==,
      "operator");
  g_assert_cmpuint (soup_message_get_status (b), ==, 200);
  g_assert_cmpstr (member (n2, "started"), ==, "door");
}

static void
test_404_unknown_route (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "GET", "/api/v1/nothing/here",
      f->admin);
  g_autoptr (SoupMessage) b = new_msg (f, "GET", "/api/v1/cameras//", NULL);
  g_autoptr (JsonNode) n1 = run (f, a, NULL);
  g_autoptr (JsonNode) n2 = run (f, b, NULL);

  assert_error (a, n1, 404, "METHOD_NOT_FOUND");
  /* An empty {id} segment is no match (and the 404 needs no key). */
  assert_error (b, n2, 404, "METHOD_NOT_FOUND");
}

static void
test_405_allow (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "DELETE", "/api/v1/cameras",
      f->admin);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  assert_error (msg, node, 405, "METHOD_NOT_ALLOWED");
  g_assert_cmpstr (resp_header (msg, "Allow"), ==, "GET, HEAD, POST");
}

static void
set_body (SoupMessage * msg, const gchar * text)
{
  g_autoptr (GBytes) b = g_bytes_new (text, strlen (text));

  soup_message_set_request_body_from_bytes (msg, "application/json", b);
}

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

static void
test_problem_json (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/nothing", NULL);
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o;

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Accept", "application/problem+json, application/json;q=0.5");
  node = run (f, msg, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 404);
  g_assert_cmpstr (soup_message_headers_get_content_type
      (soup_message_get_response_headers (msg), NULL), ==,
      "application/problem+json");
  o = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (o, "status"), ==, 404);
  g_assert_nonnull (member (node, "title"));
  g_assert_nonnull (member (node, "type"));
  g_assert_nonnull (member (node, "detail"));
  g_assert_cmpstr (member (node, "instance"), ==, "/api/v1/nothing");
  g_assert_cmpstr (member (node, "error_code"), ==, "METHOD_NOT_FOUND");
  g_assert_cmpstr (member (node, "request_id"), ==,
      resp_header (msg, "X-Request-Id"));

  /* Without the Accept header: the flat body, as application/json. */
  g_clear_pointer (&node, json_node_unref);
  g_clear_object (&msg);
  msg = new_msg (f, "GET", "/api/v1/nothing", NULL);
  node = run (f, msg, NULL);
  assert_error (msg, node, 404, "METHOD_NOT_FOUND");
  g_assert_cmpstr (soup_message_headers_get_content_type
      (soup_message_get_response_headers (msg), NULL), ==, "application/json");
  g_assert_false (json_object_has_member (json_node_get_object (node),
          "title"));
}

static void
test_paused_reply_from_thread (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/slow", f->viewer);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  g_assert_nonnull (f->reply_thread);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "thread"), ==, "worker");
  g_assert_nonnull (resp_header (msg, "X-Request-Id"));
}

static void
test_paused_timeout (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/never", f->viewer);
  g_autoptr (JsonNode) node = NULL;

  gw_router_set_reply_timeout (f->router, 20);
  node = run (f, msg, NULL);
  assert_error (msg, node, 504, "OPERATION_TIMEOUT");
  /* Regression: the timeout's answer carried the headers the handler had
   * staged for its own answer. */
  g_assert_null (resp_header (msg, "X-Frame-Age-Ms"));
}

static void
test_forgetful_handler (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/api/v1/forgetful",
      f->viewer);
  g_autoptr (JsonNode) node = NULL;

  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_WARNING,
      "*without an answer*");
  node = run (f, msg, NULL);
  g_test_assert_expected_messages ();
  assert_error (msg, node, 500, "INTERNAL_ERROR");
}

static void
test_bytes_and_headers (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET",
      "/api/v1/cameras/door/snapshot", f->viewer);
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (JsonNode) node = run (f, msg, &raw);
  const guint8 *p = g_bytes_get_data (raw, NULL);

  g_assert_null (node);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type
      (soup_message_get_response_headers (msg), NULL), ==, "image/jpeg");
  g_assert_cmpstr (resp_header (msg, "X-Frame-Age-Ms"), ==, "12");
  g_assert_cmpuint (g_bytes_get_size (raw), ==, 4);
  g_assert_cmpuint (p[0], ==, 0xff);
  g_assert_cmpuint (p[1], ==, 0xd8);
}

static void
test_health_open (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "GET", "/health", NULL);
  g_autoptr (JsonNode) node = run (f, msg, NULL);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "status"), ==, "healthy");
}

static void
test_head_is_get (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "HEAD", "/health", NULL);
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (JsonNode) node = run (f, msg, &raw);

  g_assert_null (node);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpuint (g_bytes_get_size (raw), ==, 0);
  g_assert_nonnull (resp_header (msg, "X-Request-Id"));
}

static void
test_access_log_and_metrics (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "GET", "/api/v1/cameras/door",
      f->viewer);
  g_autoptr (SoupMessage) b = new_msg (f, "GET", "/api/v1/none", NULL);
  g_autoptr (JsonNode) n1 = run (f, a, NULL);
  g_autoptr (JsonNode) n2 = run (f, b, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o;

  wait_log (f, 2);
  g_assert_cmpuint (f->log->len, ==, 2);
  g_assert_true (json_parser_load_from_data (parser,
          g_ptr_array_index (f->log, 0), -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "request_id"), ==,
      resp_header (a, "X-Request-Id"));
  g_assert_cmpstr (json_object_get_string_member (o, "method"), ==, "GET");
  g_assert_cmpstr (json_object_get_string_member (o, "path"), ==,
      "/api/v1/cameras/door");
  g_assert_cmpint (json_object_get_int_member (o, "status"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (o, "key"), ==, "viewer");
  g_assert_true (json_object_has_member (o, "duration_ms"));
  {
    g_autoptr (GDateTime) t =
        g_date_time_new_from_iso8601 (json_object_get_string_member (o,
            "time"), NULL);

    g_assert_nonnull (t);
    g_assert_true (g_str_has_suffix (json_object_get_string_member (o,
                "time"), "Z"));
    g_assert_cmpint (g_date_time_get_year (t), >=, 2024);
  }
  g_assert_null (strstr (g_ptr_array_index (f->log, 0), f->viewer));

  g_assert_cmpstr (g_ptr_array_index (f->metrics, 0), ==,
      "GET /api/v1/cameras/{id} 200");
  g_assert_cmpstr (g_ptr_array_index (f->metrics, 1), ==, "GET - 404");
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gdouble
logged_duration (Fixture * f, guint i)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser,
          g_ptr_array_index (f->log, i), -1, NULL));
  return json_object_get_double_member (json_node_get_object
      (json_parser_get_root (parser)), "duration_ms");
}

/* duration_ms runs from "request-started" to "finished"; libsoup 3.2
 * emits "request-started" for the next request of a keep-alive connection
 * only when that request arrives, so idle time is not counted. No clock
 * bound here: the server's duration of a request must fit in the client's
 * own send-to-answer time. */
static void
test_duration_excludes_idle_keepalive (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) a = new_msg (f, "GET", "/health", NULL);
  g_autoptr (SoupMessage) b = new_msg (f, "GET", "/health", NULL);
  g_autoptr (JsonNode) n1 = run (f, a, NULL);
  g_autoptr (JsonNode) n2 = NULL;
  gboolean idle_over = FALSE;
  gint64 t0;
  gdouble client_ms;

  wait_log (f, 1);
  /* The connection stays open and idle for a while. */
  g_timeout_add (50, set_flag, &idle_over);
  wait_until (&idle_over);
  t0 = g_get_monotonic_time ();
  n2 = run (f, b, NULL);
  client_ms = (g_get_monotonic_time () - t0) / 1000.0;
  wait_log (f, 2);
  g_assert_cmpuint (soup_message_get_connection_id (a), ==,
      soup_message_get_connection_id (b));
  g_assert_cmpfloat (logged_duration (f, 1), <=, client_ms);
}

static void
test_auth_off (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupMessage) msg = new_msg (f, "POST", "/api/v1/cameras", NULL);
  g_autoptr (JsonNode) node = NULL;

  set_body (msg, "{\"id\": \"x\"}");
  node = run (f, msg, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (member (node, "created"), ==, "x");
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) \
  g_test_add ("/gw-http/" path, Fixture, GINT_TO_POINTER (FALSE), \
      fixture_setup, fn, fixture_teardown)
  ADD ("ok-and-params", test_ok_and_params);
  ADD ("query", test_query);
  ADD ("request-id", test_request_id);
  ADD ("401-no-credentials", test_401_no_credentials);
  ADD ("401-invalid-key", test_401_invalid_key);
  ADD ("x-api-key", test_x_api_key_ok);
  ADD ("403-role-too-low", test_403_role_too_low);
  ADD ("404-unknown-route", test_404_unknown_route);
  ADD ("405-allow", test_405_allow);
  ADD ("400-bodies", test_400_bodies);
  ADD ("413-content-length", test_413_content_length);
  ADD ("413-expect-continue", test_413_expect_continue);
  ADD ("413-chunked", test_413_chunked);
  ADD ("413-endless-body-cut", test_413_endless_body_cut);
  ADD ("expect-continue-keeps-request-id",
      test_expect_continue_keeps_request_id);
  ADD ("problem-json", test_problem_json);
  ADD ("paused-reply-from-thread", test_paused_reply_from_thread);
  ADD ("paused-timeout", test_paused_timeout);
  ADD ("forgetful-handler", test_forgetful_handler);
  ADD ("bytes-and-headers", test_bytes_and_headers);
  ADD ("health-open", test_health_open);
  ADD ("head-is-get", test_head_is_get);
  ADD ("access-log-and-metrics", test_access_log_and_metrics);
  ADD ("duration-excludes-idle-keepalive",
      test_duration_excludes_idle_keepalive);
#undef ADD
  g_test_add ("/gw-http/auth-off", Fixture, GINT_TO_POINTER (TRUE),
      fixture_setup, test_auth_off, fixture_teardown);
  return g_test_run ();
}
