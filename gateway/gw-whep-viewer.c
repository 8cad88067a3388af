/* camguard-gateway - one WHEP viewer: its pipeline and its negotiation
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * A viewer is its own pipeline,
 * `appsrc ! h264parse ! rtph264pay config-interval=-1
 * aggregate-mode=zero-latency pt=<offer's PT> ! webrtcbin
 * bundle-policy=max-bundle`, whose appsrc is a consumer of the camera's
 * fan-out. Negotiation runs on webrtcbin's threads with promise callbacks
 * (set-remote-description -> create-answer -> set-local-description), the
 * answer is taken once ICE gathering is complete, and every outcome hops
 * to the main context as an idle source (gw_hop_later()): the main loop
 * never waits for webrtcbin, and no outcome ever runs on webrtcbin's
 * threads. A bounded timeout fails a negotiation that does not finish.
 * Stopping the pipeline (webrtcbin closes its ICE agent) runs on a thread
 * pool.
 *
 * An ICE connection that fails before the answer was given ends nothing:
 * the viewer answers the gateway's connectivity checks (they succeed) but
 * cannot nominate a pair before it has the answer, and libnice gives up
 * waiting for a nomination 5 s after its checks succeeded; it recovers
 * once the viewer nominates (a viewer that never does sends no receiver
 * report and is reaped). A failure after the answer ends the viewer.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define GST_USE_UNSTABLE_API
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <gst/webrtc/webrtc.h>

#include "gw-hop.h"
#include "gw-whep-private.h"

GST_DEBUG_CATEGORY_STATIC (gw_whep_viewer_debug);
#define GST_CAT_DEFAULT gw_whep_viewer_debug

/* A viewer's appsrc holds at most this much before it waits for the next
 * keyframe (a few seconds of a camera's stream). */
#define VIEWER_MAX_BYTES (2 * 1024 * 1024)
/* Keyframes asked by one viewer's PLIs: one per second at most. */
#define VIEWER_PLI_INTERVAL_US G_USEC_PER_SEC

struct _GwWhepViewer
{
  gatomicrefcount ref;
  gchar *id;
  gchar *camera_id;
  GMainContext *context;
  GstElement *pipeline;
  GstElement *appsrc;
  GstElement *webrtc;
  GwWhepViewerCallbacks callbacks;

  /* main context only */
  GSource *bus_source;
  GSource *timeout;
  GwFanout *fanout;
  gboolean answered;
  gboolean closed;
  gint64 answered_us;
  gint64 last_pli_us;

  GMutex lock;                  /* guards what follows */
  gboolean stats_pending;
  gboolean gathered;
  GwWhepLink link;
};

static GwWhepViewer *
viewer_ref (GwWhepViewer * v)
{
  g_atomic_ref_count_inc (&v->ref);
  return v;
}

static void
viewer_unref (gpointer data)
{
  GwWhepViewer *v = data;

  if (!g_atomic_ref_count_dec (&v->ref))
    return;
  gst_clear_object (&v->appsrc);
  gst_clear_object (&v->webrtc);
  gst_clear_object (&v->pipeline);
  g_main_context_unref (v->context);
  g_mutex_clear (&v->lock);
  g_free (v->camera_id);
  g_free (v->id);
  g_free (v);
}

/* ------------------------------------------------------------------ */
/* outcomes, on the main context                                        */

static void
clear_source (GSource ** source)
{
  if (*source) {
    g_source_destroy (*source);
    g_clear_pointer (source, g_source_unref);
  }
}

static void
viewer_fail (GwWhepViewer * v, CgError * error)
{
  if (v->closed)
    return;
  clear_source (&v->timeout);
  v->callbacks.failed (v, error, v->callbacks.data);
}

typedef struct
{
  GwWhepViewer *viewer;
  CgCode code;
  gchar *why;
  gboolean ice;                 /* the ICE connection failed */
} Failure;

static gboolean
failure_dispatch (gpointer data)
{
  Failure *f = data;
  g_autoptr (CgError) error = NULL;

  if (f->ice && !f->viewer->answered && !f->viewer->closed) {
    /* no nomination yet, as the viewer has no answer: not an end */
    GST_INFO ("viewer %s: ICE failed before the answer, waiting for it",
        f->viewer->id);
    return G_SOURCE_REMOVE;
  }
  error = cg_error_new (f->code, f->why);
  viewer_fail (f->viewer, error);
  return G_SOURCE_REMOVE;
}

static void
failure_free (gpointer data)
{
  Failure *f = data;

  viewer_unref (f->viewer);
  g_free (f->why);
  g_free (f);
}


static void
viewer_fail_full (GwWhepViewer * v, CgCode code, const gchar * why,
    gboolean ice)
{
  Failure *f = g_new0 (Failure, 1);

  f->viewer = viewer_ref (v);
  f->code = code;
  f->why = g_strdup (why);
  f->ice = ice;
  gw_hop_later (v->context, failure_dispatch, f, failure_free);
}

/* From any thread: the viewer failed (negotiation, pipeline). */
static void
viewer_fail_later (GwWhepViewer * v, CgCode code, const gchar * why)
{
  viewer_fail_full (v, code, why, FALSE);
}

static gboolean
answer_dispatch (gpointer data)
{
  GwWhepViewer *v = data;
  GstWebRTCSessionDescription *local = NULL;
  g_autofree gchar *sdp = NULL;

  if (v->closed || v->answered)
    return G_SOURCE_REMOVE;
  g_object_get (v->webrtc, "local-description", &local, NULL);
  if (local == NULL) {
    g_autoptr (CgError) error = cg_error_new (CG_CODE_MEDIA_PROCESSING_FAILED,
        "webrtcbin has no local description");

    viewer_fail (v, error);
    return G_SOURCE_REMOVE;
  }
  sdp = gst_sdp_message_as_text (local->sdp);
  gst_webrtc_session_description_free (local);
  clear_source (&v->timeout);
  v->answered = TRUE;
  v->answered_us = g_get_monotonic_time ();
  GST_INFO ("viewer %s of %s answered", v->id, v->camera_id);
  v->callbacks.answered (v, sdp, v->callbacks.data);
  return G_SOURCE_REMOVE;
}

static gboolean
timeout_dispatch (gpointer data)
{
  GwWhepViewer *v = data;
  g_autoptr (CgError) error = cg_error_new (CG_CODE_OPERATION_TIMEOUT,
      "WebRTC negotiation and ICE gathering did not finish in time");

  clear_source (&v->timeout);
  viewer_fail (v, error);
  return G_SOURCE_REMOVE;
}

static gboolean
keyframe_dispatch (gpointer data)
{
  GwWhepViewer *v = data;

  if (!v->closed && v->fanout)
    gw_fanout_request_keyframe (v->fanout);
  return G_SOURCE_REMOVE;
}

/* A receiver's PLI/FIR: one keyframe a second at most per viewer, so that
 * a lossy viewer asking after every lost packet does not make the camera
 * encode keyframes only (for every viewer). */
static gboolean
pli_dispatch (gpointer data)
{
  GwWhepViewer *v = data;
  gint64 now = g_get_monotonic_time ();

  if (v->last_pli_us && now - v->last_pli_us < VIEWER_PLI_INTERVAL_US)
    return G_SOURCE_REMOVE;
  v->last_pli_us = now;
  return keyframe_dispatch (data);
}

/* ------------------------------------------------------------------ */
/* webrtcbin, on its own threads                                        */

static gboolean
promise_ok (GstPromise * promise, const gchar * what, GwWhepViewer * v)
{
  const GstStructure *reply;
  GError *err = NULL;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED) {
    viewer_fail_later (v, CG_CODE_MEDIA_PROCESSING_FAILED, what);
    return FALSE;
  }
  reply = gst_promise_get_reply (promise);
  if (reply && gst_structure_get (reply, "error", G_TYPE_ERROR, &err, NULL)) {
    g_autofree gchar *why = g_strdup_printf ("%s: %s", what, err->message);

    g_error_free (err);
    viewer_fail_later (v, CG_CODE_UNSUPPORTED_FORMAT, why);
    return FALSE;
  }
  return TRUE;
}

static void
on_answer_created (GstPromise * promise, gpointer user_data)
{
  GwWhepViewer *v = user_data;
  GstWebRTCSessionDescription *answer = NULL;
  const GstStructure *reply;

  if (promise_ok (promise, "cannot create an answer", v)) {
    reply = gst_promise_get_reply (promise);
    gst_structure_get (reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
        &answer, NULL);
  }
  gst_promise_unref (promise);
  if (answer == NULL) {
    viewer_fail_later (v, CG_CODE_UNSUPPORTED_FORMAT,
        "webrtcbin gave no answer to the offer");
    return;
  }
  g_signal_emit_by_name (v->webrtc, "set-local-description", answer, NULL);
  gst_webrtc_session_description_free (answer);
}

static void
on_remote_set (GstPromise * promise, gpointer user_data)
{
  GwWhepViewer *v = user_data;
  gboolean ok = promise_ok (promise, "the offer was refused", v);

  gst_promise_unref (promise);
  if (!ok)
    return;
  g_signal_emit_by_name (v->webrtc, "create-answer", NULL,
      gst_promise_new_with_change_func (on_answer_created, viewer_ref (v),
          viewer_unref));
}

static void
on_gathering_state (GObject * webrtc, GParamSpec * pspec, gpointer user_data)
{
  GwWhepViewer *v = user_data;
  GstWebRTCICEGatheringState state;
  gboolean first;

  g_object_get (webrtc, "ice-gathering-state", &state, NULL);
  if (state != GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
    return;
  g_mutex_lock (&v->lock);
  first = !v->gathered;
  v->gathered = TRUE;
  g_mutex_unlock (&v->lock);
  if (first)
    gw_hop_later (v->context, answer_dispatch, viewer_ref (v), viewer_unref);
}

static void
on_connection_state (GObject * webrtc, GParamSpec * pspec, gpointer user_data)
{
  GwWhepViewer *v = user_data;
  GstWebRTCPeerConnectionState state;

  g_object_get (webrtc, "connection-state", &state, NULL);
  GST_DEBUG ("viewer %s: connection state %d", v->id, state);
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED)
    gw_hop_later (v->context, keyframe_dispatch, viewer_ref (v), viewer_unref);
  else if (state == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED)
    viewer_fail_full (v, CG_CODE_CAMERA_DISCONNECTED,
        "the viewer's ICE connection failed", TRUE);
}

/* A receiver's PLI/FIR becomes an upstream force-key-unit event at the
 * appsrc: ask the camera for a keyframe. */
static GstPadProbeReturn
on_upstream_event (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GwWhepViewer *v = user_data;

  if (gst_video_event_is_force_key_unit (GST_PAD_PROBE_INFO_EVENT (info)))
    gw_hop_later (v->context, pli_dispatch, viewer_ref (v), viewer_unref);
  return GST_PAD_PROBE_OK;
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  GwWhepViewer *v = user_data;
  g_autoptr (GError) err = NULL;
  g_autoptr (CgError) error = NULL;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ERROR)
    return G_SOURCE_CONTINUE;
  gst_message_parse_error (msg, &err, NULL);
  GST_WARNING ("viewer %s: %s", v->id, err->message);
  error = cg_error_new (CG_CODE_MEDIA_PROCESSING_FAILED, err->message);
  viewer_fail (v, error);
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* statistics                                                           */

typedef struct
{
  GstWebRTCStatsType type;
  const GstStructure *found;
} StatsLookup;

static gboolean
find_stats (GQuark field, const GValue * value, gpointer user_data)
{
  StatsLookup *lookup = user_data;
  const GstStructure *s;
  GstWebRTCStatsType type;

  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;
  s = gst_value_get_structure (value);
  if (gst_structure_get (s, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, NULL)
      && type == lookup->type) {
    lookup->found = s;
    return FALSE;
  }
  return TRUE;
}

/* The first statistics of @type (one video stream: the only one). */
static const GstStructure *
stats_of_type (const GstStructure * stats, GstWebRTCStatsType type)
{
  StatsLookup lookup = { type, NULL };

  gst_structure_foreach (stats, find_stats, &lookup);
  return lookup.found;
}

/* remote-inbound-rtp is the last receiver report: its extended highest
 * sequence number (in the raw rtpsource statistics) advances with every
 * report of a receiver that is still there; so do the PLI, NACK and FIR
 * counts of outbound-rtp when it sends feedback. */
static void
viewer_take_stats (GwWhepViewer * v, const GstStructure * stats)
{
  const GstStructure *rin = stats_of_type (stats,
      GST_WEBRTC_STATS_REMOTE_INBOUND_RTP);
  const GstStructure *out = stats_of_type (stats,
      GST_WEBRTC_STATS_OUTBOUND_RTP);
  const GstStructure *raw = NULL;
  guint ext_seq = 0, pli = 0, nack = 0, fir = 0;
  guint64 sent = 0;

  if (out)
    gst_structure_get (out, "packets-sent", G_TYPE_UINT64, &sent,
        "pli-count", G_TYPE_UINT, &pli, "nack-count", G_TYPE_UINT, &nack,
        "fir-count", G_TYPE_UINT, &fir, NULL);
  if (rin) {
    const GValue *value = gst_structure_get_value (rin, "gst-rtpsource-stats");

    if (value && GST_VALUE_HOLDS_STRUCTURE (value))
      raw = gst_value_get_structure (value);
    if (raw)
      gst_structure_get_uint (raw, "rb-exthighestseq", &ext_seq);
  }
  g_mutex_lock (&v->lock);
  v->stats_pending = FALSE;
  v->link.packets_sent = sent;
  /* a receiver that only sends feedback (a storm of PLIs can starve its
   * regular reports) is there too */
  if (pli + nack + fir != v->link.feedback) {
    v->link.feedback = pli + nack + fir;
    v->link.advanced_us = g_get_monotonic_time ();
  }
  if (rin) {
    gboolean first = !v->link.have_rb;
    gboolean fresh = first || ext_seq != v->link.ext_seq;

    if (fresh)
      v->link.advanced_us = g_get_monotonic_time ();
    v->link.have_rb = TRUE;
    v->link.ext_seq = ext_seq;
    gst_structure_get_double (rin, "fraction-lost", &v->link.fraction_lost);
    /* one report covers about a second: average a few, so that the ladder
     * sees sustained loss, not each report's noise */
    if (fresh)
      v->link.loss = first ? v->link.fraction_lost :
          (v->link.loss + v->link.fraction_lost) / 2.0;
    gst_structure_get_double (rin, "jitter", &v->link.jitter_s);
    gst_structure_get_double (rin, "round-trip-time", &v->link.rtt_s);
  }
  g_mutex_unlock (&v->lock);
  GST_LOG ("viewer %s: %" GST_PTR_FORMAT, v->id, rin);
}

static void
on_stats (GstPromise * promise, gpointer user_data)
{
  GwWhepViewer *v = user_data;
  const GstStructure *stats = NULL;

  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED)
    stats = gst_promise_get_reply (promise);
  if (stats)
    viewer_take_stats (v, stats);
  else {
    g_mutex_lock (&v->lock);
    v->stats_pending = FALSE;
    g_mutex_unlock (&v->lock);
  }
  gst_promise_unref (promise);
}

/**
 * gw_whep_viewer_poll_stats:
 * @viewer: a viewer
 *
 * Asks webrtcbin for its statistics (answered on its own thread, into the
 * viewer's link); nothing when the last request is still pending.
 */
void
gw_whep_viewer_poll_stats (GwWhepViewer * viewer)
{
  gboolean pending;

  if (viewer->closed || !viewer->answered)
    return;
  g_mutex_lock (&viewer->lock);
  pending = viewer->stats_pending;
  viewer->stats_pending = TRUE;
  g_mutex_unlock (&viewer->lock);
  if (!pending)
    g_signal_emit_by_name (viewer->webrtc, "get-stats", NULL,
        gst_promise_new_with_change_func (on_stats, viewer_ref (viewer),
            viewer_unref));
}

/**
 * gw_whep_viewer_get_link:
 * @viewer: a viewer
 * @link: (out): what its receiver reported last
 */
void
gw_whep_viewer_get_link (GwWhepViewer * viewer, GwWhepLink * link)
{
  g_mutex_lock (&viewer->lock);
  *link = viewer->link;
  g_mutex_unlock (&viewer->lock);
}

/* ------------------------------------------------------------------ */
/* start, feed, close                                                   */

/* Host candidates on @address only (a loopback-only machine gathers none
 * by itself), and no UPnP: libnice would otherwise send SSDP discovery to
 * the LAN's multicast group and ask routers for port mappings. */
static void
viewer_setup_ice (GwWhepViewer * v, const gchar * address)
{
  GObject *ice = NULL, *agent = NULL;
  gboolean added = FALSE;

  g_object_get (v->webrtc, "ice-agent", &ice, NULL);
  if (ice == NULL)
    return;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent"))
    g_object_get (ice, "agent", &agent, NULL);
  if (agent && g_object_class_find_property (G_OBJECT_GET_CLASS (agent),
          "upnp"))
    g_object_set (agent, "upnp", FALSE, NULL);
  if (address)
    g_signal_emit_by_name (ice, "add-local-ip-address", address, &added);
  GST_DEBUG ("viewer %s: ICE on %s: %d", v->id, address ? address : "all",
      added);
  g_clear_object (&agent);
  g_object_unref (ice);
}

static gboolean
viewer_build (GwWhepViewer * v, const GwWhepOffer * offer,
    const gchar * ice_address, CgError ** error)
{
  g_autofree gchar *launch = g_strdup_printf ("appsrc name=src is-live=true "
      "format=time do-timestamp=true max-bytes=%u ! h264parse ! rtph264pay "
      "config-interval=-1 aggregate-mode=zero-latency pt=%d ! webrtcbin "
      "name=webrtc bundle-policy=max-bundle", VIEWER_MAX_BYTES, offer->pt);
  g_autoptr (GError) err = NULL;
  GstWebRTCRTPTransceiver *trans = NULL;
  GstPad *pad;

  v->pipeline = gst_parse_launch (launch, &err);
  if (v->pipeline == NULL || err) {
    *error = cg_error_new (CG_CODE_MISSING_COMPONENT, err ? err->message :
        "cannot build a WebRTC viewer pipeline");
    return FALSE;
  }
  gst_object_ref_sink (v->pipeline);
  v->appsrc = gst_bin_get_by_name (GST_BIN (v->pipeline), "src");
  v->webrtc = gst_bin_get_by_name (GST_BIN (v->pipeline), "webrtc");
  g_signal_emit_by_name (v->webrtc, "get-transceiver", 0, &trans);
  if (trans == NULL) {
    *error = cg_error_new (CG_CODE_MEDIA_PROCESSING_FAILED,
        "webrtcbin made no transceiver for the video");
    return FALSE;
  }
  g_object_set (trans, "direction",
      GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, "codec-preferences",
      offer->caps, NULL);
  gst_object_unref (trans);
  viewer_setup_ice (v, ice_address);
  g_signal_connect (v->webrtc, "notify::ice-gathering-state",
      G_CALLBACK (on_gathering_state), v);
  g_signal_connect (v->webrtc, "notify::connection-state",
      G_CALLBACK (on_connection_state), v);
  pad = gst_element_get_static_pad (v->appsrc, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
      on_upstream_event, v, NULL);
  gst_object_unref (pad);
  return TRUE;
}

/**
 * gw_whep_viewer_start:
 * @camera_id: the camera watched
 * @offer: the viewer's offer and its H.264 payload type
 * @ice_address: (nullable): the one local address for ICE
 * @timeout_ms: bound on negotiation and gathering
 * @callbacks: the outcomes, called on the thread-default main context
 * @error: (out): why the pipeline could not start
 *
 * Builds and starts the viewer's pipeline and its negotiation; exactly one
 * of the callbacks comes later, always from the context (never from this
 * call, never on webrtcbin's threads), and failed again if the connection
 * fails after the answer (an ICE failure before it is none). The viewer
 * is not fed until gw_whep_viewer_feed().
 *
 * Returns: (transfer full) (nullable): the viewer
 */
GwWhepViewer *
gw_whep_viewer_start (const gchar * camera_id, const GwWhepOffer * offer,
    const gchar * ice_address, guint timeout_ms,
    const GwWhepViewerCallbacks * callbacks, CgError ** error)
{
  GwWhepViewer *v = g_new0 (GwWhepViewer, 1);
  GstWebRTCSessionDescription *desc;
  g_autoptr (GstBus) bus = NULL;
  GstSDPMessage *sdp = NULL;

  if (gw_whep_viewer_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (gw_whep_viewer_debug, "gw-whep-viewer", 0,
        "camguard-gateway WHEP viewer");
  g_atomic_ref_count_init (&v->ref);
  g_mutex_init (&v->lock);
  v->id = g_uuid_string_random ();
  v->camera_id = g_strdup (camera_id);
  v->context = g_main_context_ref_thread_default ();
  v->callbacks = *callbacks;
  if (!viewer_build (v, offer, ice_address, error)) {
    if (v->pipeline)
      gst_element_set_state (v->pipeline, GST_STATE_NULL);
    viewer_unref (v);
    return NULL;
  }
  bus = gst_element_get_bus (v->pipeline);
  v->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (v->bus_source,
      (GSourceFunc) (GCallback) on_bus_message, viewer_ref (v), viewer_unref);
  g_source_attach (v->bus_source, v->context);
  v->timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (v->timeout, timeout_dispatch, viewer_ref (v),
      viewer_unref);
  g_source_attach (v->timeout, v->context);

  gst_element_set_state (v->pipeline, GST_STATE_PLAYING);
  gst_sdp_message_copy (offer->sdp, &sdp);
  desc = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_OFFER, sdp);
  g_signal_emit_by_name (v->webrtc, "set-remote-description", desc,
      gst_promise_new_with_change_func (on_remote_set, viewer_ref (v),
          viewer_unref));
  gst_webrtc_session_description_free (desc);
  GST_INFO ("viewer %s of %s: negotiating (pt %d)", v->id, camera_id,
      offer->pt);
  return v;
}

/**
 * gw_whep_viewer_feed:
 * @viewer: a viewer
 * @fanout: (nullable): the fan-out to consume from now (%NULL: none)
 *
 * Moves the viewer's appsrc to @fanout (a camera that restarted has a new
 * pipeline and a new fan-out); it waits for a keyframe there, which is
 * asked of the camera.
 */
void
gw_whep_viewer_feed (GwWhepViewer * viewer, GwFanout * fanout)
{
  if (viewer->fanout == fanout)
    return;
  if (viewer->fanout)
    gw_fanout_remove_consumer (viewer->fanout, viewer->appsrc);
  viewer->fanout = fanout;
  if (fanout && !viewer->closed)
    gw_fanout_add_consumer (fanout, viewer->appsrc, viewer, VIEWER_MAX_BYTES);
}

/**
 * gw_whep_viewer_stop_func:
 * @data: (transfer full): a closed viewer
 * @user_data: unused
 *
 * The thread pool's function: stops the viewer's pipeline (webrtcbin and
 * its ICE agent close) and drops the reference.
 */
void
gw_whep_viewer_stop_func (gpointer data, gpointer user_data)
{
  GwWhepViewer *v = data;

  gst_element_set_state (v->pipeline, GST_STATE_NULL);
  GST_INFO ("viewer %s of %s stopped", v->id, v->camera_id);
  viewer_unref (v);
}

/**
 * gw_whep_viewer_close:
 * @viewer: (transfer full): a viewer
 * @stopper: the thread pool that stops pipelines
 *
 * Ends the viewer: no more callbacks, no more access units; its pipeline
 * stops on @stopper, off the main context.
 */
void
gw_whep_viewer_close (GwWhepViewer * viewer, GThreadPool * stopper)
{
  viewer->closed = TRUE;
  gw_whep_viewer_feed (viewer, NULL);
  clear_source (&viewer->timeout);
  clear_source (&viewer->bus_source);
  g_signal_handlers_disconnect_by_data (viewer->webrtc, viewer);
  g_thread_pool_push (stopper, viewer, NULL);
}

/**
 * gw_whep_viewer_get_id:
 * @viewer: a viewer
 *
 * Returns: its session id
 */
const gchar *
gw_whep_viewer_get_id (GwWhepViewer * viewer)
{
  return viewer->id;
}

/**
 * gw_whep_viewer_get_camera_id:
 * @viewer: a viewer
 *
 * Returns: the camera it watches
 */
const gchar *
gw_whep_viewer_get_camera_id (GwWhepViewer * viewer)
{
  return viewer->camera_id;
}

/**
 * gw_whep_viewer_get_answered_us:
 * @viewer: a viewer
 *
 * Returns: the monotonic time of its answer, 0 before
 */
gint64
gw_whep_viewer_get_answered_us (GwWhepViewer * viewer)
{
  return viewer->answered_us;
}
