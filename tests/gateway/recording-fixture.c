/* camguard-gateway tests - the recordings tests' fixture: a gateway with
 * a test camera, requests, polling, decoding, private mounts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define _GNU_SOURCE             /* unshare */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <glib/gstdio.h>

#include "recording-fixture.h"

const gchar *gateway_path;
gchar *no_mount_reason;


/* ------------------------------------------------------------------ */
/* helpers                                                              */

void
write_config (Fixture * f, const gchar * gateway_extra,
    const gchar * camera_extra)
{
  g_autofree gchar *text = g_strdup_printf ("[gateway]\nlisten=127.0.0.1\n"
      "port=0\nrtsp-port=0\nauth=%s\ndata-dir=%s\n%s\n"
      "[camera demo]\ntype=test\npattern=ball\nwidth=160\nheight=120\n"
      "framerate=15/1\n%s\n", f->auth ? "true" : "false", f->data,
      gateway_extra, camera_extra);

  g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
}

void
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

void
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

void
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

gboolean
can_mount (void)
{
  if (no_mount_reason == NULL)
    return TRUE;
  g_test_skip (no_mount_reason);
  return FALSE;
}

/* A tmpfs at data/recordings: @options "size=2m" or "ro,size=1m". */
void
mount_recordings (Fixture * f, const gchar * options, gboolean read_only)
{
  g_autofree gchar *root = g_build_filename (f->data, "recordings", NULL);

  g_assert_cmpint (g_mkdir_with_parents (root, 0755), ==, 0);
  if (mount ("tmpfs", root, "tmpfs", read_only ? MS_RDONLY : 0, options) != 0)
    g_error ("mount tmpfs on %s: %s", root, g_strerror (errno));
  f->mounted = TRUE;
}

GwReply *
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

JsonObject *
manual_of (GwReply * r)
{
  JsonObject *o = json_node_get_object (r->json);

  return json_object_get_object_member (json_object_get_object_member (o,
          "recording"), "manual");
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

/* One iteration of the default context, which also wakes up after 50 ms
 * (what is waited for may be counted on a streaming thread, which does
 * not wake the context); FALSE once @end has passed. */
gboolean
iterate_until (gint64 end)
{
  GSource *tick = g_timeout_source_new (50);

  g_source_set_callback (tick, tick_cb, NULL, NULL);
  g_source_attach (tick, NULL);
  g_main_context_iteration (NULL, TRUE);
  g_source_destroy (tick);
  g_source_unref (tick);
  return g_get_monotonic_time () < end;
}

/* Polls the listing until the manual recording's state is @state (and its
 * current file has at least @duration seconds in its header). */
JsonObject *
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
guint
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
guint
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
gint64
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
void
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

void
start_gateway (Fixture * f)
{
  gw_process_start (&f->gw, gateway_path, f->config);
}

/* Raw GET with the path exactly as given (no client normalization). */
guint
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

GBytes *
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

/* A private mount namespace for the tmpfs tests, before any thread. */
void
enter_mount_namespace (void)
{
  if (unshare (CLONE_NEWNS) != 0)
    no_mount_reason = g_strdup_printf ("needs a private mount namespace "
        "(root): unshare: %s", g_strerror (errno));
  else if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    no_mount_reason = g_strdup_printf ("mounts cannot be made private: %s",
        g_strerror (errno));
}
