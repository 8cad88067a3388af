/* camguard-gateway - camera specs to pipelines, run for real
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A test camera encoded by qualityladder (frames reach the tee as
 * constrained-baseline H.264, a snapshot comes from snapshottap), an RTSP
 * camera (the fake camera of tests/tools) passed through without any
 * encoder, an MJPEG camera over HTTP (ffmpeg, when installed) decoded and
 * encoded once, and the construction of every other type.
 * Usage (meson passes it): test-gw-pipeline FAKE-CAMERA
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include "fake-camera-client.h"
#include "third-party-server.h"
#include "gw-pipeline.h"

#define WAIT_MS 15000

static const gchar *camera_path;

typedef struct
{
  gint frames;                  /* atomic */
  gint target;
  gboolean done;                /* main context */
  GstCaps *caps;                /* main context */
} Counter;

static gboolean
counted (gpointer data)
{
  Counter *c = data;

  c->done = TRUE;
  return G_SOURCE_REMOVE;
}

static GstPadProbeReturn
count (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Counter *c = data;

  if (g_atomic_int_add (&c->frames, 1) + 1 == c->target)
    g_main_context_invoke (NULL, counted, c);
  return GST_PAD_PROBE_OK;
}

/* Plays @p until @n frames went into the tee; returns the tee's caps. */
static GstCaps *
run_frames (GwPipeline * p, gint n)
{
  Counter c = { 0, n, FALSE, NULL };
  GstPad *pad = gst_element_get_static_pad (p->tee, "sink");
  gulong id = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count, &c,
      NULL);

  g_assert_cmpint (gst_element_set_state (p->pipeline, GST_STATE_PLAYING),
      !=, GST_STATE_CHANGE_FAILURE);
  g_assert_true (cg_iterate_until (&c.done, WAIT_MS));
  gst_pad_remove_probe (pad, id);
  c.caps = gst_pad_get_current_caps (pad);
  gst_object_unref (pad);
  g_assert_nonnull (c.caps);
  return c.caps;
}

static void
assert_jpeg_snapshot (GwPipeline * p)
{
  g_autoptr (GError) err = NULL;
  GstSample *sample = cg_snapshot_request (p->snapshot, "image/jpeg", 0, 0,
      0, &err);
  GstMapInfo map;
  GstBuffer *buf;

  g_assert_no_error (err);
  g_assert_nonnull (sample);
  buf = gst_sample_get_buffer (sample);
  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_assert_cmpuint (map.size, >, 100);
  g_assert_cmpuint (map.data[0], ==, 0xff);
  g_assert_cmpuint (map.data[1], ==, 0xd8);
  gst_buffer_unmap (buf, &map);
  gst_sample_unref (sample);
}

/* How many elements in @bin (recursively, bins such as qualityladder
 * not counted themselves) have @klass_part in their klass. */
static guint
count_klass (GstBin * bin, const gchar * klass_part)
{
  GstIterator *it = gst_bin_iterate_recurse (bin);
  GValue item = G_VALUE_INIT;
  guint n = 0;

  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&item);
    const gchar *klass = gst_element_get_metadata (e,
        GST_ELEMENT_METADATA_KLASS);

    if (klass && strstr (klass, klass_part) && !GST_IS_BIN (e))
      n++;
    g_value_reset (&item);
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  return n;
}

/* Builds and plays @spec until @frames went into the tee, takes a
 * snapshot, stops; returns the tee's caps and counts the encoders. */
static GstCaps *
play_camera (const GwCameraSpec * spec, gint frames, guint * n_encoders)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GwPipeline) p = gw_pipeline_build (spec, &err);
  GstCaps *caps;

  g_assert_no_error (err);
  g_assert_true ((p->ladder != NULL) == gw_camera_type_is_raw (spec));
  caps = run_frames (p, frames);
  *n_encoders = count_klass (GST_BIN (p->pipeline), "Encoder");
  assert_jpeg_snapshot (p);
  g_assert_cmpint (gst_element_set_state (p->pipeline, GST_STATE_NULL), ==,
      GST_STATE_CHANGE_SUCCESS);
  return caps;
}

static void
assert_baseline_h264 (GstCaps * caps)
{
  GstStructure *s = gst_caps_get_structure (caps, 0);

  g_assert_cmpstr (gst_structure_get_name (s), ==, "video/x-h264");
  g_assert_cmpstr (gst_structure_get_string (s, "profile"), ==,
      "constrained-baseline");
}

static void
test_test_camera (void)
{
  g_autoptr (GwCameraSpec) spec = gw_camera_spec_new ("demo", GW_CAMERA_TEST);
  g_autoptr (GwPipeline) p = NULL;
  g_autoptr (GstCaps) caps = NULL;
  g_autofree gchar *desc = NULL;
  GstElement *tee;
  guint encoders;

  spec->width = 320;
  spec->height = 240;
  spec->fps_n = 30;
  spec->ladder = g_strdup ("240p:400,120p:150");
  p = gw_pipeline_build (spec, NULL);
  g_object_get (p->source, "source-description", &desc, NULL);
  g_assert_cmpstr (desc, ==, "videotestsrc is-live=true pattern=smpte "
      "! video/x-raw,width=320,height=240,framerate=30/1");
  tee = gst_bin_get_by_name (GST_BIN (p->pipeline), "outputs");
  g_assert_true (tee == p->tee);
  gst_object_unref (tee);
  /* encoded once, by qualityladder */
  caps = play_camera (spec, 15, &encoders);
  assert_baseline_h264 (caps);
  g_assert_cmpuint (encoders, ==, 1);
}

static void
test_rtsp_passthrough (void)
{
  CgFakeCamera cam = { 0 };
  g_autoptr (GwCameraSpec) spec = gw_camera_spec_new ("door", GW_CAMERA_RTSP);
  g_autoptr (GError) err = NULL;
  g_autoptr (GstCaps) caps = NULL;
  guint encoders;

  g_assert_true (cg_fake_camera_start (&cam, camera_path, NULL, WAIT_MS, &err));
  g_assert_no_error (err);
  spec->uri = g_strdup (cam.url);
  caps = play_camera (spec, 20, &encoders);
  g_assert_cmpstr (gst_structure_get_name (gst_caps_get_structure (caps, 0)),
      ==, "video/x-h264");
  /* passed through: the camera's H.264 is not re-encoded */
  g_assert_cmpuint (encoders, ==, 0);
  g_assert_true (cg_fake_camera_stop (&cam, WAIT_MS));
}

/* MJPEG over HTTP from a real ffmpeg: decoded, encoded once. */
static void
test_http_camera (void)
{
  CgServer server = { 0 };
  g_autoptr (GwCameraSpec) spec = gw_camera_spec_new ("gate", GW_CAMERA_HTTP);
  g_autoptr (GError) err = NULL;
  g_autoptr (GstCaps) caps = NULL;
  g_autofree gchar *reason = NULL;
  guint encoders;

  if (!cg_server_available (CG_SERVER_FFMPEG_MJPEG, &reason)) {
    g_test_skip (reason);
    return;
  }
  if (!cg_server_start_ffmpeg_mjpeg (&server, 0, WAIT_MS, &err)) {
    g_autofree gchar *log = cg_server_log_tail (&server, 4000);

    g_error ("ffmpeg: %s\n%s", err->message, log);
  }
  spec->uri = g_strdup (server.url);
  caps = play_camera (spec, 10, &encoders);
  assert_baseline_h264 (caps);
  g_assert_cmpuint (encoders, ==, 1);
  cg_server_clear (&server);
}

static gchar *
source_string (GwPipeline * p, const gchar * property)
{
  gchar *v = NULL;

  g_object_get (p->source, property, &v, NULL);
  return v;
}

static void
test_build_each_type (void)
{
  g_autoptr (GwCameraSpec) v4l2 = gw_camera_spec_new ("desk", GW_CAMERA_V4L2);
  g_autoptr (GwCameraSpec) http = gw_camera_spec_new ("gate", GW_CAMERA_HTTP);
  g_autoptr (GwCameraSpec) rtsp = gw_camera_spec_new ("door", GW_CAMERA_RTSP);
  g_autoptr (GwCameraSpec) raw = gw_camera_spec_new ("raw", GW_CAMERA_PIPELINE);
  GwPipeline *p;
  gchar *v;
  gboolean decode;
  guint attempts;

  p = gw_pipeline_build (v4l2, NULL);
  v = source_string (p, "uri");
  g_assert_cmpstr (v, ==, "/dev/video0");
  g_free (v);
  g_assert_nonnull (p->ladder);
  gw_pipeline_free (p);

  v4l2->width = 1280;
  v4l2->height = 720;
  v4l2->format = g_strdup ("MJPG");
  p = gw_pipeline_build (v4l2, NULL);
  v = source_string (p, "source-description");
  g_assert_cmpstr (v, ==, "v4l2src device=/dev/video0 ! image/jpeg,"
      "width=1280,height=720 ! jpegdec");
  g_free (v);
  gw_pipeline_free (p);

  http->uri = g_strdup ("http://127.0.0.1:1/video.mjpg");
  p = gw_pipeline_build (http, NULL);
  g_object_get (p->source, "decode", &decode, NULL);
  g_assert_true (decode);
  g_assert_nonnull (p->ladder);
  gw_pipeline_free (p);

  rtsp->uri = g_strdup ("rtsp://u:p@127.0.0.1:1/s");
  rtsp->retry_max_attempts = 3;
  g_free (rtsp->transport);
  rtsp->transport = g_strdup ("tcp");
  p = gw_pipeline_build (rtsp, NULL);
  v = source_string (p, "uri");
  g_assert_cmpstr (v, ==, "rtspt://u:p@127.0.0.1:1/s");
  g_free (v);
  g_object_get (p->source, "max-attempts", &attempts, NULL);
  g_assert_cmpuint (attempts, ==, 3);
  g_assert_null (p->ladder);
  gw_pipeline_free (p);

  raw->description = g_strdup ("videotestsrc ! videoconvert");
  p = gw_pipeline_build (raw, NULL);
  g_assert_nonnull (p->ladder);
  gw_pipeline_free (p);
  raw->encoded = TRUE;
  p = gw_pipeline_build (raw, NULL);
  g_assert_null (p->ladder);
  gw_pipeline_free (p);
}

int
main (int argc, char **argv)
{
  gst_init (NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  camera_path = argv[1];
  g_test_add_func ("/gw/pipeline/test-camera", test_test_camera);
  g_test_add_func ("/gw/pipeline/rtsp-passthrough", test_rtsp_passthrough);
  g_test_add_func ("/gw/pipeline/http-camera", test_http_camera);
  g_test_add_func ("/gw/pipeline/each-type", test_build_each_type);
  return g_test_run ();
}
