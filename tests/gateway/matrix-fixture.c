/* camguard-gateway tests - the real binary with a key per role, its route
 * table read from `--list-routes`, and requests with every credential form
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include "matrix-fixture.h"
#include "fake-camera-client.h"
#include "third-party-server.h"

const gchar *const mx_cred_names[MX_N_CREDS] = {
  "no credentials", "unknown key", "viewer", "operator", "admin"
};

const gchar *const mx_form_names[MX_N_FORMS] = {
  "Authorization: Bearer", "X-API-Key"
};

/* A key of the right shape (cgk_ + 43 base64url) that no store holds */
#define UNKNOWN_KEY "cgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static void
route_free (gpointer data)
{
  MxRoute *r = data;

  g_free (r->method);
  g_free (r->pattern);
  g_free (r->action);
  g_free (r);
}

/**
 * mx_gateway_run_tool:
 *
 * Runs `camguard-gateway --config CONFIG ARGS...` to its end; returns its
 * stdout (transfer full), its exit status in @exit_status.
 */
gchar *
mx_gateway_run_tool (MxGateway * g, const gchar * gateway,
    gint * exit_status, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) p = NULL;
  g_autoptr (GError) error = NULL;
  gchar *out = NULL;
  const gchar *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) gateway);
  g_ptr_array_add (argv, (gpointer) "--config");
  g_ptr_array_add (argv, g->config);
  va_start (ap, exit_status);
  while ((arg = va_arg (ap, const gchar *)))
      g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_newv ((const gchar * const *) argv->pdata,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
      &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL,
          &error));
  g_assert_no_error (error);
  *exit_status = g_subprocess_get_if_exited (p) ?
      g_subprocess_get_exit_status (p) : -1;
  return out;
}

/**
 * mx_list_routes:
 *
 * The REST routes (or the JSON-RPC methods) of `camguard-gateway
 * --list-routes`: the tables the binary serves, so that no route escapes.
 */
GPtrArray *
mx_list_routes (const gchar * gateway, const gchar * config, gboolean jsonrpc)
{
  MxGateway g = {.config = (gchar *) config };
  GPtrArray *list = g_ptr_array_new_with_free_func (route_free);
  g_autofree gchar *out = NULL;
  g_auto (GStrv) lines = NULL;
  gint status = -1;
  guint i;

  out = mx_gateway_run_tool (&g, gateway, &status, "--list-routes", NULL);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (i = 0; lines[i]; i++) {
    g_auto (GStrv) f = g_strsplit_set (lines[i], " ", -1);
    g_autoptr (GPtrArray) cols = g_ptr_array_new ();
    MxRoute *r;
    guint j;

    for (j = 0; f[j]; j++)
      if (*f[j])
        g_ptr_array_add (cols, f[j]);
    if (cols->len == 0)
      continue;
    g_assert_cmpuint (cols->len, >=, 4);
    if (jsonrpc != g_str_equal (cols->pdata[0], "JSONRPC"))
      continue;
    r = g_new0 (MxRoute, 1);
    r->method = g_strdup (cols->pdata[0]);
    r->pattern = g_strdup (cols->pdata[1]);
    r->action = g_str_equal (cols->pdata[2], "-") ? NULL :
        g_strdup (cols->pdata[2]);
    g_assert_true (gw_role_from_nick (cols->pdata[3], &r->role));
    r->json_body = cols->len > 4 && g_str_equal (cols->pdata[4], "json-body");
    r->raw_body = cols->len > 4 && g_str_equal (cols->pdata[4], "raw-body");
    g_ptr_array_add (list, r);
  }
  g_assert_cmpuint (list->len, >, 0);
  return list;
}

/**
 * mx_gateway_setup:
 * @gateway_keys: (nullable): more `[gateway]` lines
 * @cameras: (nullable): `[camera ...]` groups
 *
 * A temporary config on free ports, a key per role (made by
 * `--create-key`, named after the role), the route table. Not started.
 */
void
mx_gateway_setup (MxGateway * g, const gchar * gateway,
    const gchar * gateway_keys, const gchar * cameras)
{
  static const gchar *const roles[] = { "viewer", "operator", "admin" };
  g_autoptr (GError) err = NULL;
  g_autofree gchar *text = NULL;
  guint i;

  g->tmpdir = g_dir_make_tmp ("gw-matrix-XXXXXX", &err);
  g_assert_no_error (err);
  g->data_dir = g_build_filename (g->tmpdir, "data", NULL);
  text = g_strdup_printf ("[gateway]\nlisten=127.0.0.1\nport=0\n"
      "rtsp-port=0\ndata-dir=%s\n%s\n\n%s", g->data_dir,
      gateway_keys ? gateway_keys : "", cameras ? cameras : "");
  g->config = g_build_filename (g->tmpdir, "gw.conf", NULL);
  g_assert_true (g_file_set_contents (g->config, text, -1, NULL));
  g->keys[MX_CRED_UNKNOWN] = g_strdup (UNKNOWN_KEY);
  for (i = 0; i < G_N_ELEMENTS (roles); i++) {
    gint status = -1;

    g->keys[MX_CRED_VIEWER + i] = gw_process_create_key (gateway, g->config,
        roles[i], &status);
    g_assert_cmpint (status, ==, 0);
    g_assert_true (g_str_has_prefix (g->keys[MX_CRED_VIEWER + i], "cgk_"));
  }
  g->routes = mx_list_routes (gateway, g->config, FALSE);
  g->methods = mx_list_routes (gateway, g->config, TRUE);
}

void
mx_gateway_start (MxGateway * g, const gchar * gateway)
{
  gw_process_start (&g->gw, gateway, g->config);
}

/**
 * mx_gateway_start_demo:
 *
 * gst and GTest initialised, the gateway of argv[1] set up with one small
 * test camera `demo` (a ladder of 2 steps) and the source tree's dashboard
 * (www-dir) and started; returns argv[1].
 */
const gchar *
mx_gateway_start_demo (MxGateway * g, gint * argc, gchar *** argv)
{
  const gchar *gateway;
  g_autofree gchar *www = g_strdup_printf ("www-dir=%s/gateway/www",
      g_getenv ("CAMGUARD_SOURCE_ROOT"));

  gst_init (argc, argv);
  g_test_init (argc, argv, NULL);
  if (*argc < 2)
    g_error ("usage: %s CAMGUARD-GATEWAY", (*argv)[0]);
  gateway = (*argv)[1];
  mx_gateway_setup (g, gateway, www,
      "[camera demo]\ntype=test\npattern=ball\nwidth=160\nheight=120\n"
      "framerate=5/1\nladder=small:160x120@300,tiny:80x60@100\n");
  mx_gateway_start (g, gateway);
  return gateway;
}

/* SIGTERM (exit 0 expected when it runs), then the files go. */
void
mx_gateway_teardown (MxGateway * g)
{
  guint i;

  if (g->gw.proc && !g->gw.exited) {
    gint status = gw_process_terminate (&g->gw, GW_TEST_WAIT_MS);

    if (status != 0)
      g_error ("exit status %d:\n%s", status, g->gw.log->str);
  }
  gw_process_clear (&g->gw);
  for (i = 0; i < MX_N_CREDS; i++)
    g_clear_pointer (&g->keys[i], g_free);
  g_clear_pointer (&g->routes, g_ptr_array_unref);
  g_clear_pointer (&g->methods, g_ptr_array_unref);
  cg_remove_tree (g->tmpdir);
  g_clear_pointer (&g->tmpdir, g_free);
  g_clear_pointer (&g->config, g_free);
  g_clear_pointer (&g->data_dir, g_free);
}

/**
 * mx_send:
 *
 * One request; every answer must carry X-Request-Id (the client's when it
 * sent a sane one).
 */
MxReply *
mx_send (MxGateway * g, const MxRequest * r)
{
  g_autofree gchar *url = g_strconcat (g->gw.base, r->path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (r->method, url);
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *h;
  MxReply *reply = g_new0 (MxReply, 1);
  const gchar *key = g->keys[r->cred], *ct, *id;

  g_assert_nonnull (msg);
  /* the gateway's stderr is read on this context: a full pipe would
   * block its log writer, and with it the gateway */
  while (g_main_context_iteration (NULL, FALSE));
  h = soup_message_get_request_headers (msg);
  if (key && r->form == MX_FORM_BEARER) {
    g_autofree gchar *auth = g_strconcat ("Bearer ", key, NULL);

    soup_message_headers_replace (h, "Authorization", auth);
  } else if (key) {
    soup_message_headers_replace (h, "X-API-Key", key);
  }
  if (r->accept)
    soup_message_headers_replace (h, "Accept", r->accept);
  if (r->request_id)
    soup_message_headers_replace (h, "X-Request-Id", r->request_id);
  if (r->body) {
    g_autoptr (GBytes) b = g_bytes_new (r->body, strlen (r->body));

    soup_message_set_request_body_from_bytes (msg, "application/json", b);
  }
  reply->body = soup_session_send_and_read (g->gw.session, msg, NULL, &error);
  if (error)
    g_error ("%s %s (%s): %s; the gateway's log:\n%s", r->method, r->path,
        mx_cred_names[r->cred], error->message, g->gw.log->str);
  reply->path = g_strdup (r->path);
  reply->status = soup_message_get_status (msg);
  reply->headers =
      g_boxed_copy (SOUP_TYPE_MESSAGE_HEADERS,
      soup_message_get_response_headers (msg));
  id = soup_message_headers_get_one (reply->headers, "X-Request-Id");
  if (id == NULL || *id == '\0')
    g_error ("%s %s (%s): %u without X-Request-Id", r->method, r->path,
        mx_cred_names[r->cred], reply->status);
  if (r->request_id)
    g_assert_cmpstr (id, ==, r->request_id);
  /* no answer says which server and libsoup version it comes from */
  if (soup_message_headers_get_one (reply->headers, "Server"))
    g_error ("%s %s (%s): Server: %s", r->method, r->path,
        mx_cred_names[r->cred],
        soup_message_headers_get_one (reply->headers, "Server"));
  ct = soup_message_headers_get_content_type (reply->headers, NULL);
  if (ct && g_str_has_suffix (ct, "json")) {
    g_autoptr (JsonParser) parser = json_parser_new ();
    gsize len;
    const gchar *data = g_bytes_get_data (reply->body, &len);

    if (len > 0 && json_parser_load_from_data (parser, data, len, NULL))
      reply->json = json_node_copy (json_parser_get_root (parser));
  }
  return reply;
}

MxReply *
mx_do (MxGateway * g, const gchar * method, const gchar * path, MxCred cred,
    const gchar * body)
{
  MxRequest r = { method, path, cred, MX_FORM_BEARER, body, NULL, NULL };

  return mx_send (g, &r);
}

void
mx_reply_free (MxReply * r)
{
  g_boxed_free (SOUP_TYPE_MESSAGE_HEADERS, r->headers);
  g_bytes_unref (r->body);
  if (r->json)
    json_node_unref (r->json);
  g_free (r->path);
  g_free (r);
}

JsonObject *
mx_reply_object (MxReply * r)
{
  if (r->json == NULL || !JSON_NODE_HOLDS_OBJECT (r->json))
    return NULL;
  return json_node_get_object (r->json);
}

const gchar *
mx_reply_code (MxReply * r)
{
  JsonObject *o = mx_reply_object (r);

  return o ? json_object_get_string_member_with_default (o, "error_code",
      NULL) : NULL;
}

/**
 * mx_expect_error:
 *
 * @r is the error @code with @status, in the flat shape `{error_code,
 * message, details, request_id}` or RFC 7807 (by its content type), its
 * request_id the X-Request-Id header; a 401 carries WWW-Authenticate.
 */
void
mx_expect_error (MxReply * r, guint status, const gchar * code,
    const gchar * what)
{
  const gchar *ct = soup_message_headers_get_content_type (r->headers, NULL);
  const gchar *id = soup_message_headers_get_one (r->headers, "X-Request-Id");
  JsonObject *o = mx_reply_object (r);

  if (r->status != status || g_strcmp0 (mx_reply_code (r), code) != 0)
    g_error ("%s: %u %s, expected %u %s; body: %.*s", what, r->status,
        mx_reply_code (r), status, code, (gint) g_bytes_get_size (r->body),
        (const gchar *) g_bytes_get_data (r->body, NULL));
  g_assert_nonnull (o);
  g_assert_cmpstr (json_object_get_string_member (o, "request_id"), ==, id);
  g_assert_true (json_object_has_member (o, "details"));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (o,
              "details")));
  if (g_strcmp0 (ct, "application/problem+json") == 0) {
    g_autofree gchar *path = g_strndup (r->path, strcspn (r->path, "?"));

    g_assert_cmpint (json_object_get_int_member (o, "status"), ==, status);
    g_assert_nonnull (json_object_get_string_member (o, "type"));
    g_assert_nonnull (json_object_get_string_member (o, "title"));
    g_assert_cmpstr (json_object_get_string_member (o, "instance"), ==, path);
  } else {
    g_assert_cmpstr (ct, ==, "application/json");
    g_assert_nonnull (json_object_get_string_member (o, "message"));
  }
  if (status == 401) {
    const gchar *challenge = soup_message_headers_get_one (r->headers,
        "WWW-Authenticate");

    g_assert_nonnull (challenge);
    g_assert_true (g_str_has_prefix (challenge, "Bearer realm=\"camguard\""));
    if (g_str_equal (code, "INVALID_API_KEY"))
      g_assert_nonnull (strstr (challenge, "error=\"invalid_token\""));
  }
}

/* The route's path with {id} (any parameter) replaced by @id. */
gchar *
mx_path_for (const MxRoute * route, const gchar * id)
{
  g_auto (GStrv) segs = g_strsplit (route->pattern, "/", -1);
  guint i;

  for (i = 0; segs[i]; i++)
    if (segs[i][0] == '{') {
      g_free (segs[i]);
      segs[i] = g_strdup (id);
    }
  return g_strjoinv ("/", segs);
}
