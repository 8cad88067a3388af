/* camguard - classifier tests: CgClassifier incidents (cause, secondary
 * errors, warnings then EOS, pushes from several threads)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>
#include <camguard.h>

#include "classifier-harness.h"

/* CgClassifier: incidents */

static void
test_incident_cause_and_secondary (void)
{
  CgClassifier *c = cg_classifier_new ();
  GstElement *dec = gst_element_factory_make ("h264parse", NULL);
  GstElement *src = gst_element_factory_make ("videotestsrc", NULL);
  GstMessage *m;
  CgError *e, *cause;
  const gchar *cause_code;

  gst_object_ref_sink (dec);
  gst_object_ref_sink (src);
  g_assert_null (cg_classifier_get_cause (c));

  m = make_message (GST_MESSAGE_ERROR, dec, GST_STREAM_ERROR,
      GST_STREAM_ERROR_DECODE, NULL);
  e = cg_classifier_push (c, m);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_MEDIA_PROCESSING_FAILED);
  g_assert_false (cg_error_is_secondary (e));
  cg_error_unref (e);
  gst_message_unref (m);

  /* the source's flow error that follows is secondary */
  m = make_message (GST_MESSAGE_ERROR, src, GST_STREAM_ERROR,
      GST_STREAM_ERROR_FAILED, "details, flow-return=(int)-5");
  e = cg_classifier_push (c, m);
  g_assert_true (cg_error_is_secondary (e));
  cause_code = gst_structure_get_string (cg_error_get_details (e),
      "cause-code");
  g_assert_cmpstr (cause_code, ==, "MEDIA_PROCESSING_FAILED");
  cg_error_unref (e);

  /* the same message again is folded */
  g_assert_null (cg_classifier_push (c, m));
  gst_message_unref (m);

  cause = cg_classifier_get_cause (c);
  g_assert_cmpint (cg_error_get_code (cause), ==,
      CG_CODE_MEDIA_PROCESSING_FAILED);
  cg_error_unref (cause);

  /* a new incident */
  cg_classifier_reset (c);
  g_assert_null (cg_classifier_get_cause (c));
  m = make_message (GST_MESSAGE_ERROR, src, GST_STREAM_ERROR,
      GST_STREAM_ERROR_FAILED, "details, flow-return=(int)-5");
  e = cg_classifier_push (c, m);
  g_assert_false (cg_error_is_secondary (e));
  cg_error_unref (e);
  gst_message_unref (m);

  gst_object_unref (dec);
  gst_object_unref (src);
  g_object_unref (c);
}

static void
test_incident_warning_then_eos (void)
{
  CgClassifier *c = cg_classifier_new ();
  GstElement *rtsp = gst_element_factory_make ("rtspsrc", NULL);
  GstElement *pipe = gst_pipeline_new ("p");
  GstMessage *m;
  CgError *e;

  gst_object_ref_sink (rtsp);
  /* EOS alone is no failure */
  m = gst_message_new_eos (GST_OBJECT (pipe));
  g_assert_null (cg_classifier_push (c, m));
  gst_message_unref (m);

  /* the RTSP server went away: rtspsrc warns, then the pipeline goes EOS */
  m = make_message (GST_MESSAGE_WARNING, rtsp, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ, NULL);
  e = cg_classifier_push (c, m);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_DISCONNECTED);
  g_assert_cmpint (cg_error_get_severity (e), ==, CG_SEVERITY_WARNING);
  cg_error_unref (e);
  gst_message_unref (m);
  g_assert_null (cg_classifier_get_cause (c));

  m = gst_message_new_eos (GST_OBJECT (pipe));
  e = cg_classifier_push (c, m);
  g_assert_nonnull (e);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_DISCONNECTED);
  g_assert_cmpint (cg_error_get_severity (e), ==, CG_SEVERITY_RECOVERABLE);
  g_assert_cmpstr (cg_error_get_factory (e), ==, "rtspsrc");
  g_assert_cmpstr (cg_error_get_message_type (e), ==, "eos");
  cg_error_unref (e);
  gst_message_unref (m);
  e = cg_classifier_get_cause (c);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_DISCONNECTED);
  cg_error_unref (e);
  g_object_unref (c);

  /* in a live pipeline EOS is a failure on its own */
  c = cg_classifier_new ();
  cg_classifier_set_live (c, TRUE);
  m = gst_message_new_eos (GST_OBJECT (pipe));
  e = cg_classifier_push (c, m);
  g_assert_cmpint (cg_error_get_code (e), ==, CG_CODE_CAMERA_DISCONNECTED);
  cg_error_unref (e);
  gst_message_unref (m);
  g_object_unref (c);
  gst_object_unref (rtsp);
  gst_object_unref (pipe);
}

typedef struct
{
  CgClassifier *c;
  GstElement *src;
  gint *causes;
} Race;

static gpointer
push_thread (gpointer data)
{
  Race *r = data;
  GstMessage *m = make_message (GST_MESSAGE_ERROR, r->src,
      GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ, NULL);
  CgError *e = cg_classifier_push (r->c, m);

  gst_message_unref (m);
  g_assert_nonnull (e);
  if (!cg_error_is_secondary (e))
    g_atomic_int_inc (r->causes);
  cg_error_unref (e);
  return NULL;
}

/* Eight threads pushing errors of eight elements at once: exactly one is
 * the cause, seven are secondary. */
static void
test_incident_threads (void)
{
  CgClassifier *c = cg_classifier_new ();
  Race races[8];
  GThread *threads[8];
  gint causes = 0;
  guint i;

  for (i = 0; i < 8; i++) {
    races[i].c = c;
    races[i].src = gst_element_factory_make ("rtspsrc", NULL);
    races[i].causes = &causes;
    gst_object_ref_sink (races[i].src);
  }
  for (i = 0; i < 8; i++)
    threads[i] = g_thread_new ("push", push_thread, &races[i]);
  for (i = 0; i < 8; i++) {
    g_thread_join (threads[i]);
    gst_object_unref (races[i].src);
  }
  g_assert_cmpint (causes, ==, 1);
  g_object_unref (c);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/classifier/incident/cause-and-secondary",
      test_incident_cause_and_secondary);
  g_test_add_func ("/classifier/incident/warning-then-eos",
      test_incident_warning_then_eos);
  g_test_add_func ("/classifier/incident/threads", test_incident_threads);
  return g_test_run ();
}
