/* camguard-gateway tests - recordings against the real binary: start/stop,
 * cycles under RTSP viewers, SIGTERM and SIGKILL, storage full and denied,
 * traversal, Range downloads, continuous recording with retention
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage (meson passes it): test-recording CAMGUARD-GATEWAY
 *
 * Every file a test makes is decoded (qtdemux ! h264parse ! avdec_h264).
 * The storage tests mount a small tmpfs (or a read-only one) in a private
 * mount namespace the test enters first; without one (not root) they
 * skip with the reason.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define _GNU_SOURCE             /* unshare */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "gateway-process.h"

#define CAM "/api/v1/cameras/demo"
#define RECS CAM "/recordings"

static const gchar *gateway_path;
static gchar *no_mount_reason;

typedef struct
{
  gchar *tmpdir;
  gchar *data;
  gchar *recdir;                /* data/recordings/demo */
  gchar *config;
  GwProcess gw;
  gboolean mounted;
} Fixture;

/* ------------------------------------------------------------------ */
/* helpers                                                              */

static void
write_config (Fixture * f, const gchar * gateway_extra,
    const gchar * camera_extra)
{
  g_autofree gchar *text = g_strdup_printf ("[gateway]\nlisten=127.0.0.1\n"
      "port=0\nrtsp-port=0\nauth=false\ndata-dir=%s\n%s\n"
      "[camera demo]\ntype=test\npattern=ball\nwidth=160\nheight=120\n"
      "framerate=15/1\n%s\n", f->data, gateway_extra, camera_extra);

  g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
}

static void
setup (Fixture * f, gconstpointer data)
{
  g_autoptr (GError) err = NULL;

  f->tmpdir = g_dir_make_tmp ("gw-recording-XXXXXX", &err);
  g_assert_no_error (err);
  f->data = g_build_filename (f->tmpdir, "data", NULL);
  f->recdir = g_build_filename (f->data, "recordings", "demo", NULL);
  f->config = g_build_filename (f->tmpdir, "gw.conf", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->data, 0755), ==, 0);
}

static void
rm_rf (const gchar * path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);

    if (g_file_test (child, G_FILE_TEST_IS_DIR)
        && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
      rm_rf (child);
    else
      g_unlink (child);
  }
  g_rmdir (path);
}

static void
teardown (Fixture * f, gconstpointer data)
{
  g_autofree gchar *root = g_build_filename (f->data, "recordings", NULL);

  if (f->gw.proc && !f->gw.exited)
    gw_process_stop (&f->gw, SIGKILL, GW_TEST_WAIT_MS);
  gw_process_clear (&f->gw);
  if (f->mounted)
    umount2 (root, MNT_DETACH);
  rm_rf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->data);
  g_free (f->recdir);
  g_free (f->config);
}

static gboolean
can_mount (void)
{
  if (no_mount_reason == NULL)
    return TRUE;
  g_test_skip (no_mount_reason);
  return FALSE;
}

/* A tmpfs at data/recordings: @options "size=2m" or "ro,size=1m". */
static void
mount_recordings (Fixture * f, const gchar * options, gboolean read_only)
{
  g_autofree gchar *root = g_build_filename (f->data, "recordings", NULL);

  g_assert_cmpint (g_mkdir_with_parents (root, 0755), ==, 0);
  if (mount ("tmpfs", root, "tmpfs", read_only ? MS_RDONLY : 0, options) != 0)
    g_error ("mount tmpfs on %s: %s", root, g_strerror (errno));
  f->mounted = TRUE;
}

static GwReply *
call (Fixture * f, const gchar * method, const gchar * path,
    const gchar * body, guint status)
{
  GwReply *r = gw_process_request (&f->gw, method, path, NULL, body);

  if (status && r->status != status)
    g_error ("%s %s: %u, expected %u: %.*s", method, path, r->status, status,
        (int) g_bytes_get_size (r->body),
        (const gchar *) g_bytes_get_data (r->body, NULL));
  return r;
}

static JsonObject *
manual_of (GwReply * r)
{
  JsonObject *o = json_node_get_object (r->json);

  return json_object_get_object_member (json_object_get_object_member (o,
          "recording"), "manual");
}

static gboolean
iterate_until (gint64 end)
{
  g_main_context_iteration (NULL, FALSE);
  g_usleep (50 * 1000);         /* polling interval of a bounded wait */
  return g_get_monotonic_time () < end;
}

/* Polls the listing until the manual recording's state is @state (and its
 * current file has at least @duration seconds in its header). */
static JsonObject *
wait_manual (Fixture * f, const gchar * state, gdouble duration)
{
  gint64 end = g_get_monotonic_time () + GW_TEST_WAIT_MS * 1000;

  do {
    g_autoptr (GwReply) r = call (f, "GET", RECS, NULL, 200);
    JsonObject *m = manual_of (r);
    JsonArray *files = json_object_get_array_member (json_node_get_object
        (r->json), "files");
    guint i;

    if (!g_str_equal (json_object_get_string_member (m, "state"), state))
      continue;
    if (duration <= 0)
      return json_object_ref (m);
    for (i = 0; i < json_array_get_length (files); i++) {
      JsonObject *file = json_array_get_object_element (files, i);

      if (json_object_get_boolean_member (file, "current")
          && !json_object_get_null_member (file, "duration")
          && json_object_get_double_member (file, "duration") >= duration)
        return json_object_ref (m);
    }
  } while (iterate_until (end));
  g_error ("the manual recording never was %s (%.1f s)", state, duration);
  return NULL;
}

/* Decodes a whole file; returns the frames decoded (0 on any error) and
 * the last frame's end in @duration. */
static guint
decode (const gchar * path, gdouble * duration)
{
  g_autofree gchar *desc = g_strdup_printf ("filesrc location=\"%s\" ! "
      "qtdemux ! h264parse ! avdec_h264 ! appsink name=sink sync=false",
      path);
  g_autoptr (GError) err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstElement *sink;
  GstClockTime last = 0;
  guint frames = 0;
  GstSample *s;

  g_assert_no_error (err);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (TRUE) {
    g_signal_emit_by_name (sink, "try-pull-sample", 10 * GST_SECOND, &s);
    if (s == NULL)
      break;
    last = GST_BUFFER_PTS (gst_sample_get_buffer (s)) +
        GST_BUFFER_DURATION (gst_sample_get_buffer (s));
    frames++;
    gst_sample_unref (s);
  }
  {
    GstBus *bus = gst_element_get_bus (pipeline);
    GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    if (m) {
      GError *e = NULL;

      gst_message_parse_error (m, &e, NULL);
      g_test_message ("decoding %s: %s", path, e->message);
      g_error_free (e);
      gst_message_unref (m);
      frames = 0;
    }
    gst_object_unref (bus);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  if (duration)
    *duration = last / (gdouble) GST_SECOND;
  return frames;
}

/* Every file in the camera's directory decodes; returns how many. */
static guint
decode_all (Fixture * f, const gchar * suffix)
{
  g_autoptr (GDir) dir = g_dir_open (f->recdir, 0, NULL);
  const gchar *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir))) {
    g_autofree gchar *path = g_build_filename (f->recdir, name, NULL);
    gdouble d = 0;

    if (suffix && !g_str_has_suffix (name, suffix))
      g_error ("%s does not end in %s", name, suffix);
    if (decode (path, &d) == 0)
      g_error ("%s does not decode", name);
    g_test_message ("%s: %.2f s decoded", name, d);
    n++;
  }
  return n;
}

/* Waits for the camera to be running; returns how often its source was
 * started and retried (a restart or a retry changes it) and its uptime. */
static gint64
camera_sources_started (Fixture * f, gdouble * uptime)
{
  gint64 end = g_get_monotonic_time () + GW_TEST_WAIT_MS * 1000;

  do {
    g_autoptr (GwReply) r = call (f, "GET", CAM "/status", NULL, 200);
    JsonObject *o = json_node_get_object (r->json);
    JsonObject *stats;

    if (!g_str_equal (json_object_get_string_member (o, "state"), "running"))
      continue;
    if (uptime)
      *uptime = json_object_get_double_member (o, "uptime");
    stats = json_object_get_object_member (json_object_get_object_member (o,
            "source"), "statistics");
    return json_object_get_int_member (stats, "sources-started") +
        json_object_get_int_member (json_object_get_object_member (stats,
            "backoff"), "total-attempts");
  } while (iterate_until (end));
  g_error ("the camera is not running");
  return -1;
}

/* Waits for an event with @code in the history. */
static void
wait_event (Fixture * f, const gchar * code)
{
  g_autofree gchar *path = g_strdup_printf ("/api/v1/events?code=%s", code);
  gint64 end = g_get_monotonic_time () + GW_TEST_WAIT_MS * 1000;

  do {
    g_autoptr (GwReply) r = call (f, "GET", path, NULL, 200);

    if (json_object_get_int_member (json_node_get_object (r->json),
            "count") > 0)
      return;
  } while (iterate_until (end));
  g_error ("no %s event", code);
}

/* ------------------------------------------------------------------ */
/* tests                                                                */

static void
start_gateway (Fixture * f)
{
  gw_process_start (&f->gw, gateway_path, f->config);
}

/* Raw GET with the path exactly as given (no client normalization). */
static guint
raw_get (Fixture * f, const gchar * path, gchar ** body)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) err = NULL;
  g_autoptr (GSocketConnection) conn = g_socket_client_connect_to_host
      (client, "127.0.0.1", f->gw.http_port, NULL, &err);
  g_autofree gchar *req = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: "
      "127.0.0.1\r\nConnection: close\r\n\r\n", path);
  GString *all = g_string_new (NULL);
  gchar buf[4096];
  gssize n;
  guint status = 0;

  g_assert_no_error (err);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM
          (conn)), req, strlen (req), NULL, NULL, &err);
  g_assert_no_error (err);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM
                  (conn)), buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (all, buf, n);
  sscanf (all->str, "HTTP/1.%*d %u", &status);
  *body = g_string_free (all, FALSE);
  return status;
}

static GBytes *
get_range (Fixture * f, const gchar * path, const gchar * range,
    guint * status, gchar ** content_range)
{
  g_autofree gchar *url = g_strconcat (f->gw.base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GError) err = NULL;
  GBytes *body;

  if (range)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Range", range);
  body = soup_session_send_and_read (f->gw.session, msg, NULL, &err);
  g_assert_no_error (err);
  *status = soup_message_get_status (msg);
  *content_range = g_strdup (soup_message_headers_get_one
      (soup_message_get_response_headers (msg), "Content-Range"));
  return body;
}

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

/* A 2 MB tmpfs fills up: STORAGE_FULL event, RECORDING_FAILED on the
 * API, the camera runs on; space freed: the recording resumes. */
static void
test_full (Fixture * f, gconstpointer data)
{
  g_autoptr (GwReply) a = NULL, again = NULL, list = NULL;
  g_autoptr (JsonObject) failed = NULL, back = NULL;
  JsonObject *error;
  gint64 started0;

  if (!can_mount ())
    return;
  mount_recordings (f, "size=2m", FALSE);
  write_config (f, "", "pattern=snow\nwidth=320\nheight=240\n"
      "ladder=big:320x240@4000\n");
  start_gateway (f);
  started0 = camera_sources_started (f, NULL);
  a = call (f, "POST", RECS, NULL, 201);
  failed = wait_manual (f, "failed", 0);
  error = json_object_get_object_member (failed, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "error_code"), ==,
      "RECORDING_FAILED");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (error, "details"), "cause"), ==, "STORAGE_FULL");
  wait_event (f, "STORAGE_FULL");
  again = call (f, "POST", RECS, NULL, 500);
  g_assert_cmpstr (gw_reply_error_code (again), ==, "RECORDING_FAILED");
  g_assert_cmpint (camera_sources_started (f, NULL), ==, started0);

  rm_rf (f->recdir);            /* space back: it resumes by itself */
  back = wait_manual (f, "recording", 0.5);
  wait_event (f, "STORAGE_FULL");
  g_clear_pointer (&a, gw_reply_free);
  a = call (f, "DELETE", RECS "/current", NULL, 200);
  g_assert_cmpint (camera_sources_started (f, NULL), ==, started0);
  g_assert_cmpuint (decode_all (f, ".mp4"), ==, 1);
}

static void
expect_denied (Fixture * f)
{
  g_autoptr (GwReply) a = call (f, "POST", RECS, NULL, 500);
  g_autoptr (GwReply) st = NULL;

  g_assert_cmpstr (gw_reply_error_code (a), ==, "RECORDING_FAILED");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
          (json_node_get_object (a->json), "details"), "cause"), ==,
      "STORAGE_DENIED");
  wait_event (f, "STORAGE_DENIED");
  camera_sources_started (f, NULL);     /* still running */
}

/* The directory cannot be made (recordings is a file): STORAGE_DENIED. */
static void
test_denied_missing (Fixture * f, gconstpointer data)
{
  g_autofree gchar *root = g_build_filename (f->data, "recordings", NULL);

  g_assert_true (g_file_set_contents (root, "not a directory", -1, NULL));
  write_config (f, "", "");
  start_gateway (f);
  expect_denied (f);
}

/* A read-only mount: STORAGE_DENIED. */
static void
test_denied_read_only (Fixture * f, gconstpointer data)
{
  if (!can_mount ())
    return;
  mount_recordings (f, "size=1m", TRUE);
  write_config (f, "", "");
  start_gateway (f);
  expect_denied (f);
}

/* Names cannot leave the directory: .., encoded dots and slashes,
 * absolute paths, a symlink placed in the directory. */
static void
test_traversal (Fixture * f, gconstpointer data)
{
  const gchar *paths[] = {
    RECS "/..", RECS "/%2e%2e", RECS "/%2e%2e%2fevents.db",
    RECS "/..%2f..%2fevents.db", RECS "/%2fetc%2fpasswd",
    RECS "/%2e%2e%2f%2e%2e%2fgw.conf", RECS "/link.mp4",
    RECS "/.hidden.mp4", RECS "/../../../events.db",
  };
  g_autofree gchar *link = NULL, *target = NULL;
  guint i;

  write_config (f, "", "");
  g_assert_cmpint (g_mkdir_with_parents (f->recdir, 0755), ==, 0);
  link = g_build_filename (f->recdir, "link.mp4", NULL);
  target = g_build_filename (f->tmpdir, "gw.conf", NULL);
  g_assert_cmpint (symlink (target, link), ==, 0);
  start_gateway (f);
  for (i = 0; i < G_N_ELEMENTS (paths); i++) {
    g_autofree gchar *body = NULL;
    guint status = raw_get (f, paths[i], &body);

    g_test_message ("GET %s: %u", paths[i], status);
    g_assert_cmpuint (status, >=, 400);
    g_assert_cmpuint (status, <, 500);
    g_assert_null (strstr (body, "[camera demo]"));
    g_assert_null (strstr (body, "SQLite"));
    g_assert_null (strstr (body, "root:"));
  }
}

/* Continuous recording in 1 s segments, retention by age (3 s): files
 * appear and old ones go; every file left decodes. STORAGE_LOW with a
 * threshold above the free space. */
static void
test_continuous (Fixture * f, gconstpointer data)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);
  gint64 end = g_get_monotonic_time () + GW_TEST_WAIT_MS * 2 * 1000;
  gboolean deleted = FALSE;

  write_config (f, "storage-low-mb=2147483647\n", "record=true\n"
      "record-segment=1\nrecord-max-age=3\n");
  start_gateway (f);
  while (!deleted && iterate_until (end)) {
    g_autoptr (GwReply) r = call (f, "GET", RECS, NULL, 200);
    JsonArray *files = json_object_get_array_member (json_node_get_object
        (r->json), "files");
    g_autoptr (GHashTable) now = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter it;
    gpointer key;
    guint i;

    for (i = 0; i < json_array_get_length (files); i++) {
      const gchar *name = json_object_get_string_member
          (json_array_get_object_element (files, i), "name");

      g_hash_table_add (now, (gpointer) name);
      if (g_str_has_prefix (name, "continuous-"))
        g_hash_table_add (seen, g_strdup (name));
    }
    g_hash_table_iter_init (&it, seen);
    while (g_hash_table_iter_next (&it, &key, NULL)) {
      /* a .partial name becomes NAME.mp4 once finalized */
      g_autofree gchar *final = g_str_has_suffix (key, ".partial.mp4") ?
          g_strdup_printf ("%.*s.mp4", (int) strlen (key) - 12,
          (gchar *) key) : g_strdup (key);

      if (!g_hash_table_contains (now, key)
          && !g_hash_table_contains (now, final))
        deleted = TRUE;
    }
  }
  g_assert_true (deleted);
  g_assert_cmpuint (g_hash_table_size (seen), >=, 3);
  wait_event (f, "STORAGE_LOW");
  g_assert_cmpint (gw_process_stop (&f->gw, SIGTERM, GW_TEST_WAIT_MS), ==, 0);
  g_assert_cmpuint (decode_all (f, ".mp4"), >=, 1);
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

/* A private mount namespace for the tmpfs tests, before any thread. */
static void
enter_mount_namespace (void)
{
  if (unshare (CLONE_NEWNS) != 0)
    no_mount_reason = g_strdup_printf ("needs a private mount namespace "
        "(root): unshare: %s", g_strerror (errno));
  else if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    no_mount_reason = g_strdup_printf ("mounts cannot be made private: %s",
        g_strerror (errno));
}

int
main (int argc, char **argv)
{
  enter_mount_namespace ();
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  gateway_path = argv[1];

#define ADD(name, func) g_test_add ("/recording/" name, Fixture, NULL, \
      setup, func, teardown)
  ADD ("start-stop-download", test_start_stop);
  ADD ("cycles-with-viewers", test_cycles);
  ADD ("sigterm", test_sigterm);
  ADD ("sigkill", test_sigkill);
  ADD ("storage-full", test_full);
  ADD ("denied-missing-dir", test_denied_missing);
  ADD ("denied-read-only", test_denied_read_only);
  ADD ("traversal", test_traversal);
  ADD ("continuous-retention", test_continuous);
  ADD ("rpc", test_rpc);
#undef ADD
  return g_test_run ();
}
