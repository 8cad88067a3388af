/* camguard-gateway - API keys created and revoked while the gateway runs:
 * keys.json reloaded on change and on SIGHUP, a broken file keeps the keys
 * in force, revoked keys refused and their WebSocket sessions closed
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage (meson passes it): test-keys-reload CAMGUARD-GATEWAY
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>
#include <gst/gst.h>

#include "matrix-fixture.h"
#include "fake-camera-client.h"

static const gchar *gateway_path;

static void
setup (MxGateway * g, gconstpointer data)
{
  mx_gateway_setup (g, gateway_path, NULL, NULL);
  mx_gateway_start (g, gateway_path);
}

static void
teardown (MxGateway * g, gconstpointer data)
{
  guint i;

  for (i = MX_CRED_VIEWER; i < MX_N_CREDS; i++)
    g_assert_null (strstr (g->gw.log->str, g->keys[i]));
  mx_gateway_teardown (g);
}

/* @text in the gateway's log within a bounded wait */
static void
wait_log (MxGateway * g, const gchar * text)
{
  if (!gw_process_wait_log (&g->gw, text, GW_TEST_WAIT_MS))
    g_error ("'%s' not in the gateway's log:\n%s", text, g->gw.log->str);
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* @text in the log written after byte @from (the same line may be there
 * already, from an earlier reload) */
static void
wait_log_after (MxGateway * g, gsize from, const gchar * text)
{
  gint64 end = g_get_monotonic_time () + GW_TEST_WAIT_MS * (gint64) 1000;
  guint tick = g_timeout_add (100, wake, NULL); /* so the deadline is seen */

  while (g->gw.log->len < from || strstr (g->gw.log->str + from, text) == NULL) {
    if (g_get_monotonic_time () > end)
      g_error ("'%s' not in the gateway's log after byte %" G_GSIZE_FORMAT
          ":\n%s", text, from, g->gw.log->str);
    g_main_context_iteration (NULL, TRUE);      /* the log is read there */
  }
  g_source_remove (tick);
}

/* status and error code of one request with @key (Bearer) */
static guint
status_with (MxGateway * g, const gchar * method, const gchar * path,
    const gchar * key, const gchar ** code)
{
  g_autoptr (GwReply) r = gw_process_request (&g->gw, method, path, key, NULL);
  static gchar last[64];

  g_strlcpy (last, gw_reply_error_code (r) ? gw_reply_error_code (r) : "",
      sizeof last);
  if (code)
    *code = last;
  return r->status;
}

static gchar *
create_key (MxGateway * g, const gchar * role, const gchar * name)
{
  gint status = -1;
  g_autofree gchar *out = mx_gateway_run_tool (g, gateway_path, &status,
      "--create-key", role, "--name", name, NULL);
  g_auto (GStrv) lines = g_strsplit (g_strchomp (out), "\n", -1);

  g_assert_cmpint (status, ==, 0);
  return g_strdup (lines[g_strv_length (lines) - 1]);
}

/* A key made by --create-key while the gateway runs works at once (after
 * the reload it logs), with its role. */
static void
test_create_while_running (MxGateway * g, gconstpointer data)
{
  g_autofree gchar *late = create_key (g, "operator", "late");
  const gchar *code = NULL;

  /* the reload's log line, in a bounded wait: what is checked is the key */
  gw_process_wait_log (&g->gw, "API keys reloaded (file changed): 4 keys, "
      "1 added, 0 removed", GW_TEST_WAIT_MS);
  g_assert_cmpuint (status_with (g, "GET", "/api/v1/cameras", late, &code),
      ==, 200);
  g_assert_cmpuint (status_with (g, "POST", "/api/v1/cameras/none/stop",
          late, &code), ==, 404);
  g_assert_cmpstr (code, ==, "CAMERA_NOT_FOUND");
  g_assert_cmpuint (status_with (g, "DELETE", "/api/v1/cameras/none", late,
          &code), ==, 403);
  g_assert_null (strstr (g->gw.log->str, late));
}

typedef struct
{
  gboolean closed;
} Closed;

static void
on_closed (SoupWebsocketConnection * ws, gpointer data)
{
  ((Closed *) data)->closed = TRUE;
}

static SoupWebsocketConnection *
ws_as (MxGateway * g, const gchar * key)
{
  SoupWebsocketConnection *ws = gw_process_ws_connect (&g->gw);
  g_autofree gchar *params = g_strdup_printf ("{\"token\":\"%s\"}", key);
  g_autoptr (JsonObject) r = gw_ws_call (ws, "authenticate", params, 1);
  g_autoptr (JsonObject) s = gw_ws_call (ws, "subscribe", "{}", 2);

  g_assert_true (json_object_has_member (r, "result"));
  g_assert_true (json_object_has_member (s, "result"));
  return ws;
}

/* The id of the key named @name in keys.json */
static gchar *
key_id (MxGateway * g, const gchar * name)
{
  g_autofree gchar *path = g_build_filename (g->data_dir, "keys.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *keys;
  guint i;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  keys = json_object_get_array_member (json_node_get_object
      (json_parser_get_root (parser)), "keys");
  for (i = 0; i < json_array_get_length (keys); i++) {
    JsonObject *k = json_array_get_object_element (keys, i);

    if (g_str_equal (json_object_get_string_member (k, "name"), name))
      return g_strdup (json_object_get_string_member (k, "id"));
  }
  g_assert_not_reached ();
}

/* --revoke-key NAME: the running gateway refuses the key at once
 * (INVALID_API_KEY) and closes the WebSocket sessions authenticated with
 * it (1008), while the other keys and sessions go on; by id too; an
 * unknown name is exit 2. */
static void
test_revoke (MxGateway * g, gconstpointer data)
{
  g_autofree gchar *late = create_key (g, "viewer", "late");
  g_autofree gchar *byid = NULL, *id = NULL, *out = NULL, *out2 = NULL;
  g_autofree gchar *expected = NULL, *none = NULL;
  SoupWebsocketConnection *revoked, *kept;
  g_autoptr (JsonObject) still = NULL;
  Closed closed = { FALSE };
  const gchar *code = NULL;
  gint status = -1;
  gsize mark;

  wait_log (g, "4 keys, 1 added, 0 removed");
  /* used over HTTP first: the gateway remembers a key that matched on its
   * keep-alive connection (the test's session keeps it), which the revoke
   * must forget */
  g_assert_cmpuint (status_with (g, "GET", "/api/v1/cameras", late, NULL),
      ==, 200);
  g_assert_cmpuint (status_with (g, "GET", "/api/v1/cameras", late, NULL),
      ==, 200);
  revoked = ws_as (g, late);
  kept = ws_as (g, g->keys[MX_CRED_VIEWER]);
  g_signal_connect (revoked, "closed", G_CALLBACK (on_closed), &closed);
  id = key_id (g, "late");

  out = mx_gateway_run_tool (g, gateway_path, &status, "--revoke-key",
      "late", NULL);
  g_assert_cmpint (status, ==, 0);
  expected = g_strdup_printf ("revoked %s late viewer\n", id);
  g_assert_cmpstr (out, ==, expected);
  wait_log (g, "3 keys, 0 added, 1 removed");
  wait_log (g, "closed 1 WebSocket sessions of revoked API keys");
  g_assert_cmpuint (status_with (g, "GET", "/api/v1/cameras", late, &code),
      ==, 401);
  g_assert_cmpstr (code, ==, "INVALID_API_KEY");
  g_assert_cmpuint (status_with (g, "GET", "/api/v1/cameras",
          g->keys[MX_CRED_VIEWER], NULL), ==, 200);
  g_assert_true (cg_iterate_until (&closed.closed, GW_TEST_WAIT_MS));
  g_assert_cmpint (soup_websocket_connection_get_close_code (revoked), ==,
      SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  g_assert_cmpstr (soup_websocket_connection_get_close_data (revoked), ==,
      "API key revoked");
  still = gw_ws_call (kept, "get_camera_list", "{}", 3);
  g_assert_true (json_object_has_member (still, "result"));

  /* by id (the same reload lines as for "late": wait for new ones) */
  mark = g->gw.log->len;
  byid = create_key (g, "admin", "byid");
  wait_log_after (g, mark, "4 keys, 1 added, 0 removed");
  g_free (id);
  id = key_id (g, "byid");
  mark = g->gw.log->len;
  out2 = mx_gateway_run_tool (g, gateway_path, &status, "--revoke-key", id,
      NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out2, "revoked "));
  g_assert_cmpuint (status_with (g, "GET", "/metrics", g->keys[MX_CRED_ADMIN],
          NULL), ==, 200);
  wait_log_after (g, mark, "API keys reloaded (file changed): 3 keys, "
      "0 added, 1 removed");
  g_assert_cmpuint (status_with (g, "GET", "/metrics", byid, &code), ==, 401);

  none = mx_gateway_run_tool (g, gateway_path, &status, "--revoke-key",
      "nobody", NULL);
  g_assert_cmpint (status, ==, 2);
  soup_websocket_connection_close (kept, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (kept);
  g_object_unref (revoked);
}

/* keys.json broken while the gateway runs (not JSON, then a malformed
 * key): the keys in force stay in force, a warning with a catalogue code;
 * the file repaired is loaded again. */
static void
test_corrupt_keeps_keys (MxGateway * g, gconstpointer data)
{
  g_autofree gchar *path = g_build_filename (g->data_dir, "keys.json", NULL);
  g_autofree gchar *good = NULL;
  g_autofree gchar *late = NULL;

  g_assert_true (g_file_get_contents (path, &good, NULL, NULL));
  g_assert_true (g_file_set_contents (path, "{not json", -1, NULL));
  wait_log (g, "\"code\":\"INVALID_JSON\",\"message\":\"API keys not "
      "reloaded (file changed)");
  wait_log (g, "the 3 keys in force stay in force");
  g_assert_cmpuint (status_with (g, "GET", "/api/v1/cameras",
          g->keys[MX_CRED_VIEWER], NULL), ==, 200);

  g_assert_true (g_file_set_contents (path, "{\"version\":1,\"keys\":"
          "[{\"id\":\"x\"}]}", -1, NULL));
  wait_log (g, "\"code\":\"VALIDATION_ERROR\",\"message\":\"API keys not "
      "reloaded (file changed)");
  g_assert_cmpuint (status_with (g, "GET", "/api/v1/cameras",
          g->keys[MX_CRED_ADMIN], NULL), ==, 200);

  g_assert_true (g_file_set_contents (path, good, -1, NULL));
  wait_log (g, "API keys reloaded (file changed): 3 keys, 0 added, "
      "0 removed");
  late = create_key (g, "viewer", "late");
  wait_log (g, "4 keys, 1 added, 0 removed");
  g_assert_cmpuint (status_with (g, "GET", "/api/v1/cameras", late, NULL), ==,
      200);
}

/* SIGHUP reloads the keys (and no longer ends the gateway). */
static void
test_sighup (MxGateway * g, gconstpointer data)
{
  g_subprocess_send_signal (g->gw.proc, SIGHUP);
  gw_process_wait_log (&g->gw, "API keys reloaded (SIGHUP): 3 keys, "
      "0 added, 0 removed", GW_TEST_WAIT_MS);
  g_assert_false (g->gw.eof);
  g_assert_cmpuint (status_with (g, "GET", "/api/v1/cameras",
          g->keys[MX_CRED_VIEWER], NULL), ==, 200);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test-keys-reload CAMGUARD-GATEWAY");
  gateway_path = argv[1];
  g_test_add ("/gw/keys/create-while-running", MxGateway, NULL, setup,
      test_create_while_running, teardown);
  g_test_add ("/gw/keys/revoke", MxGateway, NULL, setup, test_revoke, teardown);
  g_test_add ("/gw/keys/corrupt-keeps-keys", MxGateway, NULL, setup,
      test_corrupt_keeps_keys, teardown);
  g_test_add ("/gw/keys/sighup", MxGateway, NULL, setup, test_sighup, teardown);
  return g_test_run ();
}
