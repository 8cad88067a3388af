/* camguard-gateway - camera credentials never leave: rtsp cameras with
 * user:password in their URI and pipeline cameras with user-pw=, from the
 * configuration and through the API, unreachable so that they fail, retry
 * and log; no response, notification or log line holds a password
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage (meson passes it): test-secrets CAMGUARD-GATEWAY FAKE-CAMERA
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include "matrix-fixture.h"
#include "fake-camera-client.h"
#include "third-party-server.h"

static const gchar *gateway_path;
static const gchar *camera_path;

typedef struct
{
  guint retries;
  gboolean running;             /* the camera with the right password */
  gboolean done;
} Progress;

/* Every password, distinct, so that a leak names its source */
static const gchar *const passwords[] = {
  "RightPw7x", "WrongPw7x", "CfgUriPw7x", "CfgPipePw7x", "ApiUriPw7x",
  "ApiPipePw7x", "PutUriPw7x",
  "PatchUriPw7x", "BadCfgPw7x", NULL
};

/* Everything the gateway said, to look for the passwords in */
static GString *seen;

static void
see (const gchar * where, const gchar * text, gsize len)
{
  g_string_append_printf (seen, "\n=== %s\n", where);
  g_string_append_len (seen, text, len);
}

static void
check_seen (void)
{
  guint i;

  for (i = 0; passwords[i]; i++) {
    const gchar *at = strstr (seen->str, passwords[i]);

    if (at) {
      const gchar *from = at - MIN (at - seen->str, 300);

      g_error ("password %s leaked: ...%.*s", passwords[i],
          (gint) (at - from + 40), from);
    }
  }
}

static guint
get (MxGateway * g, const gchar * method, const gchar * path,
    const gchar * body)
{
  g_autoptr (MxReply) r = mx_do (g, method, path, MX_CRED_ADMIN, body);
  MxRequest problem = { method, path, MX_CRED_ADMIN, MX_FORM_BEARER, body,
    "application/problem+json", NULL
  };
  g_autoptr (MxReply) p = mx_send (g, &problem);
  g_autofree gchar *where = g_strdup_printf ("%s %s: %u", method, path,
      r->status);
  gsize len;
  const gchar *data = g_bytes_get_data (r->body, &len);

  see (where, data, len);
  data = g_bytes_get_data (p->body, &len);
  see (where, data, len);
  return r->status;
}

/* WebSocket: notifications and answers, all kept */
static void
on_ws_text (SoupWebsocketConnection * ws, gint type, GBytes * message,
    gpointer data)
{
  gsize len;
  const gchar *text = g_bytes_get_data (message, &len);
  Progress *progress = data;

  see ("WebSocket", text, len);
  if (!strstr (text, "\"method\":\"event\""))
    return;
  if (strstr (text, "\"retry\""))
    progress->retries++;
  if (strstr (text, "\"cameraId\":\"good\"")
      && strstr (text, "\"state\":\"running\""))
    progress->running = TRUE;
}

static gchar *
camera_json (const gchar * id, const gchar * type, const gchar * key,
    const gchar * value)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) n = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value);
  if (g_str_equal (type, "pipeline")) {
    json_builder_set_member_name (b, "encoded");
    json_builder_add_boolean_value (b, TRUE);
  }
  json_builder_set_member_name (b, "retry");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "initial-delay");
  json_builder_add_int_value (b, 100);
  json_builder_set_member_name (b, "max-delay");
  json_builder_add_int_value (b, 300);
  json_builder_set_member_name (b, "timeout");
  json_builder_add_int_value (b, 1500);
  json_builder_end_object (b);
  json_builder_end_object (b);
  n = json_builder_get_root (b);
  return json_to_string (n, FALSE);
}

static gboolean
poll_progress (gpointer data)
{
  Progress *p = data;

  p->done = p->retries >= 8 && p->running;
  return p->done ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* the fake camera's URL with user:password */
static gchar *
with_credentials (const gchar * url, const gchar * user, const gchar * pw)
{
  g_assert_true (g_str_has_prefix (url, "rtsp://"));
  return g_strdup_printf ("rtsp://%s:%s@%s", user, pw, url + 7);
}

static void
test_secrets (void)
{
  MxGateway g = { 0 };
  guint port = cg_free_tcp_port ();
  g_autofree gchar *cameras = NULL, *api_uri = NULL, *api_pipe = NULL;
  g_autofree gchar *put = NULL, *patch = NULL, *bad = NULL, *out = NULL;
  g_autoptr (GPtrArray) rpc = NULL;
  SoupWebsocketConnection *ws;
  guint i;
  gint status = -1;
  Progress progress = { 0 };
  const gchar *ids[] = { "door", "pipe", "api-door", "api-pipe", "good",
    "wrong", NULL
  };
  const gchar *const fake_args[] = { "--auth", "basic", "--user", "alice",
    "--password", "RightPw7x", NULL
  };
  CgFakeCamera fake = { 0 };
  g_autoptr (GError) err = NULL;
  g_autofree gchar *good = NULL, *wrong = NULL;

  seen = g_string_new (NULL);
  g_assert_true (cg_fake_camera_start (&fake, camera_path, fake_args,
          GW_TEST_WAIT_MS, &err));
  g_assert_no_error (err);
  good = with_credentials (fake.url, "alice", "RightPw7x");
  wrong = with_credentials (fake.url, "alice", "WrongPw7x");
  cameras = g_strdup_printf ("[camera good]\ntype=rtsp\nuri=%s\n\n"
      "[camera wrong]\ntype=rtsp\nuri=%s\nretry-initial-delay=100\n"
      "retry-max-delay=300\nretry-timeout=1500\n\n[camera door]\ntype=rtsp\n"
      "uri=rtsp://alice:CfgUriPw7x@127.0.0.1:%u/stream\n"
      "retry-initial-delay=100\nretry-max-delay=300\nretry-timeout=1500\n\n"
      "[camera pipe]\ntype=pipeline\nencoded=true\n"
      "description=rtspsrc location=rtsp://127.0.0.1:%u/x user-id=bob "
      "user-pw=CfgPipePw7x ! rtph264depay ! h264parse\n"
      "retry-initial-delay=100\nretry-max-delay=300\nretry-timeout=1500\n",
      good, wrong, port, port);
  mx_gateway_setup (&g, gateway_path, "allow-pipelines=true", cameras);
  mx_gateway_start (&g, gateway_path);

  ws = gw_process_ws_connect (&g.gw);
  g_signal_connect (ws, "message", G_CALLBACK (on_ws_text), &progress);
  {
    g_autofree gchar *auth = g_strdup_printf ("{\"token\":\"%s\"}",
        g.keys[MX_CRED_ADMIN]);
    g_autoptr (JsonObject) a = gw_ws_call (ws, "authenticate", auth, 1);
    g_autoptr (JsonObject) s = gw_ws_call (ws, "subscribe", "{}", 2);
  }

  /* through the API: created, replaced, patched */
  api_uri = g_strdup_printf ("rtsp://carol:ApiUriPw7x@127.0.0.1:%u/s", port);
  api_pipe = g_strdup_printf ("rtspsrc location=rtsp://127.0.0.1:%u/y "
      "user-id=dave user-pw=ApiPipePw7x ! rtph264depay ! h264parse", port);
  {
    g_autofree gchar *c1 = camera_json ("api-door", "rtsp", "uri", api_uri);
    g_autofree gchar *c2 = camera_json ("api-pipe", "pipeline", "description",
        api_pipe);

    g_assert_cmpuint (get (&g, "POST", "/api/v1/cameras", c1), ==, 201);
    g_assert_cmpuint (get (&g, "POST", "/api/v1/cameras", c2), ==, 201);
  }
  put = g_strdup_printf ("{\"type\":\"rtsp\",\"uri\":\"rtsp://erin:"
      "PutUriPw7x@127.0.0.1:%u/p\",\"retry\":{\"initial-delay\":100,"
      "\"max-delay\":300,\"timeout\":1500}}", port);
  g_assert_cmpuint (get (&g, "PUT", "/api/v1/cameras/api-door", put), ==, 200);
  patch = g_strdup_printf ("{\"uri\":\"rtsp://frank:PatchUriPw7x@"
      "127.0.0.1:%u/q\"}", port);
  g_assert_cmpuint (get (&g, "PATCH", "/api/v1/cameras/door", patch), ==, 200);
  /* a bad value next to a password is named, not echoed */
  bad = g_strdup_printf ("{\"uri\":\"rtsp://gina:BadCfgPw7x@127.0.0.1:%u/q\","
      "\"transport\":\"carrier-pigeon\"}", port);
  get (&g, "PATCH", "/api/v1/cameras/door", bad);

  /* failing and retrying: events on the WebSocket, errors in the log */
  {
    guint id = g_timeout_add (10, poll_progress, &progress);

    if (!cg_iterate_until (&progress.done, GW_TEST_WAIT_MS))
      g_error ("%u retry events, good camera %s", progress.retries,
          progress.running ? "running" : "not running");
    if (g_main_context_find_source_by_id (NULL, id))
      g_source_remove (id);
  }

  get (&g, "GET", "/api/v1/cameras", NULL);
  get (&g, "GET", "/api/v1/events?limit=500", NULL);
  get (&g, "GET", "/api/v1/errors", NULL);
  get (&g, "GET", "/metrics", NULL);
  get (&g, "GET", "/health", NULL);
  for (i = 0; ids[i]; i++) {
    const gchar *const suffixes[] = { "", "/status", "/events?limit=500",
      "/snapshot", "/quality", "/restart", NULL
    };
    guint j;

    for (j = 0; suffixes[j]; j++) {
      g_autofree gchar *path = g_strdup_printf ("/api/v1/cameras/%s%s",
          ids[i], suffixes[j]);

      get (&g, g_str_equal (suffixes[j], "/restart") ? "POST" : "GET", path,
          NULL);
    }
  }
  rpc = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_ptr_array_add (rpc, gw_ws_call (ws, "get_camera_list", "{}", 3));
  for (i = 0; ids[i]; i++) {
    g_autofree gchar *p = g_strdup_printf ("{\"camera\":\"%s\"}", ids[i]);

    g_ptr_array_add (rpc, gw_ws_call (ws, "get_camera_status", p, 10 + i));
    g_ptr_array_add (rpc, gw_ws_call (ws, "take_snapshot", p, 20 + i));
  }
  check_seen ();

  /* --check-config of a file with a broken camera next to its password
   * (JSON log lines from the gateway above, text ones here) */
  out = mx_gateway_run_tool (&g, gateway_path, &status, "--check-config", NULL);
  see ("--check-config", out, strlen (out));
  {
    g_autofree gchar *conf = NULL;
    g_autofree gchar *broken = g_strdup_printf ("%s\n[camera broken]\n"
        "type=rtsp\nuri=rtsp://hank:BadCfgPw7x@127.0.0.1:%u/z\n"
        "transport=carrier-pigeon\n", cameras, port);
    g_autoptr (GSubprocess) p = NULL;
    g_autofree gchar *o = NULL, *e = NULL;
    g_autoptr (GError) error = NULL;

    g_assert_true (g_file_get_contents (g.config, &conf, NULL, NULL));
    conf = g_strconcat (conf, broken + strlen (cameras), NULL);
    g_assert_true (g_file_set_contents (g.config, conf, -1, NULL));
    p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
        G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, gateway_path, "--config",
        g.config, "--check-config", "--log-format", "text", NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, &o, &e,
            &error));
    g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 2);
    g_assert_nonnull (strstr (e, "transport"));
    see ("--check-config (broken)", o, strlen (o));
    see ("--check-config (broken) stderr", e, strlen (e));
  }
  soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (ws);
  g_assert_cmpint (gw_process_terminate (&g.gw, GW_TEST_WAIT_MS), ==, 0);
  see ("the gateway's log", g.gw.log->str, g.gw.log->len);
  g_assert_nonnull (strstr (g.gw.log->str, "api-door"));
  /* the fields that would carry them were there, redacted */
  g_assert_nonnull (strstr (seen->str, "rtsp://alice:" CG_REDACT_MASK "@"));
  g_assert_nonnull (strstr (seen->str, "rtsp://carol:" CG_REDACT_MASK "@"));
  g_assert_nonnull (strstr (seen->str, "user-pw=" CG_REDACT_MASK));
  g_assert_nonnull (strstr (seen->str, "Unauthorized"));
  check_seen ();
  if (g_getenv ("GW_SECRETS_DUMP"))
    g_file_set_contents (g_getenv ("GW_SECRETS_DUMP"), seen->str, -1, NULL);
  g_test_message ("%u bytes of responses, notifications and logs checked",
      (guint) seen->len);
  g_string_free (seen, TRUE);
  mx_gateway_teardown (&g);
  cg_fake_camera_stop (&fake, GW_TEST_WAIT_MS);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    g_error ("usage: test-secrets CAMGUARD-GATEWAY FAKE-CAMERA");
  gateway_path = argv[1];
  camera_path = argv[2];
  g_test_add_func ("/gw/secrets/never-leave", test_secrets);
  return g_test_run ();
}
