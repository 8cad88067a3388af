/* camguard-gateway - GwWhep in process: refusals before and during
 * negotiation, outcomes on the main context only, an ICE failure before
 * the answer, and what the status says about the quality ladder
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#define GST_USE_UNSTABLE_API
#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

#include <gw-whep.h>
#include <gw-whep-private.h>

#include "fake-camera-client.h"
#include "whep-client.h"

#define WAIT_MS 30000

/* A camera-like pipeline: H.264 access units into a tee (the profile a
 * viewer's offer asks for, so that a fed viewer streams). */
#define CAMERA "videotestsrc is-live=true ! video/x-raw,width=160,height=120," \
  "framerate=15/1 ! x264enc tune=zerolatency key-int-max=15 ! " \
  "video/x-h264,profile=constrained-baseline ! h264parse ! " \
  "tee name=t allow-not-linked=true"

/* libnice's NiceComponentState (no libnice headers here) */
#define NICE_STATE_CONNECTING 2u
#define NICE_STATE_FAILED 5u

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

/* The status shows @n viewers, each in `sessions`. */
static void
assert_viewers (GwWhep * whep, guint n)
{
  g_autoptr (JsonNode) node = describe (whep);
  JsonObject *o = json_node_get_object (node);

  g_assert_cmpint (json_object_get_int_member (o, "viewers"), ==, n);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o,
              "sessions")), ==, n);
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
  assert_viewers (whep, 0);     /* kept while there is no viewer */
  offer (whep, "cam", &o, NULL);
  g_assert_nonnull (o.answer);
  g_assert_cmpuint (gw_whep_count_viewers (whep, "cam"), ==, 1);
  assert_viewers (whep, 1);
  g_assert_true (gw_whep_end (whep, "cam", o.answer->session_id, NULL));
  assert_viewers (whep, 0);
  outcome_clear (&o);
  offer (whep, "cam", &o, NULL);
  g_assert_nonnull (o.answer);
  assert_viewers (whep, 1);
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

/* The links do not drive the quality, for a reason that says @text. */
static void
assert_why_not (GwWhep * whep, const gchar * text)
{
  const gchar *why = why_not (whep);

  g_assert_nonnull (why);
  g_assert_nonnull (strstr (why, text));
}

/* @why: NULL where the links drive the quality, else the reason's text. */
static void
assert_policy (GwWhep * whep, const gchar * why)
{
  if (why)
    assert_why_not (whep, why);
  else
    g_assert_null (why_not (whep));
}

/* Sets @ladder's mode; the status then says @why (as assert_policy()). */
static void
set_mode (GwWhep * whep, GstElement * ladder, const gchar * mode,
    const gchar * why)
{
  gst_util_set_object_arg (G_OBJECT (ladder), "mode", mode);
  assert_policy (whep, why);
}

static gpointer
set_auto_thread (gpointer ladder)
{
  gst_util_set_object_arg (G_OBJECT (ladder), "mode", "auto");
  return NULL;
}

/* The status says whether the viewers' links drive the camera's quality:
 * not for a pass-through camera (no ladder), not in manual mode. The mode
 * is followed from the ladder's notifications (on any thread), of the
 * camera's current ladder only. */
static void
test_quality_policy (void)
{
  GwWhep *whep = whep_new (0);
  GstElement *ladder = gst_element_factory_make ("qualityladder", NULL);
  GstElement *other = gst_element_factory_make ("qualityladder", NULL);

  g_assert_nonnull (ladder);
  gst_object_ref_sink (ladder);
  gst_object_ref_sink (other);
  gw_whep_set_camera (whep, "cam", NULL, NULL);
  assert_policy (whep, "passed through");
  gw_whep_set_camera (whep, "cam", NULL, ladder);
  assert_policy (whep, NULL);
  set_mode (whep, ladder, "manual", "manual");
  set_mode (whep, ladder, "auto", NULL);
  set_mode (whep, ladder, "manual", "manual");
  g_thread_join (g_thread_new ("set-mode", set_auto_thread, ladder));
  assert_policy (whep, NULL);

  /* a new pipeline's ladder, already in manual mode: the old one's
   * changes no longer count */
  gst_util_set_object_arg (G_OBJECT (other), "mode", "manual");
  gw_whep_set_camera (whep, "cam", NULL, other);
  assert_policy (whep, "manual");
  set_mode (whep, ladder, "manual", "manual");
  set_mode (whep, ladder, "auto", "manual");
  set_mode (whep, other, "auto", NULL);
  set_mode (whep, other, "manual", "manual");
  /* no ladder any more (a pass-through pipeline): its mode is no matter */
  gw_whep_set_camera (whep, "cam", NULL, NULL);
  assert_policy (whep, "passed through");
  set_mode (whep, other, "auto", "passed through");
  gw_whep_free (whep);
  gst_object_unref (ladder);
  gst_object_unref (other);
}

/* ------------------------------------------------------------------ */
/* the viewer's webrtcbin and ICE agent, seen through emission hooks    */

/* What the gateway's viewer does (its webrtcbin and ICE agent are
 * private), seen from handlers that emission hooks connect to the first
 * webrtcbin and ICE agent that are not the client's. */
typedef struct
{
  GMutex lock;
  GCond cond;
  GstElement *client;           /* the client's webrtcbin, skipped */
  GObject *client_agent;        /* and its ICE agent */
  guint transceiver_signal, transceiver_hook;
  guint gathered_signal, gathered_hook;
  gboolean fail_early;          /* the viewer's ICE fails as checks start */
  gboolean watching;            /* its webrtcbin */
  GObject *agent;               /* its ICE agent */
  guint stream_id;
  gboolean gathered;            /* its webrtcbin handled "complete" */
  gboolean failed;              /* its webrtcbin handled "failed" */
  gboolean done;                /* a viewer outcome came */
  gboolean answered;
  GThread *outcome_thread;
} Spy;

/* After the viewer's own handler: the viewer knows it has gathered. */
static void
spy_on_gathering (GObject * webrtc, GParamSpec * pspec, gpointer user_data)
{
  Spy *spy = user_data;
  GstWebRTCICEGatheringState state;

  g_object_get (webrtc, "ice-gathering-state", &state, NULL);
  if (state != GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
    return;
  g_mutex_lock (&spy->lock);
  spy->gathered = TRUE;
  g_cond_broadcast (&spy->cond);
  g_mutex_unlock (&spy->lock);
}

/* After the viewer's own handler: the viewer knows its ICE failed. */
static void
spy_on_connection (GObject * webrtc, GParamSpec * pspec, gpointer user_data)
{
  Spy *spy = user_data;
  GstWebRTCPeerConnectionState state;

  g_object_get (webrtc, "connection-state", &state, NULL);
  if (state != GST_WEBRTC_PEER_CONNECTION_STATE_FAILED)
    return;
  g_mutex_lock (&spy->lock);
  spy->failed = TRUE;
  g_cond_broadcast (&spy->cond);
  g_mutex_unlock (&spy->lock);
}

/* Waits (WAIT_MS at most: a hang detector) for *@flag, under the lock. */
static gboolean
spy_wait (Spy * spy, gboolean * flag)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  gboolean set;

  g_mutex_lock (&spy->lock);
  while (!*flag && g_cond_wait_until (&spy->cond, &spy->lock, end));
  set = *flag;
  g_mutex_unlock (&spy->lock);
  return set;
}

static void
spy_fail_ice (Spy * spy)
{
  g_signal_emit_by_name (spy->agent, "component-state-changed",
      spy->stream_id, 1u, NICE_STATE_FAILED);
}

/* After webrtcbin's own handler, on the thread where libnice starts its
 * checks: with fail_early, the viewer's ICE fails as libnice makes it fail
 * when no nomination comes, before its webrtcbin took the answer (its
 * "complete" is handled after the connection state). */
static void
spy_on_component (GObject * agent, guint stream_id, guint component_id,
    guint state, gpointer user_data)
{
  Spy *spy = user_data;

  if (state != NICE_STATE_CONNECTING || !spy->fail_early)
    return;
  spy->fail_early = FALSE;
  spy->stream_id = stream_id;
  spy_fail_ice (spy);
}

/* A webrtcbin made a transceiver: the viewer's, while it is built. */
static gboolean
spy_on_transceiver (GSignalInvocationHint * hint, guint n,
    const GValue * values, gpointer user_data)
{
  Spy *spy = user_data;
  gpointer webrtc = g_value_get_object (&values[0]);

  if (webrtc == spy->client)
    return TRUE;
  spy->watching = TRUE;
  g_signal_connect_after (webrtc, "notify::ice-gathering-state",
      G_CALLBACK (spy_on_gathering), spy);
  g_signal_connect_after (webrtc, "notify::connection-state",
      G_CALLBACK (spy_on_connection), spy);
  return FALSE;                 /* one viewer */
}

/* An ICE agent gathered: the viewer's, just before its checks start. */
static gboolean
spy_on_gathered (GSignalInvocationHint * hint, guint n,
    const GValue * values, gpointer user_data)
{
  Spy *spy = user_data;
  GObject *agent = g_value_get_object (&values[0]);

  if (agent == spy->client_agent)
    return TRUE;
  spy->agent = g_object_ref (agent);
  g_signal_connect_after (agent, "component-state-changed",
      G_CALLBACK (spy_on_component), spy);
  return FALSE;                 /* one viewer */
}

static void
spy_start (Spy * spy, WhepClient * client, gboolean fail_early)
{
  GObject *ice = NULL;

  memset (spy, 0, sizeof (*spy));
  g_mutex_init (&spy->lock);
  g_cond_init (&spy->cond);
  spy->fail_early = fail_early;
  spy->client = whep_client_get_webrtcbin (client);
  g_object_get (spy->client, "ice-agent", &ice, NULL);
  g_object_get (ice, "agent", &spy->client_agent, NULL);
  g_object_unref (ice);
  spy->transceiver_signal = g_signal_lookup ("on-new-transceiver",
      G_OBJECT_TYPE (spy->client));
  spy->gathered_signal = g_signal_lookup ("candidate-gathering-done",
      G_OBJECT_TYPE (spy->client_agent));
  g_assert_cmpuint (spy->transceiver_signal, !=, 0);
  g_assert_cmpuint (spy->gathered_signal, !=, 0);
  spy->transceiver_hook = g_signal_add_emission_hook (spy->transceiver_signal,
      0, spy_on_transceiver, spy, NULL);
  spy->gathered_hook = g_signal_add_emission_hook (spy->gathered_signal, 0,
      spy_on_gathered, spy, NULL);
}

static void
spy_stop (Spy * spy)
{
  if (!spy->watching)
    g_signal_remove_emission_hook (spy->transceiver_signal,
        spy->transceiver_hook);
  if (spy->agent == NULL)
    g_signal_remove_emission_hook (spy->gathered_signal, spy->gathered_hook);
  g_clear_object (&spy->client_agent);
  if (spy->agent)
    g_signal_handlers_disconnect_by_data (spy->agent, spy);
  g_clear_object (&spy->agent);
  g_mutex_clear (&spy->lock);
  g_cond_clear (&spy->cond);
}

static void
spy_outcome (Spy * spy, gboolean answered)
{
  g_mutex_lock (&spy->lock);
  spy->answered = answered;
  spy->outcome_thread = g_thread_self ();
  spy->done = TRUE;
  g_mutex_unlock (&spy->lock);
}

static void
viewer_answered (GwWhepViewer * viewer, const gchar * sdp, gpointer data)
{
  spy_outcome (data, TRUE);
}

static void
viewer_failed (GwWhepViewer * viewer, CgError * error, gpointer data)
{
  spy_outcome (data, FALSE);
}

/* A viewer's outcome (its answer here) comes on the thread that iterates
 * its main context, even when nobody iterates it as webrtcbin finishes:
 * g_main_context_invoke_full() ran it at once on webrtcbin's thread then,
 * so that GwWhep could get an answer before it knew of the offer (and
 * lose it). */
static void
test_outcome_on_main_context (void)
{
  WhepClient *client = whep_client_new_full (WAIT_MS, FALSE);
  const gchar *sdp = whep_client_get_offer (client);
  GwWhepViewerCallbacks callbacks = { viewer_answered, viewer_failed };
  GThreadPool *stopper = g_thread_pool_new (gw_whep_viewer_stop_func, NULL,
      1, FALSE, NULL);
  g_autoptr (GwWhepOffer) offer = NULL;
  CgError *error = NULL;
  GwWhepViewer *viewer;
  gboolean early;
  Spy spy;

  spy_start (&spy, client, FALSE);
  callbacks.data = &spy;
  offer = gw_whep_offer_parse (sdp, strlen (sdp), &error);
  g_assert_null (error);
  viewer = gw_whep_viewer_start ("cam", offer, "127.0.0.1", WAIT_MS,
      &callbacks, &error);
  g_assert_null (error);
  /* the main context is not iterated until the viewer has gathered */
  g_assert_true (spy_wait (&spy, &spy.gathered));
  g_mutex_lock (&spy.lock);
  early = spy.done;
  g_mutex_unlock (&spy.lock);
  g_assert_false (early);
  g_assert_true (cg_iterate_until (&spy.done, WAIT_MS));
  g_assert_true (spy.answered);
  g_assert_true (spy.outcome_thread == g_thread_self ());
  gw_whep_viewer_close (viewer, stopper);
  g_thread_pool_free (stopper, FALSE, TRUE);
  spy_stop (&spy);
  whep_client_free (client);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates until @check is true (a hang detector: WAIT_MS). */
static gboolean
iterate_while (gboolean (*check) (gpointer data), gpointer data)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (!check (data) && g_get_monotonic_time () < end) {
    gboolean tick = FALSE;

    g_timeout_add (20, set_flag, &tick);
    cg_iterate_until (&tick, WAIT_MS);
  }
  return check (data);
}

static gboolean
client_has_frames (gpointer data)
{
  return whep_client_get_frames (data) > 0;
}

static gboolean
no_viewer_left (gpointer data)
{
  return gw_whep_count_viewers (data, NULL) == 0;
}

/* The viewer's ICE fails before its answer is given (libnice stops
 * waiting for a nomination the viewer cannot make without the answer): the
 * offer is still answered, and the viewer streams once it has the answer;
 * a failure after the answer still ends it at once. */
static void
test_ice_failed_before_answer (void)
{
  GstElement *tee, *pipe = camera_start (&tee);
  WhepClient *client = whep_client_new_full (WAIT_MS, FALSE);
  const gchar *sdp = whep_client_get_offer (client);
  g_autoptr (GBytes) body = g_bytes_new (sdp, strlen (sdp));
  GwWhep *whep = whep_new (0);
  Outcome o = { 0 };
  gboolean failed_first;
  Spy spy;

  spy_start (&spy, client, TRUE);
  gw_whep_set_camera (whep, "cam", tee, NULL);
  gw_whep_offer_async (whep, "cam", "application/sdp", body, on_answer, &o);
  g_assert_true (cg_iterate_until (&o.done, WAIT_MS));
  /* the viewer had been told of the failure before it took the answer */
  g_mutex_lock (&spy.lock);
  failed_first = spy.failed;
  g_mutex_unlock (&spy.lock);
  g_assert_true (failed_first);
  g_assert_null (o.error);
  g_assert_nonnull (o.answer);
  g_assert_true (whep_client_set_answer (client, o.answer->sdp));
  g_assert_true (iterate_while (client_has_frames, client));
  g_assert_cmpuint (gw_whep_count_viewers (whep, "cam"), ==, 1);
  g_assert_cmpuint (gw_whep_get_reaped (whep), ==, 0);

  spy_fail_ice (&spy);
  g_assert_true (iterate_while (no_viewer_left, whep));
  g_assert_cmpuint (gw_whep_get_reaped (whep), ==, 1);
  outcome_clear (&o);
  gw_whep_remove_camera (whep, "cam");
  gw_whep_free (whep);
  spy_stop (&spy);
  whep_client_free (client);
  camera_stop (pipe, tee);
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
  g_test_add_func ("/gw/whep-viewers/outcome-on-main-context",
      test_outcome_on_main_context);
  g_test_add_func ("/gw/whep-viewers/ice-failed-before-answer",
      test_ice_failed_before_answer);
  g_test_add_func ("/gw/whep-viewers/quality-policy", test_quality_policy);
  return g_test_run ();
}
