/* camguard - classifier tests: roles (from the element, its ancestors, a
 * camera source's insides), details, messages that are not failures,
 * element messages and parse errors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>
#include <camguard.h>

#include "classifier-harness.h"

static void
test_roles (void)
{
  static const struct
  {
    const gchar *factory;
    CgRole role;
  } cases[] = {
    {"rtspsrc", CG_ROLE_NETWORK_SOURCE},
    {"souphttpsrc", CG_ROLE_NETWORK_SOURCE},
    {"udpsrc", CG_ROLE_NETWORK_SOURCE},
    {"v4l2src", CG_ROLE_DEVICE_SOURCE},
    {"filesrc", CG_ROLE_FILE_SOURCE},
    {"videotestsrc", CG_ROLE_OTHER_SOURCE},
    {"filesink", CG_ROLE_STORAGE_SINK},
    {"fakesink", CG_ROLE_OTHER_SINK},
    {"h264parse", CG_ROLE_CODEC},
    {"rtph264depay", CG_ROLE_CODEC},
    {"identity", CG_ROLE_OTHER},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstElement *e = gst_element_factory_make (cases[i].factory, NULL);
    GstPad *pad;

    if (e == NULL)
      continue;
    gst_object_ref_sink (e);
    if (cg_classify_role (GST_OBJECT (e)) != cases[i].role)
      g_error ("%s: role %d, expected %d", cases[i].factory,
          cg_classify_role (GST_OBJECT (e)), cases[i].role);
    /* a pad of the element has the element's role */
    pad = gst_element_get_static_pad (e, "src");
    if (pad == NULL)
      pad = gst_element_get_static_pad (e, "sink");
    if (pad) {
      g_assert_cmpint (cg_classify_role (GST_OBJECT (pad)), ==, cases[i].role);
      gst_object_unref (pad);
    }
    gst_object_unref (e);
  }
}

/* Elements without a role of their own take it from their ancestors. */
static void
test_role_from_ancestors (void)
{
  GstElement *mux = gst_element_factory_make ("splitmuxsink", NULL);
  GstElement *bin = gst_bin_new ("inner");
  GstElement *id = gst_element_factory_make ("identity", NULL);
  GstElement *parse = gst_element_factory_make ("h264parse", NULL);
  GstMessage *m;
  CgError *err;

  g_assert_nonnull (mux);
  gst_object_ref_sink (mux);
  gst_bin_add (GST_BIN (bin), id);
  gst_bin_add (GST_BIN (bin), parse);
  gst_bin_add (GST_BIN (mux), bin);

  g_assert_cmpint (cg_classify_role (GST_OBJECT (id)), ==,
      CG_ROLE_STORAGE_SINK);
  /* an element with a role of its own keeps it */
  g_assert_cmpint (cg_classify_role (GST_OBJECT (parse)), ==, CG_ROLE_CODEC);

  m = make_message (GST_MESSAGE_ERROR, id, GST_STREAM_ERROR,
      GST_STREAM_ERROR_FAILED, NULL);
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_RECORDING_FAILED);
  g_assert_nonnull (strstr (cg_error_get_source_path (err),
          "/GstBin:inner/GstIdentity:"));
  cg_error_unref (err);
  gst_message_unref (m);

  m = make_message (GST_MESSAGE_ERROR, id, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_WRITE, NULL);
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_STORAGE_IO);
  cg_error_unref (err);
  gst_message_unref (m);
  gst_object_unref (mux);
}

/* Elements inside a camera source (rtspsrc's rtpbin, its jitter buffers)
 * are part of the camera: their flow error is the camera's. */
static void
test_role_inside_camera_source (void)
{
  GstElement *rtsp = gst_element_factory_make ("rtspsrc", NULL);
  GstElement *bin = gst_bin_new ("manager");
  GstElement *id = gst_element_factory_make ("identity", NULL);
  GstElement *parse = gst_element_factory_make ("h264parse", NULL);
  GstMessage *m;
  CgError *err;

  gst_object_ref_sink (rtsp);
  gst_bin_add (GST_BIN (bin), id);
  gst_bin_add (GST_BIN (bin), parse);
  gst_bin_add (GST_BIN (rtsp), bin);

  g_assert_cmpint (cg_classify_role (GST_OBJECT (id)), ==,
      CG_ROLE_NETWORK_SOURCE);
  g_assert_cmpint (cg_classify_role (GST_OBJECT (bin)), ==,
      CG_ROLE_NETWORK_SOURCE);
  /* an element with a role of its own keeps it */
  g_assert_cmpint (cg_classify_role (GST_OBJECT (parse)), ==, CG_ROLE_CODEC);

  m = make_message (GST_MESSAGE_ERROR, id, GST_STREAM_ERROR,
      GST_STREAM_ERROR_FAILED, "details, flow-return=(int)-5");
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_CAMERA_UNREACHABLE);
  g_assert_true (cg_error_is_retryable (err));
  cg_error_unref (err);
  gst_message_unref (m);
  gst_object_unref (rtsp);
}

/* The transport the camera refused is named in the details. */
static void
test_refused_transport (void)
{
  GstElement *rtsp = gst_element_factory_make ("rtspsrc", NULL);
  GstElement *id = gst_element_factory_make ("identity", NULL);
  GstMessage *m;
  CgError *err;

  gst_object_ref_sink (rtsp);
  gst_object_ref_sink (id);
  gst_util_set_object_arg (G_OBJECT (rtsp), "protocols", "tcp");
  m = make_message (GST_MESSAGE_ERROR, rtsp, GST_STREAM_ERROR,
      GST_STREAM_ERROR_CODEC_NOT_FOUND, NULL);
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_UNSUPPORTED_FORMAT);
  g_assert_false (cg_error_is_retryable (err));
  g_assert_cmpstr (gst_structure_get_string (cg_error_get_details (err),
          "transport"), ==, "tcp");
  cg_error_unref (err);
  gst_message_unref (m);

  /* a real missing component names no transport */
  m = make_message (GST_MESSAGE_ERROR, id, GST_STREAM_ERROR,
      GST_STREAM_ERROR_CODEC_NOT_FOUND, NULL);
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_MISSING_COMPONENT);
  g_assert_null (gst_structure_get_string (cg_error_get_details (err),
          "transport"));
  cg_error_unref (err);
  gst_message_unref (m);
  gst_object_unref (id);
  gst_object_unref (rtsp);
}

static void
test_details_copied (void)
{
  GstElement *e = gst_element_factory_make ("rtspsrc", NULL);
  GstMessage *m;
  CgError *err;
  guint status = 0;

  gst_object_ref_sink (e);
  m = make_message (GST_MESSAGE_ERROR, e, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ,
      "details, rtsp-status-code=(uint)401, "
      "rtsp-status-reason=(string)Unauthorized");
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_PERMISSION_DENIED);
  g_assert_true (gst_structure_get_uint (cg_error_get_details (err),
          "rtsp-status-code", &status));
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (gst_structure_get_string (cg_error_get_details (err),
          "rtsp-status-reason"), ==, "Unauthorized");
  g_assert_cmpstr (cg_error_get_gst_code (err), ==, "open-read");
  cg_error_unref (err);
  gst_message_unref (m);
  gst_object_unref (e);
}

static void
test_not_failures (void)
{
  GstElement *e = gst_element_factory_make ("identity", NULL);
  GError *gerr = g_error_new_literal (GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
      "fyi");
  GstMessage *m;

  gst_object_ref_sink (e);
  m = gst_message_new_info (GST_OBJECT (e), gerr, NULL);
  g_assert_null (cg_classify_message (m));
  gst_message_unref (m);
  m = gst_message_new_eos (GST_OBJECT (e));
  g_assert_null (cg_classify_message (m));
  gst_message_unref (m);
  m = gst_message_new_element (GST_OBJECT (e),
      gst_structure_new_empty ("something-else"));
  g_assert_null (cg_classify_message (m));
  gst_message_unref (m);
  /* a QoS message without drops is no failure */
  m = gst_message_new_qos (GST_OBJECT (e), TRUE, 0, 0, 0, 40 * GST_MSECOND);
  gst_message_set_qos_stats (m, GST_FORMAT_BUFFERS, 10, 0);
  g_assert_null (cg_classify_message (m));
  gst_message_unref (m);
  g_error_free (gerr);
  gst_object_unref (e);
}

static void
test_element_messages (void)
{
  GstElement *e = gst_element_factory_make ("rtspsrc", NULL);
  GstMessage *m;
  CgError *err;

  gst_object_ref_sink (e);
  m = gst_message_new_element (GST_OBJECT (e),
      gst_structure_new ("GstRTSPSrcTimeout", "cause", G_TYPE_INT, 0,
          "stream-number", G_TYPE_INT, 0, NULL));
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_CONNECTION_TIMEOUT);
  cg_error_unref (err);
  gst_message_unref (m);

  m = gst_message_new_element (GST_OBJECT (e),
      gst_structure_new ("missing-plugin", "type", G_TYPE_STRING, "decoder",
          "detail", GST_TYPE_CAPS, NULL, "name", G_TYPE_STRING, "H.265", NULL));
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_MISSING_COMPONENT);
  g_assert_cmpstr (gst_structure_get_string (cg_error_get_details (err),
          "missing-type"), ==, "decoder");
  cg_error_unref (err);
  gst_message_unref (m);

  m = gst_message_new_element (GST_OBJECT (e),
      gst_structure_new ("camguard-quality", "code", G_TYPE_STRING,
          "QUALITY_DEGRADED", "direction", G_TYPE_STRING, "down", NULL));
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_QUALITY_DEGRADED);
  g_assert_cmpint (cg_error_get_severity (err), ==, CG_SEVERITY_WARNING);
  cg_error_unref (err);
  gst_message_unref (m);

  /* as qualityladder posts it: the error rides in the message */
  {
    CgError *q = cg_error_new (CG_CODE_QUALITY_DEGRADED, NULL);
    GstStructure *s;

    gst_structure_set (cg_error_get_details_writable (q), "quality",
        G_TYPE_DOUBLE, 0.5, "recommendedAction", G_TYPE_STRING,
        "reduce_quality", NULL);
    s = cg_error_to_details (q);
    gst_structure_set_name (s, "camguard-quality");
    gst_structure_set (s, "code", G_TYPE_STRING, "QUALITY_DEGRADED",
        "direction", G_TYPE_STRING, "down", "step", G_TYPE_INT, 1, NULL);
    m = gst_message_new_element (GST_OBJECT (e), s);
    err = cg_classify_message (m);
    g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_QUALITY_DEGRADED);
    g_assert_true (gst_structure_has_field (cg_error_get_details (err),
            "quality"));
    g_assert_cmpstr (gst_structure_get_string (cg_error_get_details (err),
            "recommendedAction"), ==, "reduce_quality");
    g_assert_true (gst_structure_has_field (cg_error_get_details (err),
            "step"));
    /* the error is the error, not a field of its own details */
    g_assert_false (gst_structure_has_field (cg_error_get_details (err),
            CG_DETAILS_ERROR_FIELD));
    g_assert_false (gst_structure_has_field (cg_error_get_details (err),
            CG_DETAILS_CODE_FIELD));
    cg_error_unref (err);
    gst_message_unref (m);
    cg_error_unref (q);
  }

  m = gst_message_new_element (GST_OBJECT (e),
      gst_structure_new ("camguard-quality", "code", G_TYPE_STRING,
          "recovered", "direction", G_TYPE_STRING, "up", NULL));
  g_assert_null (cg_classify_message (m));
  gst_message_unref (m);

  m = gst_message_new_qos (GST_OBJECT (e), TRUE, 0, 0, 0, 40 * GST_MSECOND);
  gst_message_set_qos_stats (m, GST_FORMAT_BUFFERS, 100, 7);
  err = cg_classify_message (m);
  g_assert_cmpint (cg_error_get_code (err), ==, CG_CODE_PROCESSING_SLOW);
  g_assert_cmpint (cg_error_get_severity (err), ==, CG_SEVERITY_WARNING);
  cg_error_unref (err);
  gst_message_unref (m);
  gst_object_unref (e);
}

static void
test_parse_errors (void)
{
  GError *err = NULL;
  GstElement *p;
  CgError *e;

  p = gst_parse_launch ("videotestsrc ! camguardnosuchelement ! fakesink",
      &err);
  g_assert_error (err, GST_PARSE_ERROR, GST_PARSE_ERROR_NO_SUCH_ELEMENT);
  if (p)
    gst_object_unref (p);
  e = cg_classify_parse_error (err);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_MISSING_COMPONENT);
  g_assert_cmpstr (cg_error_get_gst_code (e), ==, "no-such-element");
  cg_error_unref (e);
  g_clear_error (&err);

  p = gst_parse_launch ("videotestsrc ! ! fakesink", &err);
  g_assert_nonnull (err);
  if (p)
    gst_object_unref (p);
  e = cg_classify_parse_error (err);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_VALIDATION_ERROR);
  cg_error_unref (e);
  g_clear_error (&err);

  p = gst_parse_launch ("videotestsrc nosuchproperty=1 ! fakesink", &err);
  g_assert_nonnull (err);
  if (p)
    gst_object_unref (p);
  e = cg_classify_parse_error (err);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_VALIDATION_ERROR);
  cg_error_unref (e);
  g_clear_error (&err);
}


int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/classifier/roles", test_roles);
  g_test_add_func ("/classifier/role-from-ancestors", test_role_from_ancestors);
  g_test_add_func ("/classifier/role-inside-camera-source",
      test_role_inside_camera_source);
  g_test_add_func ("/classifier/refused-transport", test_refused_transport);
  g_test_add_func ("/classifier/details", test_details_copied);
  g_test_add_func ("/classifier/not-failures", test_not_failures);
  g_test_add_func ("/classifier/element-messages", test_element_messages);
  g_test_add_func ("/classifier/parse-errors", test_parse_errors);
  return g_test_run ();
}
