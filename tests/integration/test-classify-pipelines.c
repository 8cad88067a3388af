/* camguard - the classifier on real elements in real pipelines
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each case builds a pipeline that fails the way it fails in the field, runs
 * it until its bus reports the failure (bounded waits, no sleeps), and
 * pushes every message through a CgClassifier.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <camguard.h>

#include "third-party-server.h"

typedef struct
{
  CgError *cause;
  GPtrArray *secondary;         /* CgError* */
  GPtrArray *all;               /* CgError* */
} Outcome;

static void
outcome_clear (Outcome * o)
{
  g_clear_pointer (&o->cause, cg_error_unref);
  g_ptr_array_unref (o->secondary);
  g_ptr_array_unref (o->all);
}

/* Runs @description until an ERROR (then drains what follows for a short
 * while) or EOS, and classifies every message. */
static void
run_element (GstElement * p, Outcome * o)
{
  GstBus *bus;
  CgClassifier *c = cg_classifier_new ();
  gboolean failed = FALSE;
  GstClockTime wait = 20 * GST_SECOND;

  o->secondary = g_ptr_array_new_with_free_func ((GDestroyNotify)
      cg_error_unref);
  o->all = g_ptr_array_new_with_free_func ((GDestroyNotify) cg_error_unref);
  bus = gst_element_get_bus (p);
  gst_element_set_state (p, GST_STATE_PLAYING);
  for (;;) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, wait,
        GST_MESSAGE_ERROR | GST_MESSAGE_WARNING | GST_MESSAGE_EOS |
        GST_MESSAGE_ELEMENT | GST_MESSAGE_QOS);
    CgError *e;

    if (m == NULL)
      break;
    e = cg_classifier_push (c, m);
    if (e) {
      g_test_message ("%s from %s: %s%s", GST_MESSAGE_TYPE_NAME (m),
          cg_error_get_source_path (e), cg_error_get_code_name (e),
          cg_error_is_secondary (e) ? " (secondary)" : "");
      g_ptr_array_add (o->all, cg_error_ref (e));
      if (cg_error_is_secondary (e))
        g_ptr_array_add (o->secondary, e);
      else
        cg_error_unref (e);
    }
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR && !failed) {
      failed = TRUE;
      /* collect the cascade that follows the first error */
      wait = GST_SECOND;
    }
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS) {
      gst_message_unref (m);
      break;
    }
    gst_message_unref (m);
  }
  o->cause = cg_classifier_get_cause (c);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (p);
  g_object_unref (c);
}

static void
run_pipeline (const gchar * description, Outcome * o)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch (description, &err);

  g_assert_no_error (err);
  run_element (p, o);
}

static void
assert_cause (Outcome * o, CgCode code, const gchar * factory)
{
  g_assert_nonnull (o->cause);
  if (cg_error_get_code (o->cause) != code)
    g_error ("cause %s from %s, expected %s", cg_error_get_code_name
        (o->cause), cg_error_get_source_path (o->cause),
        cg_code_to_name (code));
  if (factory)
    g_assert_cmpstr (cg_error_get_factory (o->cause), ==, factory);
}

static void
test_v4l2_missing_device (void)
{
  Outcome o;

  run_pipeline ("v4l2src device=/dev/camguard-no-such-video ! fakesink", &o);
  assert_cause (&o, CG_CODE_DEVICE_NOT_FOUND, "v4l2src");
  g_assert_cmpstr (cg_error_get_gst_code (o.cause), ==, "not-found");
  outcome_clear (&o);
}

static void
test_rtsp_closed_port (void)
{
  Outcome o;
  gchar *desc = g_strdup_printf ("rtspsrc location=rtsp://camguard:secret@"
      "127.0.0.1:%u/cam ! fakesink", cg_free_tcp_port ());

  run_pipeline (desc, &o);
  assert_cause (&o, CG_CODE_CAMERA_UNREACHABLE, "rtspsrc");
  /* the credentials in the URI never reach the report */
  g_assert_null (strstr (cg_error_get_debug (o.cause), "secret"));
  outcome_clear (&o);
  g_free (desc);
}

/* souphttpsrc (is-live, as for a camera) to a closed port posts no
 * RESOURCE error, only basesrc's internal flow error: that is the camera
 * being unreachable, retryable (issue 14 item 7). */
static void
test_http_closed_port (void)
{
  Outcome o;
  gchar *desc = g_strdup_printf ("souphttpsrc is-live=true "
      "location=http://127.0.0.1:%u/video.mjpg ! multipartdemux "
      "! fakesink", cg_free_tcp_port ());
  gint flow = 0;

  run_pipeline (desc, &o);
  assert_cause (&o, CG_CODE_CAMERA_UNREACHABLE, "souphttpsrc");
  g_assert_cmpstr (cg_error_get_gst_code (o.cause), ==, "failed");
  g_assert_true (gst_structure_get_int (cg_error_get_details (o.cause),
          "flow-return", &flow));
  g_assert_cmpint (flow, ==, GST_FLOW_ERROR);
  g_assert_true (cg_error_is_retryable (o.cause));
  outcome_clear (&o);
  g_free (desc);
}

/* VLC's RTSP server answers SETUP over TCP with 461 Unsupported transport;
 * rtspsrc posts STREAM/CODEC_NOT_FOUND without a status code. The camera
 * refuses the transport: UNSUPPORTED_FORMAT naming it, not a missing
 * plugin (issue 14 item 9). */
static void
test_rtsp_unsupported_transport (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *reason = NULL;
  CgServer vlc = { 0 };
  Outcome o;
  gchar *desc;

  if (!cg_server_available (CG_SERVER_VLC_RTSP, &reason)) {
    g_test_skip (reason);
    return;
  }
  if (!cg_server_start_vlc_rtsp (&vlc, cg_server_vlc_media (), 0, 15000,
          &error)) {
    g_autofree gchar *log = cg_server_log_tail (&vlc, 4000);

    g_test_message ("cvlc log:\n%s", log);
    g_error ("cvlc: %s", error->message);
  }
  desc = g_strdup_printf ("rtspsrc location=%s protocols=tcp ! fakesink",
      vlc.url);
  run_pipeline (desc, &o);
  assert_cause (&o, CG_CODE_UNSUPPORTED_FORMAT, "rtspsrc");
  g_assert_cmpstr (cg_error_get_gst_domain (o.cause), ==,
      g_quark_to_string (GST_STREAM_ERROR));
  g_assert_cmpstr (cg_error_get_gst_code (o.cause), ==, "codec-not-found");
  g_assert_cmpstr (gst_structure_get_string (cg_error_get_details (o.cause),
          "transport"), ==, "tcp");
  g_assert_false (cg_error_is_retryable (o.cause));
  outcome_clear (&o);
  g_free (desc);
  cg_server_clear (&vlc);
}

static void
test_filesink_missing_directory (void)
{
  Outcome o;
  gchar *dir = g_dir_make_tmp ("camguard-XXXXXX", NULL);
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=3 ! filesink "
      "location=%s/no-such-directory/rec.raw", dir);

  run_pipeline (desc, &o);
  assert_cause (&o, CG_CODE_STORAGE_DENIED, "filesink");
  outcome_clear (&o);
  g_rmdir (dir);
  g_free (desc);
  g_free (dir);
}

static void
test_caps_mismatch (void)
{
  Outcome o;

  GError *err = NULL;
  GstElement *p = gst_parse_launch ("videotestsrc num-buffers=3 "
      "! capsfilter caps=video/x-raw,format=I420 "
      "! capsfilter name=late ! fakesink", &err);
  GstElement *late;
  GstCaps *caps = gst_caps_from_string ("video/x-raw,format=RGB");

  /* linked already: the caps only clash when the stream negotiates */
  g_assert_no_error (err);
  late = gst_bin_get_by_name (GST_BIN (p), "late");
  g_object_set (late, "caps", caps, NULL);
  gst_caps_unref (caps);
  gst_object_unref (late);
  run_element (p, &o);
  assert_cause (&o, CG_CODE_UNSUPPORTED_FORMAT, NULL);
  outcome_clear (&o);
}

/* A demuxer fed garbage fails; the flow error that follows from the
 * demuxer's streaming thread is secondary and does not replace the cause. */
static void
test_cascade (void)
{
  Outcome o;
  gchar *path = g_build_filename (g_get_tmp_dir (), "camguard-garbage.mp4",
      NULL);
  guint8 data[16384];
  GRand *rand = g_rand_new_with_seed (42);
  guint i;
  gchar *desc;

  /* an ISO-BMFF-looking header, then garbage */
  for (i = 0; i < sizeof (data); i++)
    data[i] = g_rand_int_range (rand, 0, 256);
  memcpy (data, "\0\0\0\x18" "ftypisom\0\0\0\0isommp41", 24);
  g_assert_true (g_file_set_contents (path, (const gchar *) data,
          sizeof (data), NULL));
  desc = g_strdup_printf ("filesrc location=%s ! qtdemux ! fakesink", path);
  run_pipeline (desc, &o);
  g_assert_nonnull (o.cause);
  g_assert_cmpstr (cg_error_get_factory (o.cause), ==, "qtdemux");
  g_assert_true (cg_error_get_code (o.cause) == CG_CODE_UNSUPPORTED_FORMAT
      || cg_error_get_code (o.cause) == CG_CODE_MEDIA_PROCESSING_FAILED);
  g_assert_cmpuint (o.secondary->len, >=, 1);
  for (i = 0; i < o.secondary->len; i++) {
    CgError *s = g_ptr_array_index (o.secondary, i);

    g_assert_cmpstr (gst_structure_get_string (cg_error_get_details (s),
            "cause-code"), ==, cg_error_get_code_name (o.cause));
  }
  outcome_clear (&o);
  g_unlink (path);
  g_free (path);
  g_free (desc);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/classify-pipelines/v4l2-missing-device",
      test_v4l2_missing_device);
  g_test_add_func ("/classify-pipelines/rtsp-closed-port",
      test_rtsp_closed_port);
  g_test_add_func ("/classify-pipelines/http-closed-port",
      test_http_closed_port);
  g_test_add_func ("/classify-pipelines/rtsp-unsupported-transport",
      test_rtsp_unsupported_transport);
  g_test_add_func ("/classify-pipelines/filesink-missing-directory",
      test_filesink_missing_directory);
  g_test_add_func ("/classify-pipelines/caps-mismatch", test_caps_mismatch);
  g_test_add_func ("/classify-pipelines/cascade", test_cascade);
  return g_test_run ();
}
