/* camguard-gateway - tests: the shared server fixture and client helpers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <glib/gstdio.h>

#include "http-fixture.h"

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
  /* after the router's own handler (connected once the headers are read):
   * what is kept once the router has seen the chunk */
  g_signal_connect_after (msg, "got-chunk", G_CALLBACK (watch_chunk), f);
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

void
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

void
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

gboolean
hang_cb (gpointer data)
{
  g_error ("no progress within %d s", WAIT_BOUND_S);
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *flag is set (bounded). */
void
wait_until (const gboolean * flag)
{
  guint id = g_timeout_add_seconds (WAIT_BOUND_S, hang_cb, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

gboolean
log_has (Fixture * f, guint n)
{
  return f->log->len >= n && f->metrics->len >= n;
}

/* Log lines are written when a message finishes: wait for @n (bounded). */
void
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

SoupMessage *
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
JsonNode *
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

const gchar *
resp_header (SoupMessage * msg, const gchar * name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers
      (msg), name);
}

const gchar *
member (JsonNode * node, const gchar * name)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_get_string_member_with_default (json_node_get_object
      (node), name, NULL);
}

/* Checks a flat error answer: status, code, request_id = X-Request-Id. */
void
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

void
set_body (SoupMessage * msg, const gchar * text)
{
  g_autoptr (GBytes) b = g_bytes_new (text, strlen (text));

  soup_message_set_request_body_from_bytes (msg, "application/json", b);
}
