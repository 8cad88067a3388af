/* camguard-gateway tests - recordings against the real binary: start/stop
 * and Range downloads, 10 cycles under two RTSP viewers, SIGTERM and
 * SIGKILL, a camera restart, roles and metrics, JSON-RPC; Range headers
 * and names
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage (meson passes it): test-recording CAMGUARD-GATEWAY
 *
 * Every file a test makes is decoded (qtdemux ! h264parse ! avdec_h264).
 * The storage cases are in test-recording-storage.c.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>

#include "gw-recording-files.h"
#include "gw-routes-recordings.h"
#include "recording-fixture.h"

/* start, list, stop: one finalized file that decodes; the listing and the
 * status show it; download whole and by ranges. */
static void
test_start_stop (Fixture * f, gconstpointer data)
{
  g_autoptr (GwReply) started = NULL, stopped = NULL, list = NULL;
  g_autoptr (JsonObject) m = NULL;
  g_autofree gchar *path = NULL, *url = NULL, *file = NULL, *cr = NULL;
  g_autofree gchar *want_part = NULL, *want_bad = NULL;
  g_autoptr (GBytes) whole = NULL, part = NULL, bad = NULL;
  gchar *contents = NULL;
  gsize len;
  guint status;
  JsonObject *entry;

  write_config (f, "", "");
  start_gateway (f);
  started = call (f, "POST", RECS, "{\"max_duration_s\": 600}", 201);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (json_node_get_object (started->json), "manual"), "state"), !=,
      "off");
  g_clear_pointer (&started, gw_reply_free);
  started = call (f, "POST", RECS, NULL, 409);  /* one at a time */
  m = wait_manual (f, "recording", 1.0);
  stopped = call (f, "DELETE", RECS "/current", NULL, 200);
  g_assert_true (json_object_get_boolean_member (json_node_get_object
          (stopped->json), "finalized"));
  file = g_strdup (json_object_get_string_member (json_node_get_object
          (stopped->json), "file"));
  g_assert_true (g_str_has_suffix (file, ".mp4"));
  g_assert_false (g_str_has_suffix (file, ".partial.mp4"));
  g_clear_pointer (&stopped, gw_reply_free);
  stopped = call (f, "DELETE", RECS "/current", NULL, 404);

  list = call (f, "GET", RECS, NULL, 200);
  entry = json_array_get_object_element (json_object_get_array_member
      (json_node_get_object (list->json), "files"), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, file);
  g_assert_true (json_object_get_boolean_member (entry, "finalized"));
  g_assert_cmpfloat (json_object_get_double_member (entry, "duration"), >=,
      1.0);
  g_assert_cmpuint (decode_all (f, ".mp4"), ==, 1);

  /* download: whole, a range, a suffix range, an unsatisfiable one */
  path = g_build_filename (f->recdir, file, NULL);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  url = g_strconcat (RECS "/", file, NULL);
  whole = get_range (f, url, NULL, &status, &cr);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (whole), ==, len);
  g_assert_true (memcmp (g_bytes_get_data (whole, NULL), contents, len) == 0);
  g_clear_pointer (&cr, g_free);
  part = get_range (f, url, "bytes=100-199", &status, &cr);
  g_assert_cmpuint (status, ==, 206);
  g_assert_cmpuint (g_bytes_get_size (part), ==, 100);
  g_assert_true (memcmp (g_bytes_get_data (part, NULL), contents + 100,
          100) == 0);
  want_part = g_strdup_printf ("bytes 100-199/%" G_GSIZE_FORMAT, len);
  g_assert_cmpstr (cr, ==, want_part);
  g_clear_pointer (&cr, g_free);
  g_clear_pointer (&part, g_bytes_unref);
  part = get_range (f, url, "bytes=-10", &status, &cr);
  g_assert_cmpuint (status, ==, 206);
  g_assert_true (memcmp (g_bytes_get_data (part, NULL), contents + len - 10,
          10) == 0);
  g_clear_pointer (&cr, g_free);
  bad = get_range (f, url, "bytes=999999999-", &status, &cr);
  g_assert_cmpuint (status, ==, 416);
  want_bad = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, len);
  g_assert_cmpstr (cr, ==, want_bad);
  g_free (contents);
}

/* Stopped at once, before a frame reached the file: no empty (unplayable)
 * mp4 is left behind; whatever is left decodes. */
static void
test_stop_at_once (Fixture * f, gconstpointer data)
{
  g_autoptr (GDir) dir = NULL;
  guint i;

  write_config (f, "", "");
  start_gateway (f);
  for (i = 0; i < 5; i++) {
    g_autoptr (GwReply) a = call (f, "POST", RECS, NULL, 201);
    g_autoptr (GwReply) b = call (f, "DELETE", RECS "/current", NULL, 200);
  }
  dir = g_dir_open (f->recdir, 0, NULL);
  if (dir)
    decode_all (f, ".mp4");
}

/* an RTSP viewer in the test process: counts access units */

typedef struct
{
  GstElement *pipeline;
  gint frames;
} Viewer;

static GstPadProbeReturn
count_frame (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  g_atomic_int_inc (&((Viewer *) data)->frames);
  return GST_PAD_PROBE_OK;
}

static void
viewer_start (Viewer * v, guint port)
{
  g_autofree gchar *desc = g_strdup_printf ("rtspsrc location="
      "rtsp://127.0.0.1:%u/demo protocols=tcp latency=0 ! rtph264depay ! "
      "fakesink name=sink sync=false", port);
  g_autoptr (GError) err = NULL;
  GstElement *sink;
  GstPad *pad;

  v->pipeline = gst_parse_launch (desc, &err);
  g_assert_no_error (err);
  sink = gst_bin_get_by_name (GST_BIN (v->pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_frame, v, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_element_set_state (v->pipeline, GST_STATE_PLAYING);
}

static void
viewer_wait (Viewer * v, gint more)
{
  gint target = g_atomic_int_get (&v->frames) + more;
  gint64 end = g_get_monotonic_time () + GW_TEST_WAIT_MS * 1000;

  while (g_atomic_int_get (&v->frames) < target)
    if (!iterate_until (end))
      g_error ("the RTSP viewer got no frames");
}

/* 10 start/stop cycles while two RTSP viewers watch: the viewers keep
 * getting frames, the camera never restarts, every file decodes. */
static void
test_cycles (Fixture * f, gconstpointer data)
{
  Viewer v[2] = { {0}, {0} };
  gdouble up0, up1;
  gint64 started0, started1;
  guint i;

  write_config (f, "", "");
  start_gateway (f);
  /* the RTSP mount exists once the camera runs: a viewer that came
   * before would get a 404 and no frames (seen once in a fresh Debian
   * root, where the camera took longer to start) */
  g_assert_true (gw_process_wait_log (&f->gw,
          "camera demo: starting -> running", GW_TEST_WAIT_MS));
  for (i = 0; i < 2; i++) {
    viewer_start (&v[i], f->gw.rtsp_port);
    viewer_wait (&v[i], 5);
  }
  started0 = camera_sources_started (f, &up0);
  for (i = 0; i < 10; i++) {
    g_autoptr (GwReply) a = call (f, "POST", RECS, NULL, 201);
    g_autoptr (JsonObject) m = wait_manual (f, "recording", 0.5);
    g_autoptr (GwReply) b = call (f, "DELETE", RECS "/current", NULL, 200);

    g_assert_true (json_object_get_boolean_member (json_node_get_object
            (b->json), "finalized"));
    viewer_wait (&v[0], 1);
    viewer_wait (&v[1], 1);
  }
  viewer_wait (&v[0], 5);
  viewer_wait (&v[1], 5);
  started1 = camera_sources_started (f, &up1);
  g_assert_cmpint (started1, ==, started0);
  g_assert_cmpfloat (up1, >, up0);
  for (i = 0; i < 2; i++) {
    gst_element_set_state (v[i].pipeline, GST_STATE_NULL);
    gst_object_unref (v[i].pipeline);
  }
  g_assert_cmpuint (decode_all (f, ".mp4"), ==, 10);
}

/* SIGTERM mid-recording: exit 0 and a finalized file that decodes. */
static void
test_sigterm (Fixture * f, gconstpointer data)
{
  g_autoptr (GwReply) a = NULL;
  g_autoptr (JsonObject) m = NULL;

  write_config (f, "", "");
  start_gateway (f);
  a = call (f, "POST", RECS, NULL, 201);
  m = wait_manual (f, "recording", 1.0);
  g_assert_cmpint (gw_process_stop (&f->gw, SIGTERM, GW_TEST_WAIT_MS), ==, 0);
  g_assert_cmpuint (decode_all (f, ".mp4"), ==, 1);
  g_assert_nonnull (strstr (f->gw.log->str, "stopped"));
  g_assert_null (strstr (f->gw.log->str, "not finalized in time"));
}

/* SIGKILL mid-recording: the .partial file decodes; what it lost is
 * printed (docs/gateway/recordings.md). */
static void
test_sigkill (Fixture * f, gconstpointer data)
{
  g_autoptr (GwReply) a = NULL;
  g_autoptr (JsonObject) m = NULL;
  gdouble uptime, decoded = 0;
  g_autoptr (GDir) dir = NULL;
  g_autofree gchar *path = NULL;

  write_config (f, "", "");
  start_gateway (f);
  a = call (f, "POST", RECS, NULL, 201);
  m = wait_manual (f, "recording", 3.0);
  {
    g_autoptr (GwReply) r = call (f, "GET", RECS, NULL, 200);

    uptime = json_object_get_double_member (manual_of (r), "uptime");
  }
  gw_process_stop (&f->gw, SIGKILL, GW_TEST_WAIT_MS);
  dir = g_dir_open (f->recdir, 0, NULL);
  path = g_build_filename (f->recdir, g_dir_read_name (dir), NULL);
  g_assert_true (g_str_has_suffix (path, ".partial.mp4"));
  g_assert_cmpuint (decode (path, &decoded), >, 0);
  g_test_message ("killed after %.2f s of recording: %.2f s decoded, "
      "%.2f s lost", uptime, decoded, uptime - decoded);
  g_assert_cmpfloat (decoded, >=, 3.0);
}

/* JSON-RPC: list_recordings, start/stop_recording, -32008 on failure. */
static void
test_rpc (Fixture * f, gconstpointer data)
{
  g_autoptr (SoupWebsocketConnection) ws = NULL;
  g_autoptr (GwReply) stop = NULL;
  JsonObject *r;

  write_config (f, "", "");
  start_gateway (f);
  ws = gw_process_ws_connect (&f->gw);
  r = gw_ws_call (ws, "start_recording", "{\"camera\":\"demo\"}", 1);
  g_assert_true (json_object_has_member (r, "result"));
  json_object_unref (r);
  json_object_unref (wait_manual (f, "recording", 0.5));
  r = gw_ws_call (ws, "list_recordings", "{\"camera\":\"demo\"}", 2);
  g_assert_true (json_object_has_member (json_object_get_object_member (r,
              "result"), "files"));
  json_object_unref (r);
  r = gw_ws_call (ws, "stop_recording", "{\"camera\":\"demo\"}", 3);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member
          (r, "result"), "finalized"));
  json_object_unref (r);
  stop = call (f, "POST", CAM "/stop", NULL, 200);
  r = gw_ws_call (ws, "start_recording", "{\"camera\":\"demo\"}", 4);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member
          (r, "error"), "code"), ==, -32008);
  json_object_unref (r);
  soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_assert_cmpuint (decode_all (f, ".mp4"), ==, 1);
}

/* A restart of the camera mid-recording: the first file is finalized
 * before the old pipeline goes, the recording follows the new one; a stop
 * of the camera finalizes the file, the recording waits and goes on when
 * the camera starts again. */
static void
test_follows_restart (Fixture * f, gconstpointer data)
{
  g_autoptr (GwReply) a = NULL, r = NULL, b = NULL;
  g_autoptr (JsonObject) m1 = NULL, m2 = NULL;
  g_autofree gchar *first = NULL;

  write_config (f, "", "");
  start_gateway (f);
  a = call (f, "POST", RECS, NULL, 201);
  m1 = wait_manual (f, "recording", 1.0);
  first = g_strdup (json_object_get_string_member (m1, "file"));
  r = call (f, "POST", CAM "/restart", NULL, 200);
  /* a new file on the new pipeline, the first one finalized */
  {
    gint64 end = g_get_monotonic_time () + GW_TEST_WAIT_MS * 1000;

    do {
      g_clear_pointer (&m2, json_object_unref);
      m2 = wait_manual (f, "recording", 0.5);
    } while (g_strcmp0 (json_object_get_string_member (m2, "file"),
            first) == 0 && iterate_until (end));
  }
  g_assert_cmpstr (json_object_get_string_member (m2, "file"), !=, first);
  g_assert_cmpint (json_object_get_int_member (m2, "files_finalized"), ==, 1);
  /* the camera stopped: its file finalized, the recording waits for it */
  g_clear_pointer (&r, gw_reply_free);
  r = call (f, "POST", CAM "/stop", NULL, 200);
  g_clear_pointer (&m2, json_object_unref);
  m2 = wait_manual (f, "waiting", 0);
  g_assert_cmpint (json_object_get_int_member (m2, "files_finalized"), ==, 2);
  g_assert_cmpuint (decode_all (f, ".mp4"), ==, 2);
  g_clear_pointer (&r, gw_reply_free);
  r = call (f, "POST", CAM "/start", NULL, 200);
  g_clear_pointer (&m2, json_object_unref);
  m2 = wait_manual (f, "recording", 0.5);
  b = call (f, "DELETE", RECS "/current", NULL, 200);
  g_assert_cmpuint (decode_all (f, ".mp4"), ==, 3);
}

/* viewer lists and downloads, operator starts and stops; the counters. */
static void
test_roles_metrics (Fixture * f, gconstpointer data)
{
  g_autofree gchar *viewer = NULL, *operator = NULL, *admin = NULL;
  g_autoptr (GwReply) denied = NULL, list = NULL, start = NULL, stop = NULL;
  g_autoptr (GwReply) metrics = NULL;
  g_autoptr (JsonObject) m = NULL;
  g_autofree gchar *text = NULL;
  gint status = -1;

  f->auth = TRUE;
  write_config (f, "", "");
  viewer = gw_process_create_key (gateway_path, f->config, "viewer", &status);
  g_assert_cmpint (status, ==, 0);
  operator = gw_process_create_key (gateway_path, f->config, "operator",
      &status);
  admin = gw_process_create_key (gateway_path, f->config, "admin", &status);
  start_gateway (f);
  denied = gw_process_request (&f->gw, "POST", RECS, viewer, NULL);
  g_assert_cmpuint (denied->status, ==, 403);
  list = gw_process_request (&f->gw, "GET", RECS, viewer, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  start = gw_process_request (&f->gw, "POST", RECS, operator, NULL);
  g_assert_cmpuint (start->status, ==, 201);
  {
    gint64 end = g_get_monotonic_time () + GW_TEST_WAIT_MS * 1000;
    gboolean recording = FALSE;

    while (!recording && iterate_until (end)) {
      g_autoptr (GwReply) r = gw_process_request (&f->gw, "GET", CAM
          "/status", viewer, NULL);
      JsonObject *manual = json_object_get_object_member
          (json_object_get_object_member (json_node_get_object (r->json),
              "recording"), "manual");

      recording = g_str_equal (json_object_get_string_member (manual,
              "state"), "recording");
    }
    g_assert_true (recording);
  }
  stop = gw_process_request (&f->gw, "DELETE", RECS "/current", operator, NULL);
  g_assert_cmpuint (stop->status, ==, 200);
  metrics = gw_process_request (&f->gw, "GET", "/metrics", admin, NULL);
  g_assert_cmpuint (metrics->status, ==, 200);
  g_clear_pointer (&text, g_free);
  text = g_strndup (g_bytes_get_data (metrics->body, NULL),
      g_bytes_get_size (metrics->body));
  g_assert_nonnull (strstr (text,
          "camguard_recording_files_total{camera=\"demo\"} 1"));
  g_assert_nonnull (strstr (text,
          "camguard_recording_bytes_total{camera=\"demo\"} "));
  g_assert_null (strstr (text,
          "camguard_recording_bytes_total{camera=\"demo\"} 0\n"));
}

/* Range headers and names, without a gateway. */
static void
test_unit_range (void)
{
  guint64 a = 0, b = 0;

  g_assert_cmpint (gw_routes_parse_range (NULL, 100, &a, &b), ==, 0);
  g_assert_cmpint (gw_routes_parse_range ("bytes=0-9", 100, &a, &b), ==, 1);
  g_assert_cmpuint (a, ==, 0);
  g_assert_cmpuint (b, ==, 9);
  g_assert_cmpint (gw_routes_parse_range ("bytes=90-", 100, &a, &b), ==, 1);
  g_assert_cmpuint (b, ==, 99);
  g_assert_cmpint (gw_routes_parse_range ("bytes=90-500", 100, &a, &b), ==, 1);
  g_assert_cmpuint (b, ==, 99);
  g_assert_cmpint (gw_routes_parse_range ("bytes=-30", 100, &a, &b), ==, 1);
  g_assert_cmpuint (a, ==, 70);
  g_assert_cmpint (gw_routes_parse_range ("bytes=-300", 100, &a, &b), ==, 1);
  g_assert_cmpuint (a, ==, 0);
  g_assert_cmpint (gw_routes_parse_range ("bytes=100-", 100, &a, &b), ==, -1);
  g_assert_cmpint (gw_routes_parse_range ("bytes=-0", 100, &a, &b), ==, -1);
  g_assert_cmpint (gw_routes_parse_range ("bytes=0-", 0, &a, &b), ==, -1);
  /* malformed or several ranges: ignored, the whole file */
  g_assert_cmpint (gw_routes_parse_range ("bytes=9-1", 100, &a, &b), ==, 0);
  g_assert_cmpint (gw_routes_parse_range ("bytes=x-1", 100, &a, &b), ==, 0);
  g_assert_cmpint (gw_routes_parse_range ("items=0-1", 100, &a, &b), ==, 0);
  g_assert_cmpint (gw_routes_parse_range ("bytes=0-1,5-6", 100, &a, &b), ==, 0);
}

static void
test_unit_names (void)
{
  const gchar *good[] = { "manual-20261202-012028-865.mp4",
    "continuous-20261202-012028-865-2.partial.mp4", "a.mp4"
  };
  const gchar *bad[] = { NULL, "", "..", "../x.mp4", "..mp4", "a..mp4",
    "/etc/passwd", "%2e%2e", "x/y.mp4", ".hidden.mp4", "-x.mp4", "a.mp4 ",
    "a.txt", "a\\b.mp4"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (gw_rec_name_is_valid (good[i]));
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (gw_rec_name_is_valid (bad[i]));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  gateway_path = argv[1];

#define ADD(name, func) g_test_add ("/recording/" name, Fixture, NULL, \
      setup, func, teardown)
  ADD ("start-stop-download", test_start_stop);
  ADD ("cycles-with-viewers", test_cycles);
  ADD ("stop-at-once", test_stop_at_once);
  ADD ("sigterm", test_sigterm);
  ADD ("sigkill", test_sigkill);
  ADD ("follows-restart", test_follows_restart);
  ADD ("roles-metrics", test_roles_metrics);
  ADD ("rpc", test_rpc);
#undef ADD
  g_test_add_func ("/recording/unit/range", test_unit_range);
  g_test_add_func ("/recording/unit/names", test_unit_names);
  return g_test_run ();
}
