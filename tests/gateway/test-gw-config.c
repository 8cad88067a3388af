/* camguard-gateway - configuration, camera specs and the pipeline allowlist
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "gw-allowlist.h"
#include "gw-config.h"

static gchar *tmpdir;

static gchar *
write_config (const gchar * text)
{
  gchar *path = g_build_filename (tmpdir, "gateway.conf", NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* Loads @text; returns the error message (NULL when it loaded). */
static gchar *
load_error (const gchar * text, GwConfig ** out)
{
  g_autofree gchar *path = write_config (text);
  g_autoptr (GError) err = NULL;
  GwConfig *c = gw_config_load (path, &err);

  if (c) {
    if (out)
      *out = c;
    else
      gw_config_free (c);
    return NULL;
  }
  g_assert_error (err, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR);
  return g_strdup (err->message);
}

static void
assert_line (const gchar * message, const gchar * line)
{
  g_autofree gchar *full = g_strdup_printf ("gateway.conf: %s", line);

  if (strstr (message, full) == NULL)
    g_error ("'%s' not in:\n%s", full, message);
}

static void
test_defaults (void)
{
  GwConfig *c = NULL;
  g_autofree gchar *msg = load_error ("[gateway]\ndata-dir=/tmp/x\n"
      "[camera demo]\ntype=test\n", &c);

  g_assert_null (msg);
  g_assert_cmpstr (c->listen, ==, "127.0.0.1");
  g_assert_cmpuint (c->port, ==, 8080);
  g_assert_cmpuint (c->rtsp_port, ==, 8554);
  g_assert_true (c->auth);
  g_assert_false (c->allow_pipelines);
  g_assert_cmpuint (c->ws_max_clients, ==, 256);
  g_assert_null (c->metrics_keys);
  g_assert_cmpuint (c->whep_max_viewers, ==, 16);
  g_assert_cmpuint (c->whep_reap_timeout_ms, ==, 10000);
  g_assert_cmpuint (c->cameras->len, ==, 1);
  g_assert_true (gw_config_check (c, NULL));
  gw_config_free (c);
}

/* Every kind of problem, all reported at once, each with file, group and
 * key. */
static void
test_metrics_keys (void)
{
  g_autoptr (GwConfig) c = NULL;
  g_autofree gchar *msg = load_error ("[gateway]\ndata-dir=/tmp/x\n"
      "metrics-keys=prom; grafana\n", &c);

  g_assert_null (msg);
  g_assert_cmpuint (g_strv_length (c->metrics_keys), ==, 2);
  g_assert_cmpstr (c->metrics_keys[0], ==, "prom");
  g_assert_cmpstr (c->metrics_keys[1], ==, "grafana");
}

static void
test_all_errors_reported (void)
{
  g_autofree gchar *msg = load_error ("[gateway]\nport=http\nauth=maybe\n"
      "colour=blue\nws-max-clients=0\nmetrics-keys=prom;;\n"
      "whep-max-viewers=0\n"
      "whep-reap-timeout=10\n"
      "[camera door]\ntype=rtsp\nuri=http://user:hunter2@10.0.0.1/x\n"
      "width=640\n"
      "[camera desk]\ntype=v4l2\ndevice=/etc/passwd\nframerate=fast\n"
      "[camera demo]\ntype=test\npattern=plaid\nwidth=99999\nheight=10\n"
      "retry-initial-delay=9000\nretry-max-delay=100\nsnapshot-quality=0\n"
      "ladder=bogus\nladder-mode=sometimes\nshape=round\n"
      "[camera bad]\ntype=nope\n"
      "[camera Big]\ntype=test\n"
      "[camera raw]\ntype=pipeline\ndescription=videotestsrc\n"
      "[camera noid]\n" "[cameras]\nx=1\n", NULL);

  g_assert_nonnull (msg);
  assert_line (msg, "[gateway] port: 'http' is not a port number");
  assert_line (msg, "[gateway] auth: 'maybe' is not true or false");
  assert_line (msg, "[gateway] colour: unknown key");
  assert_line (msg, "[gateway] ws-max-clients: '0' is not a number 1..65535");
  assert_line (msg, "[gateway] metrics-keys: an empty key name");
  assert_line (msg, "[gateway] whep-max-viewers: '0' is not a number 1..1024");
  assert_line (msg, "[gateway] whep-reap-timeout: '10' is not milliseconds "
      "1000..600000");
  assert_line (msg, "[camera door] uri: a rtsp camera needs a rtsp://");
  assert_line (msg, "[camera door] width: does not apply to a rtsp camera");
  assert_line (msg, "[camera desk] device: must be a device under /dev/");
  assert_line (msg, "[camera desk] framerate: 'fast' is not a positive");
  assert_line (msg, "[camera demo] pattern: unknown videotestsrc pattern");
  assert_line (msg, "[camera demo] width: 99999 is out of range 16..8192");
  assert_line (msg, "[camera demo] height: 10 is out of range 16..8192");
  assert_line (msg, "[camera demo] retry-initial-delay: 9000 ms is longer");
  assert_line (msg, "[camera demo] snapshot-quality: 0 is out of range");
  assert_line (msg, "[camera demo] ladder: ");
  assert_line (msg, "[camera demo] ladder-mode: 'sometimes' is not one of");
  assert_line (msg, "[camera demo] shape: unknown key");
  assert_line (msg, "[camera bad] type: 'nope' is not one of");
  assert_line (msg, "[camera Big] (group): camera id 'Big' must match");
  assert_line (msg, "[camera raw] description: pipeline cameras are "
      "disabled");
  assert_line (msg, "[camera noid] type: is required");
  assert_line (msg, "[cameras]: unknown group");
  /* the password of the bad URI is not repeated */
  g_assert_null (strstr (msg, "hunter2"));
}

static void
test_unreadable (void)
{
  g_autofree gchar *msg = load_error ("[gateway\nport=1\n", NULL);

  g_assert_nonnull (strstr (msg, "gateway.conf: cannot be read"));
}

static void
test_check (void)
{
  GwConfig *c = NULL;
  g_autoptr (GError) err = NULL;

  g_assert_null (load_error ("[gateway]\nlisten=0.0.0.0\nauth=false\n", &c));
  g_assert_false (gw_config_check (c, &err));
  g_assert_error (err, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR);
  g_assert_nonnull (strstr (err->message, "gateway.conf: [gateway] "
          "data-dir: is required"));
  g_assert_nonnull (strstr (err->message, "gateway.conf: [gateway] auth: "
          "false is only allowed when listen is a loopback"));
  g_clear_error (&err);
  g_free (c->listen);
  c->listen = g_strdup ("::1");
  c->data_dir = g_strdup ("/tmp");
  g_assert_true (gw_config_check (c, NULL));
  gw_config_free (c);
}

static void
test_spec_keyfile (void)
{
  GwConfig *c = NULL;
  GwCameraSpec *s;
  g_autofree gchar *msg = load_error ("[gateway]\nallow-pipelines=true\n"
      "[camera door]\ntype=rtsp\nuri=rtsp://u:p@127.0.0.1/s\n"
      "transport=tcp\nretry-max-attempts=3\nretry-timeout=2000\n"
      "[camera desk]\ntype=v4l2\ndevice=/dev/video0\nwidth=1280\n"
      "height=720\nframerate=30/1\nformat=MJPG\n"
      "[camera raw]\ntype=pipeline\ndescription=videotestsrc ! "
      "videoconvert\nladder=360p:800\nladder-mode=manual\n", &c);

  g_assert_null (msg);
  g_assert_cmpuint (c->cameras->len, ==, 3);
  s = g_ptr_array_index (c->cameras, 0);
  g_assert_cmpstr (s->id, ==, "door");
  g_assert_cmpint (s->type, ==, GW_CAMERA_RTSP);
  g_assert_cmpstr (s->transport, ==, "tcp");
  g_assert_cmpuint (s->retry_max_attempts, ==, 3);
  g_assert_cmpuint (s->retry_timeout, ==, 2000);
  g_assert_cmpuint (s->retry_initial_delay, ==, 500);
  s = g_ptr_array_index (c->cameras, 1);
  g_assert_cmpuint (s->width, ==, 1280);
  g_assert_cmpint (s->fps_n, ==, 30);
  g_assert_cmpstr (s->format, ==, "MJPG");
  s = g_ptr_array_index (c->cameras, 2);
  g_assert_cmpstr (s->ladder, ==, "360p:800");
  g_assert_cmpstr (s->ladder_mode, ==, "manual");
  g_assert_true (gw_camera_type_is_raw (s));
  gw_config_free (c);
}

static JsonObject *
parse_object (const gchar * json)
{
  g_autoptr (JsonParser) p = json_parser_new ();

  g_assert_true (json_parser_load_from_data (p, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (p)));
}

static void
test_spec_json_all_fields_listed (void)
{
  GwSpecPolicy policy = { FALSE };
  g_autoptr (JsonObject) o = parse_object ("{\"id\":\"Door!\",\"type\":"
      "\"rtsp\",\"uri\":5,\"width\":640,\"transport\":\"carrier-pigeon\","
      "\"retry\":{\"max-delay\":\"long\",\"bogus\":1},\"snapshot\":3,"
      "\"colour\":\"red\"}");
  g_autoptr (CgError) e = NULL;
  g_autoptr (JsonNode) details = NULL;
  g_autofree gchar *text = NULL;
  static const gchar *const expected[] = { "\"field\":\"id\"",
    "\"field\":\"uri\"", "\"field\":\"width\"", "\"field\":\"transport\"",
    "\"field\":\"retry.max-delay\"", "\"field\":\"retry.bogus\"",
    "\"field\":\"snapshot\"", "\"field\":\"colour\"", NULL
  };
  guint i;

  g_assert_null (gw_camera_spec_from_json (o, NULL, &policy, &e));
  g_assert_nonnull (e);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_VALIDATION_ERROR);
  details = cg_error_details_to_json_node (e);
  text = json_to_string (details, FALSE);
  for (i = 0; expected[i]; i++)
    if (strstr (text, expected[i]) == NULL)
      g_error ("%s missing in %s", expected[i], text);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member
          (json_node_get_object (details), "fields")), ==, 8);
}

/* Without a type, the other fields cannot be judged: only the type is
 * reported (not "uri does not apply to a test camera"). */
static void
test_spec_json_without_type (void)
{
  GwSpecPolicy policy = { FALSE };
  g_autoptr (JsonObject) o = parse_object ("{\"id\":\"door\",\"uri\":"
      "\"rtsp://127.0.0.1/s\"}");
  g_autoptr (CgError) e = NULL;
  g_autoptr (JsonNode) details = NULL;
  JsonArray *fields;

  g_assert_null (gw_camera_spec_from_json (o, NULL, &policy, &e));
  details = cg_error_details_to_json_node (e);
  fields = json_object_get_array_member (json_node_get_object (details),
      "fields");
  g_assert_cmpuint (json_array_get_length (fields), ==, 1);
  g_assert_cmpstr (json_object_get_string_member
      (json_array_get_object_element (fields, 0), "field"), ==, "type");
}

static gchar *
spec_text (const GwCameraSpec * spec, gboolean stored_form)
{
  CgJsonWriter *w = cg_json_writer_new ();

  gw_camera_spec_write_json (spec, stored_form, w);
  return cg_json_writer_free_to_string (w, NULL);
}

/* The spec of the JSON object @json, or NULL */
static GwCameraSpec *
spec_of (const gchar * json)
{
  GwSpecPolicy policy = { FALSE };
  g_autoptr (JsonObject) o = parse_object (json);

  return gw_camera_spec_from_json (o, NULL, &policy, NULL);
}

/* The text of a spec, member for member: what the API showed and
 * cameras.json held before the writer (json-glib's generator), so that
 * clients and files read back keep working. */
static void
test_spec_json_text (void)
{
  g_autoptr (GwCameraSpec) http = spec_of ("{\"id\":\"gate\",\"type\":"
      "\"http\",\"uri\":\"http://u:p%40ss@127.0.0.1:9/x.mjpg\","
      "\"retry\":{\"max-attempts\":2},\"snapshot\":{\"max-age\":500}}");
  g_autoptr (GwCameraSpec) test = spec_of ("{\"id\":\"pipe\",\"type\":"
      "\"test\",\"pattern\":\"snow\",\"record\":{\"continuous\":false,"
      "\"segment\":30}}");
  g_autofree gchar *shown = NULL;
  g_autofree gchar *stored = NULL;
  g_autofree gchar *raw = NULL;
  const gchar *groups = "\"retry\":{\"max-attempts\":2,\"initial-delay\":500,"
      "\"max-delay\":30000,\"timeout\":5000},\"snapshot\":{\"max-age\":500,"
      "\"quality\":85},\"ladder\":{\"mode\":\"auto\"},\"record\":"
      "{\"continuous\":false,\"segment\":300,\"max-age\":0,\"max-size\":0}}";
  g_autofree gchar *want_shown = g_strconcat ("{\"id\":\"gate\",\"type\":"
      "\"http\",\"uri\":\"http://u:***@127.0.0.1:9/x.mjpg\",", groups, NULL);
  g_autofree gchar *want_stored = g_strconcat ("{\"id\":\"gate\",\"type\":"
      "\"http\",\"uri\":\"http://u:p%40ss@127.0.0.1:9/x.mjpg\",", groups,
      NULL);

  g_assert_nonnull (http);
  g_assert_nonnull (test);
  shown = spec_text (http, FALSE);
  g_assert_cmpstr (shown, ==, want_shown);
  stored = spec_text (http, TRUE);
  g_assert_cmpstr (stored, ==, want_stored);
  raw = spec_text (test, FALSE);
  g_assert_cmpstr (raw, ==, "{\"id\":\"pipe\",\"type\":\"test\","
      "\"pattern\":\"snow\",\"width\":640,\"height\":360,\"framerate\":"
      "\"15/1\",\"retry\":{\"max-attempts\":0,\"initial-delay\":500,"
      "\"max-delay\":30000,\"timeout\":5000},\"snapshot\":{\"max-age\":5000,"
      "\"quality\":85},\"ladder\":{\"mode\":\"auto\"},\"record\":"
      "{\"continuous\":false,\"segment\":30,\"max-age\":0,\"max-size\":0}}");
}

static void
test_spec_json_round_trip_redacted (void)
{
  GwSpecPolicy policy = { FALSE };
  g_autoptr (JsonObject) o = parse_object ("{\"id\":\"door\",\"type\":"
      "\"rtsp\",\"uri\":\"rtsp://admin:hunter2@127.0.0.1:554/s\","
      "\"retry\":{\"max-attempts\":4},\"snapshot\":{\"quality\":70}}");
  g_autoptr (GwCameraSpec) s = NULL;
  g_autoptr (GwCameraSpec) back = NULL;
  g_autoptr (JsonNode) shown = NULL;
  g_autoptr (JsonNode) stored = NULL;
  g_autofree gchar *shown_text = NULL;
  g_autofree gchar *stored_text = NULL;
  g_autofree gchar *tree_text = NULL;
  g_autoptr (CgError) e = NULL;

  s = gw_camera_spec_from_json (o, "door", &policy, &e);
  g_assert_null (e);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->retry_max_attempts, ==, 4);
  g_assert_cmpuint (s->snapshot_quality, ==, 70);
  shown_text = spec_text (s, FALSE);
  g_assert_null (strstr (shown_text, "hunter2"));
  g_assert_nonnull (strstr (shown_text, "\"max-attempts\":4"));
  /* the tree (the base a PATCH is merged into) is the same document */
  shown = gw_camera_spec_to_json (s, FALSE);
  g_free (tree_text);
  tree_text = cg_json_to_string (shown, FALSE);
  g_assert_cmpstr (tree_text, ==, shown_text);
  stored_text = spec_text (s, TRUE);
  g_assert_nonnull (strstr (stored_text, "hunter2"));
  stored = gw_camera_spec_to_json (s, TRUE);
  g_free (tree_text);
  tree_text = cg_json_to_string (stored, FALSE);
  g_assert_cmpstr (tree_text, ==, stored_text);
  /* the stored form reads back to the same spec */
  back = gw_camera_spec_from_json (json_node_get_object (stored), NULL,
      &policy, NULL);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->uri, ==, s->uri);
  g_assert_cmpuint (back->retry_max_attempts, ==, 4);
  /* the path's id wins only when the body agrees */
  g_assert_null (gw_camera_spec_from_json (o, "gate", &policy, NULL));
}

static void
test_allowlist_accepts (void)
{
  static const gchar *const ok[] = {
    "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320",
    "videotestsrc ! faultinject fault=error after-buffers=10 ! videoconvert",
    "rtspsrc location=rtsp://127.0.0.1:8554/cam ! rtph264depay ! h264parse",
    "souphttpsrc location=http://127.0.0.1/v.mjpg ! multipartdemux "
        "! jpegdec",
    "v4l2src device=/dev/video0 ! videoconvert ! ( queue ! videoscale )",
    NULL
  };
  guint i;

  for (i = 0; ok[i]; i++) {
    g_autofree gchar *why = NULL;

    if (!gw_allowlist_check (ok[i], &why))
      g_error ("refused '%s': %s", ok[i], why);
  }
}

static void
test_allowlist_refuses (void)
{
  static const gchar *const bad[][2] = {
    {"videotestsrc ! filesink location=/tmp/x", "filesink"},
    {"filesrc location=/etc/shadow ! jpegdec", "filesrc"},
    {"videotestsrc ! multifilesink location=/tmp/%d", "multifilesink"},
    {"multifilesrc location=/etc/%d", "multifilesrc"},
    {"videotestsrc ! x264enc ! splitmuxsink location=/tmp/a%d.mp4",
        "x264enc"},
    {"appsrc ! videoconvert", "appsrc"},
    {"videotestsrc ! appsink", "appsink"},
    {"udpsrc port=5000 ! rtph264depay", "udpsrc"},
    {"videotestsrc ! tcpserversink port=9000", "tcpserversink"},
    {"shmsrc socket-path=/tmp/s ! videoconvert", "shmsrc"},
    {"uridecodebin uri=file:///etc/passwd", "uridecodebin"},
    {"videotestsrc ! ( queue ! filesink location=/tmp/y )", "filesink"},
    {"retrysrc uri=file:///etc/passwd", "retrysrc"},
    {"videotestsrc ! snapshottap location=/tmp/s.jpg", "snapshottap"},
    {"v4l2src device=/etc/passwd", "device"},
    {"videotestsrc ! nosuchelement", "MISSING_COMPONENT"},
    {"videotestsrc ! ! !", "does not parse"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree gchar *why = NULL;

    if (gw_allowlist_check (bad[i][0], &why))
      g_error ("accepted '%s'", bad[i][0]);
    if (strstr (why, bad[i][1]) == NULL)
      g_error ("'%s': '%s' does not mention %s", bad[i][0], why, bad[i][1]);
  }
}

static void
test_pipeline_policy (void)
{
  GwSpecPolicy on = { TRUE }, off = { FALSE };
  g_autoptr (JsonObject) good = parse_object ("{\"id\":\"raw\",\"type\":"
      "\"pipeline\",\"description\":\"videotestsrc ! videoconvert\"}");
  g_autoptr (JsonObject) bad = parse_object ("{\"id\":\"raw\",\"type\":"
      "\"pipeline\",\"description\":\"videotestsrc ! filesink "
      "location=/tmp/z\"}");
  g_autoptr (GwCameraSpec) s = gw_camera_spec_from_json (good, NULL, &on, NULL);
  g_autoptr (CgError) e1 = NULL;
  g_autoptr (CgError) e2 = NULL;

  g_assert_nonnull (s);
  g_assert_null (gw_camera_spec_from_json (good, NULL, &off, &e1));
  g_assert_cmpint (cg_error_get_code (e1), ==, CG_CODE_VALIDATION_ERROR);
  g_assert_null (gw_camera_spec_from_json (bad, NULL, &on, &e2));
  g_assert_cmpint (cg_error_get_code (e2), ==, CG_CODE_VALIDATION_ERROR);
}

int
main (int argc, char **argv)
{
  int ret;

  gst_init (NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("gw-config-XXXXXX", NULL);
  g_test_add_func ("/gw/config/defaults", test_defaults);
  g_test_add_func ("/gw/config/metrics-keys", test_metrics_keys);
  g_test_add_func ("/gw/config/all-errors-reported", test_all_errors_reported);
  g_test_add_func ("/gw/config/unreadable", test_unreadable);
  g_test_add_func ("/gw/config/check", test_check);
  g_test_add_func ("/gw/spec/keyfile", test_spec_keyfile);
  g_test_add_func ("/gw/spec/json-all-fields-listed",
      test_spec_json_all_fields_listed);
  g_test_add_func ("/gw/spec/json-without-type", test_spec_json_without_type);
  g_test_add_func ("/gw/spec/json-text", test_spec_json_text);
  g_test_add_func ("/gw/spec/json-round-trip-redacted",
      test_spec_json_round_trip_redacted);
  g_test_add_func ("/gw/allowlist/accepts", test_allowlist_accepts);
  g_test_add_func ("/gw/allowlist/refuses", test_allowlist_refuses);
  g_test_add_func ("/gw/spec/pipeline-policy", test_pipeline_policy);
  ret = g_test_run ();
  {
    g_autofree gchar *conf = g_build_filename (tmpdir, "gateway.conf", NULL);

    g_unlink (conf);
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
