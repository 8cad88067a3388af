/* camguard - retrysrc's uri property: what each URI becomes, run for real
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The descriptions cg_retry_src_uri_to_description() builds are parsed and
 * run against real peers: the fake RTSP camera (H.264 and MJPEG, with basic
 * auth from the URI) and real files with audio and video. The output must be
 * what the rest of camguard takes as is: H.264 parsed with alignment=au,
 * image/jpeg, or raw video. Usage: test-retrysrc-uri FAKE-CAMERA
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <camguard.h>

#include "cgretrysrc-uri.h"
#include "fake-camera-client.h"

#define WAIT_MS 20000

static const gchar *camera_path;

static gchar *
describe (const gchar * uri, gboolean decode)
{
  GError *error = NULL;
  gchar *desc = cg_retry_src_uri_to_description (uri, decode, &error);

  g_assert_no_error (error);
  g_assert_nonnull (desc);
  return desc;
}

/* Each scheme gets its source; every description parses. */
static void
test_table (void)
{
  const struct
  {
    const gchar *uri;
    const gchar *expect;
  } rows[] = {
    {"rtsp://cam:pw@127.0.0.1:8554/stream1",
        "rtspsrc location=\"rtsp://cam:pw@127.0.0.1:8554/stream1\" ! "
          "application/x-rtp,media=video ! decodebin"},
    {"rtsps://127.0.0.1/s", "rtspsrc location=\"rtsps://127.0.0.1/s\""},
    {"rtspt://127.0.0.1/s", "rtspsrc location=\"rtspt://127.0.0.1/s\""},
    {"http://127.0.0.1:8080/video.mjpg",
        "souphttpsrc location=\"http://127.0.0.1:8080/video.mjpg\" "
          "is-live=true do-timestamp=true ! multipartdemux"},
    {"https://127.0.0.1/v.mjpg", "souphttpsrc location=\"https://"},
    {"v4l2:///dev/video7", "v4l2src device=\"/dev/video7\" ! decodebin"},
    {"/dev/video7", "v4l2src device=\"/dev/video7\""},
    {"file:///tmp/clip.mp4", "filesrc location=\"/tmp/clip.mp4\""},
    {"file:///tmp/a%20clip.mp4", "filesrc location=\"/tmp/a clip.mp4\""},
    {"/tmp/clip.mp4", "filesrc location=\"/tmp/clip.mp4\""},
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++) {
    for (gint decode = 0; decode < 2; decode++) {
      gchar *desc = describe (rows[i].uri, decode);
      GError *error = NULL;
      GstElement *bin;

      g_test_message ("%s -> %s", rows[i].uri, desc);
      g_assert_true (g_str_has_prefix (desc, rows[i].expect));
      g_assert_true (strstr (desc, decode ? "caps=\"video/x-raw(ANY)\"" :
              "video/x-h264,parsed=true,alignment=au") != NULL);
      bin = gst_parse_bin_from_description_full (desc, FALSE, NULL,
          GST_PARSE_FLAG_FATAL_ERRORS, &error);
      g_assert_no_error (error);
      gst_object_unref (gst_object_ref_sink (bin));
      g_free (desc);
    }
  }
}

/* What retrysrc cannot use is a VALIDATION_ERROR that names the problem
 * and never shows a password. */
static void
test_invalid (void)
{
  const gchar *bad[] = { "", "ftp://user:hunter2@127.0.0.1/x",
    "not a uri", "v4l2://video0", "file:relative/path", "udp://127.0.0.1:5000",
    NULL
  };

  g_assert_null (cg_retry_src_uri_to_description (NULL, FALSE, NULL));
  for (guint i = 0; bad[i]; i++) {
    GError *error = NULL;

    g_assert_null (cg_retry_src_uri_to_description (bad[i], FALSE, &error));
    g_assert_error (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR);
    g_test_message ("%s: %s", bad[i], error->message);
    g_assert_null (strstr (error->message, "hunter2"));
    g_error_free (error);
  }
}

/* A path with quotes and backslashes survives the description's quoting. */
static void
test_quoting (void)
{
  const gchar *path = "/tmp/a \"quoted\" \\ name.mp4";
  gchar *desc = describe (path, FALSE);
  GError *error = NULL;
  GstElement *bin = gst_parse_bin_from_description_full (desc, FALSE, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &error);
  GstElement *src;
  gchar *location = NULL;

  g_assert_no_error (error);
  gst_object_ref_sink (bin);
  src = gst_bin_get_by_name (GST_BIN (bin), "filesrc0");
  if (src == NULL) {
    GstIterator *it = gst_bin_iterate_sources (GST_BIN (bin));
    GValue v = G_VALUE_INIT;

    g_assert_cmpint (gst_iterator_next (it, &v), ==, GST_ITERATOR_OK);
    src = g_value_dup_object (&v);
    g_value_unset (&v);
    gst_iterator_free (it);
  }
  g_object_get (src, "location", &location, NULL);
  g_assert_cmpstr (location, ==, path);
  g_free (location);
  gst_object_unref (src);
  gst_object_unref (bin);
  g_free (desc);
}

/* Runs @desc ! fakesink until @buffers buffers arrived; returns the caps. */
static GstCaps *
run_description (const gchar * desc, guint buffers)
{
  gchar *full = g_strdup_printf ("%s ! fakesink name=out num-buffers=%u",
      desc, buffers);
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (full, &error);
  GstElement *sink;
  GstBus *bus;
  GstMessage *msg;
  GstPad *pad;
  GstCaps *caps;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, WAIT_MS * GST_MSECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    g_error ("%s: %s (%s)", full, err->message, dbg);
  }
  gst_message_unref (msg);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  pad = gst_element_get_static_pad (sink, "sink");
  caps = gst_pad_get_current_caps (pad);
  g_assert_nonnull (caps);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (full);
  return caps;
}

static void
assert_caps (GstCaps * caps, const gchar * name, const gchar * alignment)
{
  GstStructure *s = gst_caps_get_structure (caps, 0);

  g_test_message ("caps: %" GST_PTR_FORMAT, caps);
  g_assert_cmpstr (gst_structure_get_name (s), ==, name);
  if (alignment)
    g_assert_cmpstr (gst_structure_get_string (s, "alignment"), ==, alignment);
  gst_caps_unref (caps);
}

/* The fake camera with basic auth, the credentials only in the URI. */
static void
test_rtsp (gconstpointer data)
{
  const gchar *codec = data;
  const gchar *extra[] = { "--codec", codec, "--auth", "basic", NULL };
  CgFakeCamera cam = { 0 };
  GError *error = NULL;
  gchar *uri, *desc;

  g_assert_true (cg_fake_camera_start (&cam, camera_path, extra, WAIT_MS,
          &error));
  g_assert_no_error (error);
  uri = g_strdup_printf ("rtsp://cam:secret@127.0.0.1:%d/cam", cam.port);

  desc = describe (uri, FALSE);
  if (g_str_equal (codec, "h264"))
    assert_caps (run_description (desc, 30), "video/x-h264", "au");
  else
    assert_caps (run_description (desc, 30), "image/jpeg", NULL);
  g_free (desc);

  desc = describe (uri, TRUE);
  assert_caps (run_description (desc, 10), "video/x-raw", NULL);
  g_free (desc);

  g_assert_true (cg_fake_camera_stop (&cam, WAIT_MS));
  g_free (uri);
}

/* A file with audio first and video second: the video stream comes out,
 * parsed; VP8 comes out decoded. */
static void
test_file (void)
{
  GError *error = NULL;
  gchar *dir = g_dir_make_tmp ("retrysrc-uri-XXXXXX", &error);
  gchar *mp4 = g_build_filename (dir, "clip with audio.mp4", NULL);
  gchar *webm = g_build_filename (dir, "clip.webm", NULL);
  gchar *make, *uri, *desc;
  GstElement *p;
  GstMessage *msg;

  g_assert_no_error (error);
  make = g_strdup_printf ("audiotestsrc num-buffers=40 ! avenc_aac ! "
      "m.audio_0 videotestsrc num-buffers=30 ! video/x-raw,width=160,"
      "height=120 ! x264enc ! m.video_0 mp4mux name=m ! filesink "
      "location=\"%s\" videotestsrc num-buffers=30 ! video/x-raw,width=160,"
      "height=120 ! vp8enc ! webmmux ! filesink location=\"%s\"", mp4, webm);
  p = gst_parse_launch (make, &error);
  g_assert_no_error (error);
  gst_element_set_state (p, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (p), WAIT_MS *
      GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);

  uri = gst_filename_to_uri (mp4, &error);
  g_assert_no_error (error);
  desc = describe (uri, FALSE);
  assert_caps (run_description (desc, 10), "video/x-h264", "au");
  g_free (desc);
  desc = describe (mp4, TRUE);
  assert_caps (run_description (desc, 10), "video/x-raw", NULL);
  g_free (desc);
  g_free (uri);
  desc = describe (webm, FALSE);
  assert_caps (run_description (desc, 10), "video/x-raw", NULL);
  g_free (desc);

  g_unlink (mp4);
  g_unlink (webm);
  g_rmdir (dir);
  g_free (make);
  g_free (mp4);
  g_free (webm);
  g_free (dir);
}

/* Waits (bounded) for a `camguard-retry` message with @event. */
static gboolean
wait_retry_event (GstBus * bus, const gchar * event)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    const GstStructure *st;
    gboolean found = FALSE;

    if (m == NULL)
      continue;
    g_assert_cmpint (GST_MESSAGE_TYPE (m), !=, GST_MESSAGE_ERROR);
    st = gst_message_get_structure (m);
    if (gst_structure_has_name (st, "camguard-retry")) {
      g_test_message ("camguard-retry %s",
          gst_structure_get_string (st, "event"));
      found = g_str_equal (gst_structure_get_string (st, "event"), event);
    }
    gst_message_unref (m);
    if (found)
      return TRUE;
  }
  return FALSE;
}

/* A JPEG from the snapshottap behind retrysrc, within a bounded wait (the
 * first frames may not have arrived yet). */
static void
assert_snapshot (GstElement * tap)
{
  GError *error = NULL;
  GstSample *sample = NULL;

  for (guint i = 0; i < 200 && sample == NULL; i++) {
    sample = cg_snapshot_request (tap, "image/jpeg", 0, 0, 0, &error);
    if (sample == NULL) {
      g_clear_error (&error);
      g_usleep (50 * 1000);
    }
  }
  g_assert_nonnull (sample);
  g_assert_cmpuint (gst_buffer_get_size (gst_sample_get_buffer (sample)), >,
      100);
  gst_sample_unref (sample);
}

/* retrysrc with uri= in front of a snapshottap, as the gateway will run a
 * camera: pictures come, the camera reboots, pictures come again. */
static void
test_element_fake_camera (void)
{
  const gchar *extra[] = { "--auth", "basic", NULL };
  CgFakeCamera cam = { 0 };
  GError *error = NULL;
  gchar *desc, *answer;
  GstElement *p, *tap;
  GstBus *bus;

  g_assert_true (cg_fake_camera_start (&cam, camera_path, extra, WAIT_MS,
          &error));
  desc = g_strdup_printf ("retrysrc uri=rtsp://cam:secret@127.0.0.1:%d/cam "
      "initial-delay=100000000 max-delay=500000000 ! snapshottap name=t ! "
      "fakesink", cam.port);
  p = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  tap = gst_bin_get_by_name (GST_BIN (p), "t");
  bus = gst_element_get_bus (p);
  g_assert_cmpint (gst_element_set_state (p, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  assert_snapshot (tap);

  answer = cg_fake_camera_command (&cam, "die 1", WAIT_MS, &error);
  g_assert_no_error (error);
  g_free (answer);
  g_assert_true (wait_retry_event (bus, "retrying"));
  g_assert_true (wait_retry_event (bus, "recovered"));
  assert_snapshot (tap);

  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (tap);
  gst_object_unref (p);
  g_free (desc);
  g_assert_true (cg_fake_camera_stop (&cam, WAIT_MS));
}

/* A uri retrysrc cannot use fails the start with a VALIDATION_ERROR. */
static void
test_element_invalid (void)
{
  GstElement *e = gst_element_factory_make ("retrysrc", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *m;
  CgCode code;

  g_object_set (e, "uri", "ftp://user:hunter2@127.0.0.1/x", NULL);
  gst_element_set_bus (e, bus);
  g_assert_cmpint (gst_element_set_state (e, GST_STATE_READY), ==,
      GST_STATE_CHANGE_FAILURE);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_assert_nonnull (m);
  g_assert_true (cg_message_get_code (m, &code));
  g_assert_cmpint (code, ==, CG_CODE_VALIDATION_ERROR);
  gst_message_unref (m);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_object_unref (e);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: %s FAKE-CAMERA", argv[0]);
  camera_path = argv[1];
  g_test_add_func ("/retrysrc-uri/table", test_table);
  g_test_add_func ("/retrysrc-uri/invalid", test_invalid);
  g_test_add_func ("/retrysrc-uri/quoting", test_quoting);
  g_test_add_data_func ("/retrysrc-uri/rtsp/h264", "h264", test_rtsp);
  g_test_add_data_func ("/retrysrc-uri/rtsp/mjpeg", "mjpeg", test_rtsp);
  g_test_add_func ("/retrysrc-uri/file", test_file);
  g_test_add_func ("/retrysrc-uri/element/fake-camera",
      test_element_fake_camera);
  g_test_add_func ("/retrysrc-uri/element/invalid", test_element_invalid);
  return g_test_run ();
}
