/* camguard-gateway - the real binary, wired: keys, REST, WebSocket
 * JSON-RPC and events, RTSP, SIGTERM
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage (meson passes it): test-gateway CAMGUARD-GATEWAY FAKE-CAMERA
 */

#ifdef HAVE_CONFIG_H
#include "json-assert.h"
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <camguard.h>

#include "gateway-process.h"
#include "fake-camera-client.h"

static const gchar *gateway_path;
static const gchar *camera_path;

typedef struct
{
  gchar *tmpdir;
  gchar *config;
  CgFakeCamera door;
  gchar *keys[3];               /* viewer, operator, admin */
  GwProcess gw;
} Fixture;

static void
fake_command (CgFakeCamera * cam, const gchar * cmd)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *answer = cg_fake_camera_command (cam, cmd,
      GW_TEST_WAIT_MS, &err);

  g_assert_no_error (err);
  g_assert_true (g_str_has_prefix (answer, "OK"));
}

/* A temporary config (free ports, a test-pattern camera and the fake RTSP
 * camera), a key per role, the gateway running. */
static void
fixture_setup (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *text = NULL;

  f->tmpdir = g_dir_make_tmp ("gw-gateway-XXXXXX", &err);
  g_assert_no_error (err);
  g_assert_true (cg_fake_camera_start (&f->door, camera_path, NULL,
          GW_TEST_WAIT_MS, &err));
  if (data)                     /* the cameras given instead */
    text = g_strdup_printf ("[gateway]\nlisten=127.0.0.1\nport=0\n"
        "rtsp-port=0\ndata-dir=%s/data\nallow-pipelines=true\n\n%s",
        f->tmpdir, (const gchar *) data);
  else
    text = g_strdup_printf ("[gateway]\nlisten=127.0.0.1\nport=0\n"
        "rtsp-port=0\ndata-dir=%s/data\nmetrics-keys=viewer\n\n"
        "[camera demo]\ntype=test\npattern=ball\nwidth=160\nheight=120\n"
        "framerate=15/1\nladder=small:160x120@300,tiny:80x60@100\n\n"
        "[camera door]\ntype=rtsp\nuri=%s\nretry-initial-delay=100\n"
        "retry-max-delay=300\nretry-timeout=1500\n", f->tmpdir, f->door.url);
  f->config = g_build_filename (f->tmpdir, "gw.conf", NULL);
  g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
  gw_process_create_role_keys (gateway_path, f->config, f->keys);
  gw_process_start (&f->gw, gateway_path, f->config);
}

static void
rm_rf (const gchar * path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);

    if (g_file_test (child, G_FILE_TEST_IS_DIR))
      rm_rf (child);
    else
      g_unlink (child);
  }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture * f, gconstpointer data)
{
  guint i;

  gw_process_clear (&f->gw);
  cg_fake_camera_stop (&f->door, GW_TEST_WAIT_MS);
  for (i = 0; i < G_N_ELEMENTS (f->keys); i++)
    g_free (f->keys[i]);
  rm_rf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->config);
}

/* rtspsrc 1.22 stopped while it still connects (the fake camera, when
 * the gateway stops right after starting) sends events with its invalid
 * seek seqnum: gst_event_set_seqnum's assertion fails inside rtspsrc, not
 * in camguard (seen once in a fresh Debian 12 root). Every other critical
 * fails the test. */
#define KNOWN_RTSPSRC_CRITICAL \
  "gst_event_set_seqnum: assertion 'seqnum != GST_SEQNUM_INVALID' failed"

static gboolean
has_critical (const gchar * log)
{
  g_auto (GStrv) lines = g_strsplit (log, "\n", -1);

  for (guint i = 0; lines[i]; i++) {
    if (!strstr (lines[i], "CRITICAL")
        && !strstr (lines[i], "\"level\":\"critical\""))
      continue;
    if (!strstr (lines[i], KNOWN_RTSPSRC_CRITICAL))
      return TRUE;
  }
  return FALSE;
}

/* SIGTERM: exit 0 within a bounded wait, the servers stopped first */
static void
terminate_ok (Fixture * f)
{
  gint status = gw_process_terminate (&f->gw, GW_TEST_WAIT_MS);

  if (status != 0)
    g_error ("exit status %d:\n%s", status, f->gw.log->str);
  /* no GLib critical or GStreamer-CRITICAL on the way */
  if (has_critical (f->gw.log->str))
    g_error ("a critical in the gateway's log:\n%s", f->gw.log->str);
  g_assert_nonnull (strstr (f->gw.log->str, "\"stopped\""));
  for (guint i = 0; i < G_N_ELEMENTS (f->keys); i++)
    g_assert_null (strstr (f->gw.log->str, f->keys[i]));
}

static JsonObject *
body_of (GwReply * r)
{
  g_assert_nonnull (r->json);
  return json_node_get_object (r->json);
}

/* A request whose answer must have @status (and @code when not NULL). */
static GwReply *
expect (Fixture * f, const gchar * method, const gchar * path,
    const gchar * key, const gchar * body, guint status, const gchar * code)
{
  GwReply *r = gw_process_request (&f->gw, method, path, key, body);

  if (r->status != status || g_strcmp0 (gw_reply_error_code (r), code) != 0)
    g_error ("%s %s: %u %s, expected %u %s; body: %.*s", method, path,
        r->status, gw_reply_error_code (r), status, code,
        (gint) g_bytes_get_size (r->body),
        (const gchar *) g_bytes_get_data (r->body, NULL));
  return r;
}

#define EXPECT(...) gw_reply_free (expect (f, __VA_ARGS__))

static void
test_create_key_bad_role (Fixture * f, gconstpointer data)
{
  gint status = -1;
  g_autofree gchar *key = gw_process_create_key (gateway_path, f->config,
      "root", &status);

  g_assert_cmpint (status, ==, 2);
  terminate_ok (f);
}

/* A second gateway on the first one's ports: exit 1, the address named,
 * and the first one goes on. */
static void
test_port_in_use (Fixture * f, gconstpointer data)
{
  const gchar *which[] = { "--port", "--rtsp-port" };
  guint ports[] = { f->gw.http_port, f->gw.rtsp_port };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (which); i++) {
    g_autofree gchar *port = g_strdup_printf ("%u", ports[i]);
    g_autofree gchar *err = NULL;
    g_autoptr (GSubprocess) p = NULL;
    g_autoptr (GError) error = NULL;

    p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
        G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, gateway_path, "--config",
        f->config, which[i], port, NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, NULL, &err,
            &error));
    g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 1);
    g_assert_nonnull (strstr (err, "SERVICE_UNAVAILABLE"));
    g_assert_nonnull (strstr (err, port));
  }
  g_assert_true (gw_process_wait_log (&f->gw,
          "camera demo: starting -> running", GW_TEST_WAIT_MS));
  EXPECT ("GET", "/health", NULL, NULL, 200, NULL);
  terminate_ok (f);
}

/* A camera that never delivers a frame (every buffer dropped, no stall
 * detection) stays "starting", as every camera does right after start-up:
 * /health says degraded (200), not unhealthy (503). */
static const gchar starting_camera[] = "[camera waiting]\ntype=pipeline\n"
    "description=videotestsrc is-live=true ! identity drop-probability=1.0\n"
    "retry-timeout=0\n";

static void
test_health_starting (Fixture * f, gconstpointer data)
{
  g_autoptr (GwReply) r = expect (f, "GET", "/health", NULL, NULL, 200, NULL);
  JsonObject *o = body_of (r);
  JsonArray *cams = json_object_get_array_member (json_object_get_object_member
      (o, "components"), "cameras");
  JsonObject *cam = json_array_get_object_element (cams, 0);

  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "degraded");
  g_assert_cmpstr (json_object_get_string_member (cam, "state"), ==,
      "starting");
  g_assert_cmpstr (json_object_get_string_member (cam, "status"), ==,
      "degraded");
  terminate_ok (f);
}

static gboolean
is_error_with_code (JsonObject * o, gpointer data)
{
  return gw_ws_is_camera_event (o, "door", "kind", data)
      && json_object_has_member (json_object_get_object_member (o, "params"),
      "code");
}

static gint64
rpc_error_code (JsonObject * response)
{
  if (!json_object_has_member (response, "error"))
    return 0;
  return json_object_get_int_member (json_object_get_object_member (response,
          "error"), "code");
}

static void
authenticate (SoupWebsocketConnection * ws, const gchar * key, gint id)
{
  g_autofree gchar *params = g_strdup_printf ("{\"token\":\"%s\"}", key);
  JsonObject *r = gw_ws_call (ws, "authenticate", params, id);

  g_assert_cmpint (rpc_error_code (r), ==, 0);
  json_object_unref (r);
}

/* The fake camera dies: a subscriber receives the loss with its catalogue
 * code, then the recovery when it is back. */
static void
test_ws_events (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupWebsocketConnection) ws = gw_process_ws_connect (&f->gw);
  JsonObject *r;
  CgCode code;

  g_assert_true (gw_process_wait_log (&f->gw,
          "camera door: starting -> running", GW_TEST_WAIT_MS));
  g_assert_true (gw_process_wait_log (&f->gw,
          "camera demo: starting -> running", GW_TEST_WAIT_MS));
  r = gw_ws_call (ws, "subscribe", "{}", 1);
  g_assert_cmpint (rpc_error_code (r), ==, -32001);
  json_object_unref (r);
  r = gw_ws_call (ws, "authenticate", "{\"token\":\"cgk_nope\"}", 2);
  g_assert_cmpint (rpc_error_code (r), ==, -32001);
  json_object_unref (r);
  authenticate (ws, f->keys[0], 3);
  r = gw_ws_call (ws, "subscribe", "{\"camera\":\"door\"}", 4);
  g_assert_cmpint (rpc_error_code (r), ==, 0);
  json_object_unref (r);

  fake_command (&f->door, "die 0");
  r = gw_ws_next (ws, is_error_with_code, "retry", GW_TEST_WAIT_MS);
  if (r == NULL)
    g_error ("no retry event:\n%s", f->gw.log->str);
  g_assert_true (cg_code_from_name (json_object_get_string_member
          (json_object_get_object_member (r, "params"), "code"), &code));
  g_assert_true (cg_code_is_retryable (code));
  json_object_unref (r);
  g_assert_true (gw_process_wait_log (&f->gw, "camera door: running -> "
          "retrying", GW_TEST_WAIT_MS));
  {
    g_autoptr (GwReply) snap = expect (f, "GET",
        "/api/v1/cameras/door/snapshot", f->keys[0], NULL, 503,
        "SNAPSHOT_FAILED");
    g_autoptr (GwReply) health = expect (f, "GET", "/health", NULL, NULL, 200,
        NULL);
    JsonObject *details = json_object_get_object_member (body_of (snap),
        "details");

    g_assert_true (cg_code_from_name (json_object_get_string_member
            (details, "last-error-code"), &code));
    g_assert_true (cg_code_is_retryable (code));
    g_assert_cmpstr (json_object_get_string_member (body_of (health),
            "status"), ==, "degraded");
  }

  fake_command (&f->door, "revive");
  g_assert_true (gw_process_wait_log (&f->gw, "camera door: retrying -> "
          "running", GW_TEST_WAIT_MS));
  r = gw_ws_next (ws, is_error_with_code, "recovery", GW_TEST_WAIT_MS);
  if (r == NULL)
    g_error ("no recovery event:\n%s", f->gw.log->str);
  json_object_unref (r);
  {
    /* the history has them too (the store writes in batches: wait) */
    gboolean found = FALSE;
    gint64 end = g_get_monotonic_time () + GW_TEST_WAIT_MS * 1000;

    while (!found && g_get_monotonic_time () < end) {
      g_autoptr (GwReply) events = expect (f, "GET",
          "/api/v1/cameras/door/events?kind=recovery", f->keys[0], NULL, 200,
          NULL);

      found = json_object_get_int_member (body_of (events), "count") > 0;
      if (!found)
        g_usleep (50 * 1000);   /* polling a separate process, bounded */
    }
    g_assert_true (found);
  }
  {
    /* the outage is counted in seconds */
    g_autoptr (GwReply) m = expect (f, "GET", "/metrics", f->keys[2], NULL,
        200, NULL);

    g_assert_nonnull (strstr (g_bytes_get_data (m->body, NULL),
            "camguard_camera_outage_seconds_total{camera=\"door\"}"));
  }
  soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  terminate_ok (f);
}

/* An rtspsrc client reads both cameras' RTSP output. */
static void
test_rtsp (Fixture * f, gconstpointer data)
{
  g_assert_true (gw_process_wait_log (&f->gw,
          "camera demo: starting -> running", GW_TEST_WAIT_MS));
  g_assert_true (gw_process_wait_log (&f->gw,
          "camera door: starting -> running", GW_TEST_WAIT_MS));
  g_assert_true (gw_rtsp_read_frames (f->gw.rtsp_port, "demo", 10,
          GW_TEST_WAIT_MS));
  g_assert_true (gw_rtsp_read_frames (f->gw.rtsp_port, "door", 10,
          GW_TEST_WAIT_MS));
  /* a restart builds a new pipeline: the RTSP output follows it */
  EXPECT ("POST", "/api/v1/cameras/demo/restart", f->keys[1], NULL, 200, NULL);
  g_assert_true (gw_process_wait_log (&f->gw,
          "camera demo: running -> stopped", GW_TEST_WAIT_MS));
  g_assert_true (gw_rtsp_read_frames (f->gw.rtsp_port, "demo", 10,
          GW_TEST_WAIT_MS));
  terminate_ok (f);
}


/* 401 without a key or with an unknown one, 403 below the route's role,
 * 200 at or above it, for REST routes of each role. */
static void
test_rest_roles (Fixture * f, gconstpointer data)
{
  const gchar *viewer = f->keys[0], *operator = f->keys[1];
  const gchar *admin = f->keys[2];
  g_autoptr (GwReply) list = NULL;
  g_autoptr (GwReply) metrics = NULL;
  g_autoptr (GwReply) errors = NULL;

  EXPECT ("GET", "/api/v1/cameras", NULL, NULL, 401, "AUTHENTICATION_REQUIRED");
  EXPECT ("GET", "/api/v1/cameras", "cgk_unknown", NULL, 401,
      "INVALID_API_KEY");
  /* the access log names the key, never shows it */
  g_assert_true (gw_process_wait_log (&f->gw, "GET /api/v1/cameras 401",
          GW_TEST_WAIT_MS));
  g_assert_null (strstr (f->gw.log->str, "cgk_unknown"));
  list = expect (f, "GET", "/api/v1/cameras", viewer, NULL, 200, NULL);
  g_assert_cmpint (json_object_get_int_member (body_of (list), "count"), ==, 2);
  g_assert_null (strstr (g_bytes_get_data (list->body, NULL), "secret"));
  EXPECT ("GET", "/api/v1/cameras/nope", viewer, NULL, 404, "CAMERA_NOT_FOUND");
  EXPECT ("GET", "/api/v1/cameras/demo/status", viewer, NULL, 200, NULL);
  EXPECT ("POST", "/api/v1/cameras/demo/stop", viewer, NULL, 403,
      "INSUFFICIENT_PERMISSIONS");
  EXPECT ("POST", "/api/v1/cameras/demo/stop", operator, NULL, 200, NULL);
  EXPECT ("POST", "/api/v1/cameras/demo/start", operator, NULL, 200, NULL);
  EXPECT ("DELETE", "/api/v1/cameras/demo", operator, NULL, 403,
      "INSUFFICIENT_PERMISSIONS");
  EXPECT ("GET", "/metrics", operator, NULL, 403, "INSUFFICIENT_PERMISSIONS");
  /* metrics-keys=viewer: the key named viewer may scrape, nothing more */
  EXPECT ("GET", "/metrics", viewer, NULL, 200, NULL);
  EXPECT ("DELETE", "/api/v1/cameras/demo", viewer, NULL, 403,
      "INSUFFICIENT_PERMISSIONS");
  /* and whoami says so (the one decision), for the viewer, not the
   * operator, whose role is higher but whose key is not named */
  {
    g_autoptr (GwReply) me = expect (f, "GET", "/api/v1/whoami", viewer,
        NULL, 200, NULL);
    g_autoptr (GwReply) op = expect (f, "GET", "/api/v1/whoami", operator,
        NULL, 200, NULL);

    g_assert_true (json_strings_have (body_of (me), "actions", "metrics.read"));
    g_assert_true (json_strings_have (body_of (me), "routes", "GET /metrics"));
    g_assert_false (json_strings_have (body_of (me), "actions",
            "cameras.write"));
    g_assert_false (json_strings_have (body_of (op), "actions",
            "metrics.read"));
    g_assert_false (json_strings_have (body_of (op), "routes", "GET /metrics"));
  }
  metrics = expect (f, "GET", "/metrics", admin, NULL, 200, NULL);
  g_assert_nonnull (strstr (g_bytes_get_data (metrics->body, NULL),
          "camguard_http_requests_total{route=\"/api/v1/cameras\","));
  EXPECT ("GET", "/api/v1/openapi.json", viewer, NULL, 200, NULL);
  errors = expect (f, "GET", "/api/v1/errors", viewer, NULL, 200, NULL);
  g_assert_cmpint (json_object_get_int_member (body_of (errors), "count"), >,
      10);
  terminate_ok (f);
}

/* A JPEG snapshot with its frame age; the quality ladder read and set. */
static void
test_snapshot_quality (Fixture * f, gconstpointer data)
{
  const gchar *viewer = f->keys[0], *operator = f->keys[1];
  g_autoptr (GwReply) snap = NULL;
  g_autoptr (GwReply) q = NULL;
  const guint8 *jpeg;
  gsize len;

  g_assert_true (gw_process_wait_log (&f->gw,
          "camera demo: starting -> running", GW_TEST_WAIT_MS));
  snap = expect (f, "GET", "/api/v1/cameras/demo/snapshot?width=80&"
      "quality=50", viewer, NULL, 200, NULL);
  g_assert_cmpstr (snap->content_type, ==, "image/jpeg");
  g_assert_nonnull (snap->frame_age);
  jpeg = g_bytes_get_data (snap->body, &len);
  g_assert_cmpuint (len, >, 100);
  g_assert_cmphex (jpeg[0], ==, 0xff);
  g_assert_cmphex (jpeg[1], ==, 0xd8);
  EXPECT ("GET", "/api/v1/cameras/demo/snapshot?width=0", viewer, NULL, 400,
      "VALIDATION_ERROR");
  {
    g_autoptr (GwReply) m = expect (f, "GET", "/metrics", f->keys[2], NULL,
        200, NULL);

    g_assert_nonnull (strstr (g_bytes_get_data (m->body, NULL),
            "camguard_snapshots_total{result=\"served\"} 1\n"));
    g_assert_nonnull (strstr (g_bytes_get_data (m->body, NULL),
            "camguard_snapshot_duration_seconds_count{result=\"served\"} 1"));
  }

  EXPECT ("PUT", "/api/v1/cameras/demo/quality", viewer, "{\"step\":1}", 403,
      "INSUFFICIENT_PERMISSIONS");
  EXPECT ("PUT", "/api/v1/cameras/demo/quality", operator,
      "{\"mode\":\"sideways\"}", 400, "VALIDATION_ERROR");
  q = expect (f, "PUT", "/api/v1/cameras/demo/quality", operator,
      "{\"mode\":\"manual\",\"step\":1}", 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (body_of (q), "mode"), ==,
      "manual");
  g_assert_cmpint (json_object_get_int_member (body_of (q), "step"), ==, 1);
  {
    /* the ladder's rungs by name, best first (the dashboard lists them) */
    JsonArray *steps = json_object_get_array_member (body_of (q), "steps");

    g_assert_nonnull (steps);
    g_assert_cmpuint (json_array_get_length (steps), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (steps, 0), ==, "small");
    g_assert_cmpstr (json_array_get_string_element (steps, 1), ==, "tiny");
  }
  terminate_ok (f);
}

/* A camera created through the API is still there after a restart. */
static void
test_create_restart (Fixture * f, gconstpointer data)
{
  const gchar *admin = f->keys[2];
  g_autoptr (GwReply) created = NULL;
  g_autoptr (GwReply) got = NULL;

  EXPECT ("POST", "/api/v1/cameras", f->keys[1], "{\"id\":\"lobby\","
      "\"type\":\"test\"}", 403, "INSUFFICIENT_PERMISSIONS");
  created = expect (f, "POST", "/api/v1/cameras", admin,
      "{\"id\":\"lobby\",\"type\":\"test\",\"width\":160,"
      "\"height\":120}", 201, NULL);
  g_assert_cmpstr (json_object_get_string_member (body_of (created), "id"),
      ==, "lobby");
  EXPECT ("POST", "/api/v1/cameras", admin, "{\"id\":\"lobby\","
      "\"type\":\"test\"}", 409, "CAMERA_ALREADY_EXISTS");
  EXPECT ("POST", "/api/v1/cameras", admin, "{\"id\":", 400, "INVALID_JSON");
  terminate_ok (f);
  gw_process_clear (&f->gw);

  memset (&f->gw, 0, sizeof (f->gw));
  gw_process_start (&f->gw, gateway_path, f->config);
  got = expect (f, "GET", "/api/v1/cameras/lobby", f->keys[0], NULL, 200, NULL);
  g_assert_cmpint (json_object_get_int_member (body_of (got), "width"), ==,
      160);
  EXPECT ("DELETE", "/api/v1/cameras/lobby", admin, NULL, 200, NULL);
  EXPECT ("GET", "/api/v1/cameras/lobby", admin, NULL, 404, "CAMERA_NOT_FOUND");
  terminate_ok (f);
}

static JsonObject *
rpc_result (JsonObject * response)
{
  if (rpc_error_code (response) != 0) {
    g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (),
        response);

    g_error ("JSON-RPC error: %s", json_to_string (node, FALSE));
  }
  return json_object_get_object_member (response, "result");
}

/* The camera methods over JSON-RPC, with the role table and the catalogue's
 * JSON-RPC codes. */
static void
test_rpc_methods (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupWebsocketConnection) ws = gw_process_ws_connect (&f->gw);
  g_autoptr (SoupWebsocketConnection) op = gw_process_ws_connect (&f->gw);
  g_autofree guchar *jpeg = NULL;
  JsonObject *r;
  gsize len;

  g_assert_true (gw_process_wait_log (&f->gw,
          "camera demo: starting -> running", GW_TEST_WAIT_MS));
  r = gw_ws_call (ws, "get_camera_list", "{}", 1);
  g_assert_cmpint (rpc_error_code (r), ==, -32001);
  json_object_unref (r);
  authenticate (ws, f->keys[0], 2);
  r = gw_ws_call (ws, "get_camera_list", "{}", 3);
  g_assert_cmpint (json_object_get_int_member (rpc_result (r), "count"), ==, 2);
  json_object_unref (r);
  r = gw_ws_call (ws, "get_camera_status", "{\"camera\":\"demo\"}", 4);
  g_assert_cmpstr (json_object_get_string_member (rpc_result (r), "state"),
      ==, "running");
  json_object_unref (r);
  r = gw_ws_call (ws, "get_camera_status", "{\"camera\":\"nope\"}", 5);
  g_assert_cmpint (rpc_error_code (r), ==, -32004);
  json_object_unref (r);
  r = gw_ws_call (ws, "get_camera_status", "{\"cam\":1}", 6);
  g_assert_cmpint (rpc_error_code (r), ==, -32602);
  json_object_unref (r);
  r = gw_ws_call (ws, "stop_camera", "{\"camera\":\"demo\"}", 7);
  g_assert_cmpint (rpc_error_code (r), ==, -32003);
  json_object_unref (r);

  r = gw_ws_call (ws, "take_snapshot", "{\"camera\":\"demo\","
      "\"width\":80}", 8);
  jpeg = g_base64_decode (json_object_get_string_member (rpc_result (r),
          "image"), &len);
  g_assert_cmpuint (len, >, 100);
  g_assert_cmphex (jpeg[0], ==, 0xff);
  g_assert_cmphex (jpeg[1], ==, 0xd8);
  json_object_unref (r);

  authenticate (op, f->keys[1], 1);
  r = gw_ws_call (op, "set_quality", "{\"camera\":\"demo\","
      "\"mode\":\"manual\",\"step\":1}", 2);
  g_assert_cmpint (json_object_get_int_member (rpc_result (r), "step"), ==, 1);
  json_object_unref (r);
  r = gw_ws_call (op, "set_quality", "{\"camera\":\"demo\","
      "\"colour\":1}", 3);
  g_assert_cmpint (rpc_error_code (r), ==, -32602);
  json_object_unref (r);
  r = gw_ws_call (op, "stop_camera", "{\"camera\":\"demo\"}", 4);
  g_assert_cmpstr (json_object_get_string_member (rpc_result (r), "state"),
      ==, "stopped");
  json_object_unref (r);
  r = gw_ws_call (op, "take_snapshot", "{\"camera\":\"demo\"}", 5);
  g_assert_cmpint (rpc_error_code (r), ==, -32009);
  json_object_unref (r);
  r = gw_ws_call (op, "start_camera", "{\"camera\":\"demo\"}", 6);
  g_assert_cmpint (rpc_error_code (r), ==, 0);
  json_object_unref (r);
  {
    g_autoptr (GwReply) m = expect (f, "GET", "/metrics", f->keys[2], NULL,
        200, NULL);
    const gchar *text = g_bytes_get_data (m->body, NULL);

    g_assert_nonnull (strstr (text, "camguard_jsonrpc_calls_total{method="
            "\"stop_camera\",code=\"INSUFFICIENT_PERMISSIONS\"} 1\n"));
    g_assert_nonnull (strstr (text, "camguard_jsonrpc_calls_total{method="
            "\"take_snapshot\",code=\"OK\"} 1\n"));
  }
  soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  soup_websocket_connection_close (op, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  terminate_ok (f);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 3);
  gateway_path = argv[1];
  camera_path = argv[2];
#define ADD(path, fn) g_test_add ("/gw/gateway/" path, Fixture, NULL, \
    fixture_setup, fn, fixture_teardown)
  ADD ("create-key-bad-role", test_create_key_bad_role);
  ADD ("port-in-use", test_port_in_use);
  ADD ("ws-events", test_ws_events);
  ADD ("rtsp", test_rtsp);
  ADD ("rest-roles", test_rest_roles);
  ADD ("snapshot-quality", test_snapshot_quality);
  ADD ("create-restart", test_create_restart);
  ADD ("rpc-methods", test_rpc_methods);
#undef ADD
  g_test_add ("/gw/gateway/health-starting", Fixture, starting_camera,
      fixture_setup, test_health_starting, fixture_teardown);
  return g_test_run ();
}
