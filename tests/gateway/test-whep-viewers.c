/* camguard-gateway - GwWhep in process: refusals before and during
 * negotiation, and what the status says about the quality ladder
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include <gw-whep.h>

#include "fake-camera-client.h"
#include "whep-client.h"

#define WAIT_MS 30000

/* A camera-like pipeline: H.264 access units into a tee. */
#define CAMERA "videotestsrc is-live=true ! video/x-raw,width=160,height=120," \
  "framerate=15/1 ! x264enc tune=zerolatency key-int-max=15 ! h264parse ! " \
  "tee name=t allow-not-linked=true"

typedef struct
{
  GwWhepAnswer *answer;
  CgError *error;
  gboolean done;
} Outcome;

static void
on_answer (GObject * source, GAsyncResult * result, gpointer user_data)
{
  Outcome *o = user_data;

  o->answer = gw_whep_offer_finish (NULL, result, &o->error);
  o->done = TRUE;
}

/* An offer from a webrtcbin viewer, its outcome waited for. */
static void
offer (GwWhep * whep, const gchar * camera, Outcome * o,
    void (*meanwhile) (GwWhep * whep))
{
  WhepClient *client = whep_client_new (WAIT_MS);
  const gchar *sdp = whep_client_get_offer (client);
  g_autoptr (GBytes) body = g_bytes_new (sdp, strlen (sdp));

  memset (o, 0, sizeof (*o));
  gw_whep_offer_async (whep, camera, "application/sdp", body, on_answer, o);
  if (meanwhile)
    meanwhile (whep);
  g_assert_true (cg_iterate_until (&o->done, WAIT_MS));
  whep_client_free (client);
}

static void
outcome_clear (Outcome * o)
{
  g_clear_pointer (&o->answer, gw_whep_answer_free);
  g_clear_pointer (&o->error, cg_error_unref);
}

static GwWhep *
whep_new (guint gather_timeout_ms)
{
  GwWhepLimits limits;

  gw_whep_limits_init (&limits);
  limits.ice_address = "127.0.0.1";
  if (gather_timeout_ms)
    limits.gather_timeout_ms = gather_timeout_ms;
  return gw_whep_new (&limits);
}

/* No pipeline (never started, or stopped): CAMERA_BUSY. */
static void
test_not_running (void)
{
  GwWhep *whep = whep_new (0);
  Outcome o;

  offer (whep, "cam", &o, NULL);
  g_assert_null (o.answer);
  g_assert_cmpint (cg_error_get_code (o.error), ==, CG_CODE_CAMERA_BUSY);
  outcome_clear (&o);
  gw_whep_set_camera (whep, "cam", NULL, NULL);
  offer (whep, "cam", &o, NULL);
  g_assert_cmpint (cg_error_get_code (o.error), ==, CG_CODE_CAMERA_BUSY);
  outcome_clear (&o);
  g_assert_cmpuint (gw_whep_count_viewers (whep, "cam"), ==, 0);
  gw_whep_free (whep);
}

static GstElement *
camera_start (GstElement ** tee)
{
  g_autoptr (GError) err = NULL;
  GstElement *pipe = gst_parse_launch (CAMERA, &err);

  g_assert_no_error (err);
  *tee = gst_bin_get_by_name (GST_BIN (pipe), "t");
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  return pipe;
}

static void
camera_stop (GstElement * pipe, GstElement * tee)
{
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (tee);
  gst_object_unref (pipe);
}

/* Negotiation and gathering that do not finish in time: OPERATION_TIMEOUT,
 * and the viewer is gone. */
static void
test_gather_timeout (void)
{
  GstElement *tee, *pipe = camera_start (&tee);
  GwWhep *whep = whep_new (1);
  Outcome o;

  gw_whep_set_camera (whep, "cam", tee, NULL);
  offer (whep, "cam", &o, NULL);
  g_assert_null (o.answer);
  g_assert_cmpint (cg_error_get_code (o.error), ==, CG_CODE_OPERATION_TIMEOUT);
  g_assert_cmpuint (gw_whep_count_viewers (whep, "cam"), ==, 0);
  outcome_clear (&o);
  gw_whep_remove_camera (whep, "cam");
  gw_whep_free (whep);
  camera_stop (pipe, tee);
}

static void
remove_cam (GwWhep * whep)
{
  g_assert_cmpuint (gw_whep_count_viewers (whep, "cam"), ==, 1);
  gw_whep_remove_camera (whep, "cam");
}

/* The camera's live view as the status shows it. */
static JsonNode *
describe (GwWhep * whep)
{
  CgJsonWriter *w = cg_json_writer_new ();

  gw_whep_describe (whep, "cam", w);
  return cg_json_writer_free_to_node (w);
}

/* The camera goes away while a viewer negotiates: the offer fails with
 * CAMERA_NOT_FOUND, no viewer is left; a viewer that was answered is ended
 * by a removal too. */
static void
test_removed_while_negotiating (void)
{
  GstElement *tee, *pipe = camera_start (&tee);
  GwWhep *whep = whep_new (0);
  g_autoptr (JsonNode) node = NULL;
  Outcome o;

  gw_whep_set_camera (whep, "cam", tee, NULL);
  offer (whep, "cam", &o, remove_cam);
  g_assert_null (o.answer);
  g_assert_cmpint (cg_error_get_code (o.error), ==, CG_CODE_CAMERA_NOT_FOUND);
  g_assert_cmpuint (gw_whep_count_viewers (whep, NULL), ==, 0);
  outcome_clear (&o);

  gw_whep_set_camera (whep, "cam", tee, NULL);
  offer (whep, "cam", &o, NULL);
  g_assert_nonnull (o.answer);
  g_assert_cmpuint (gw_whep_count_viewers (whep, "cam"), ==, 1);
  gw_whep_remove_camera (whep, "cam");
  g_assert_cmpuint (gw_whep_count_viewers (whep, NULL), ==, 0);
  node = describe (whep);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node),
          "viewers"), ==, 0);
  outcome_clear (&o);
  gw_whep_free (whep);
  camera_stop (pipe, tee);
}

static const gchar *
why_not (GwWhep * whep)
{
  static gchar *text;
  g_autoptr (JsonNode) node = describe (whep);
  JsonObject *o = json_node_get_object (node);

  g_clear_pointer (&text, g_free);
  if (json_object_get_boolean_member (o, "link_drives_quality"))
    return NULL;
  text = g_strdup (json_object_get_string_member (o, "why_not"));
  return text;
}

/* The status says whether the viewers' links drive the camera's quality:
 * not for a pass-through camera (no ladder), not in manual mode. */
static void
test_quality_policy (void)
{
  GwWhep *whep = whep_new (0);
  GstElement *ladder = gst_element_factory_make ("qualityladder", NULL);

  g_assert_nonnull (ladder);
  gst_object_ref_sink (ladder);
  gw_whep_set_camera (whep, "cam", NULL, NULL);
  g_assert_nonnull (strstr (why_not (whep), "passed through"));
  gw_whep_set_camera (whep, "cam", NULL, ladder);
  g_assert_null (why_not (whep));
  gst_util_set_object_arg (G_OBJECT (ladder), "mode", "manual");
  g_assert_nonnull (strstr (why_not (whep), "manual"));
  gw_whep_free (whep);
  gst_object_unref (ladder);
}

int
main (int argc, char **argv)
{
  GstPluginFeature *nice;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  nice = gst_registry_lookup_feature (gst_registry_get (), "nicesrc");
  if (nice == NULL) {
    g_test_skip ("libnice's GStreamer elements (gstreamer1.0-nice) are "
        "missing: webrtcbin cannot work");
    return g_test_run ();
  }
  gst_object_unref (nice);
  g_test_add_func ("/gw/whep-viewers/not-running", test_not_running);
  g_test_add_func ("/gw/whep-viewers/gather-timeout", test_gather_timeout);
  g_test_add_func ("/gw/whep-viewers/removed-while-negotiating",
      test_removed_while_negotiating);
  g_test_add_func ("/gw/whep-viewers/quality-policy", test_quality_policy);
  return g_test_run ();
}
