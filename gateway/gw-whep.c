/* camguard-gateway - WebRTC live view (WHEP) of running cameras
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gw-whep
 * @short_description: WHEP viewers of the cameras, reaped and followed by
 *   the quality ladder
 *
 * Every camera with a pipeline (gw_whep_set_camera(), called again each
 * time the camera rebuilds its pipeline) has its fan-out (gw-fanout.c);
 * each viewer's appsrc is one more consumer of it, so a viewer costs a
 * payloader and a webrtcbin, never a decoder or an encoder. A restarted
 * camera's viewers move to the new pipeline's fan-out and wait for its
 * first keyframe.
 *
 * A timer on the main context (every stats_interval_ms) asks each viewer's
 * webrtcbin for its statistics (answered on webrtcbin's thread, never
 * waited for) and then, from what the previous answers said:
 *
 * - reaps a viewer whose receiver reports stopped advancing (a closed tab
 *   is never signalled: ICE stays connected for 45 s and more) for
 *   reap_timeout_ms since the later of its answer and its last advancing
 *   report; a failed ICE connection or a pipeline error ends a viewer at
 *   once;
 * - sets the camera's qualityladder `packet-loss` and `available-bitrate`
 *   (raw cameras in `auto` mode only) from the *weakest viewer still
 *   watching*: the highest loss (fraction lost, averaged over its last
 *   receiver reports) of the viewers whose reports are
 *   fresh, and the TCP-friendly rate (RFC 5348 §3.1) of that loss and
 *   round trip. With no viewer left the estimates go back to 0 (unknown),
 *   so the camera climbs back.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "gw-whep.h"
#include "gw-whep-private.h"

GST_DEBUG_CATEGORY_STATIC (gw_whep_debug);
#define GST_CAT_DEFAULT gw_whep_debug

/* RFC 5348's segment size for the rate estimate (bytes) */
#define TFRC_SEGMENT 1200.0

typedef struct
{
  gchar *id;
  GstElement *tee;              /* identity of the pipeline fed from */
  GwFanout *fanout;
  GstElement *ladder;           /* raw cameras only */
  gulong mode_id;               /* its notify::mode */
  gint ladder_auto;             /* atomic: its mode is auto */
  /* gw_whep_describe() without viewers: the text, and what it shows */
  gchar *idle_json;
  gboolean idle_ladder;
  gboolean idle_auto;
  gdouble idle_loss;
  guint idle_kbps;
  GPtrArray *viewers;           /* GwWhepViewer *, owned by GwWhep.sessions */
  gdouble applied_loss;
  guint applied_kbps;
  gchar *weakest;               /* session id, NULL when none */
} WhepCamera;

struct _GwWhep
{
  GwWhepLimits limits;
  gchar *ice_address;
  GHashTable *cameras;          /* id -> WhepCamera */
  GHashTable *sessions;         /* session id -> GwWhepViewer * */
  GHashTable *pending;          /* GwWhepViewer * -> GTask * (offer) */
  GThreadPool *stopper;
  GSource *tick;
  guint64 reaped;
};

typedef struct
{
  GwWhepAnswer *answer;
  CgError *error;
} OfferResult;

static void
offer_result_free (gpointer data)
{
  OfferResult *r = data;

  g_clear_pointer (&r->answer, gw_whep_answer_free);
  g_clear_pointer (&r->error, cg_error_unref);
  g_free (r);
}

static void
camera_free (gpointer data)
{
  WhepCamera *cam = data;

  g_clear_pointer (&cam->fanout, gw_fanout_release);
  gst_clear_object (&cam->tee);
  if (cam->ladder)
    g_clear_signal_handler (&cam->mode_id, cam->ladder);
  gst_clear_object (&cam->ladder);
  g_ptr_array_unref (cam->viewers);
  g_free (cam->weakest);
  g_free (cam->idle_json);
  g_free (cam->id);
  g_free (cam);
}

/**
 * gw_whep_limits_init:
 * @limits: (out): settings to fill with the defaults
 *
 * 16 viewers per camera, reaped after 10 s without an advancing receiver
 * report, 10 s for negotiation and gathering, statistics every second, ICE
 * on every interface.
 */
void
gw_whep_limits_init (GwWhepLimits * limits)
{
  limits->max_viewers = 16;
  limits->reap_timeout_ms = 10000;
  limits->gather_timeout_ms = 10000;
  limits->stats_interval_ms = 1000;
  limits->ice_address = NULL;
}

/**
 * gw_whep_answer_free:
 * @answer: (transfer full) (nullable): an answer
 */
void
gw_whep_answer_free (GwWhepAnswer * answer)
{
  if (answer == NULL)
    return;
  g_free (answer->session_id);
  g_free (answer->sdp);
  g_free (answer);
}

/* ------------------------------------------------------------------ */
/* ending viewers                                                       */

static void
offer_return (GTask * task, GwWhepAnswer * answer, CgError * error)
{
  OfferResult *r = g_new0 (OfferResult, 1);

  r->answer = answer;
  r->error = error;
  g_task_return_pointer (task, r, offer_result_free);
}

/* Takes @viewer out of every table and closes it; a pending offer fails
 * with @error. */
static void
end_viewer (GwWhep * whep, GwWhepViewer * viewer, const CgError * error,
    const gchar * why)
{
  const gchar *camera_id = gw_whep_viewer_get_camera_id (viewer);
  WhepCamera *cam = g_hash_table_lookup (whep->cameras, camera_id);
  GTask *task = NULL;

  g_hash_table_steal_extended (whep->pending, viewer, NULL,
      (gpointer *) & task);
  if (task) {
    offer_return (task, NULL, error ? cg_error_copy (error) :
        cg_error_new (CG_CODE_OPERATION_CANCELLED, why));
    g_object_unref (task);
  }
  if (cam)
    g_ptr_array_remove (cam->viewers, viewer);
  g_hash_table_remove (whep->sessions, gw_whep_viewer_get_id (viewer));
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "CAMERA", camera_id,
      "MESSAGE", "WHEP viewer %s ended: %s", gw_whep_viewer_get_id (viewer),
      why);
  gw_whep_viewer_close (viewer, whep->stopper);
}

static void
on_viewer_answered (GwWhepViewer * viewer, const gchar * sdp, gpointer data)
{
  GwWhep *whep = data;
  WhepCamera *cam = g_hash_table_lookup (whep->cameras,
      gw_whep_viewer_get_camera_id (viewer));
  GTask *task = NULL;
  GwWhepAnswer *answer;

  g_hash_table_steal_extended (whep->pending, viewer, NULL,
      (gpointer *) & task);
  if (task == NULL)
    return;
  answer = g_new0 (GwWhepAnswer, 1);
  answer->session_id = g_strdup (gw_whep_viewer_get_id (viewer));
  answer->sdp = g_strdup (sdp);
  offer_return (task, answer, NULL);
  g_object_unref (task);
  if (cam)
    gw_whep_viewer_feed (viewer, cam->fanout);
}

static void
on_viewer_failed (GwWhepViewer * viewer, CgError * error, gpointer data)
{
  GwWhep *whep = data;

  if (!g_hash_table_contains (whep->pending, viewer))
    whep->reaped++;             /* it was watching */
  end_viewer (whep, viewer, error, cg_error_get_message (error));
}

/* ------------------------------------------------------------------ */
/* the timer: statistics, reaping, the ladder                          */

/* RFC 5348 §3.1 with b = 1 and t_RTO = 4 R: the rate (kbit/s) a TCP flow
 * would get with this loss and round trip; 0 (unknown) without loss or
 * without a round trip. */
static guint
tfrc_kbps (gdouble p, gdouble rtt)
{
  gdouble denom, bps;

  if (p <= 0.0 || rtt <= 0.0)
    return 0;
  denom = rtt * sqrt (2.0 * p / 3.0)
      + 4.0 * rtt * (3.0 * sqrt (3.0 * p / 8.0)) * p * (1.0 + 32.0 * p * p);
  bps = 8.0 * TFRC_SEGMENT / denom;
  return (guint) MIN (bps / 1000.0, (gdouble) G_MAXUINT);
}

/* The ladder's mode, read when it is set and on each change (any thread:
 * g_object_set() notifies) and kept, so that neither the timer nor the
 * status reads the property. */
static void
read_ladder_mode (GObject * ladder, GParamSpec * spec, WhepCamera * cam)
{
  GEnumValue *mode;
  gint value = 0;

  g_object_get (ladder, "mode", &value, NULL);
  mode = g_enum_get_value (G_PARAM_SPEC_ENUM (spec)->enum_class, value);
  g_atomic_int_set (&cam->ladder_auto, mode
      && g_str_equal (mode->value_nick, "auto"));
}

static gboolean
ladder_is_auto (WhepCamera * cam)
{
  return cam->ladder && g_atomic_int_get (&cam->ladder_auto);
}

/* @cam follows @ladder's mode (none: not auto). */
static void
follow_ladder (WhepCamera * cam, GstElement * ladder)
{
  GParamSpec *spec = ladder ? g_object_class_find_property
      (G_OBJECT_GET_CLASS (ladder), "mode") : NULL;

  if (cam->ladder)
    g_clear_signal_handler (&cam->mode_id, cam->ladder);
  gst_object_replace ((GstObject **) & cam->ladder, (GstObject *) ladder);
  g_atomic_int_set (&cam->ladder_auto, FALSE);
  if (spec == NULL || !G_IS_PARAM_SPEC_ENUM (spec))
    return;
  cam->mode_id = g_signal_connect (ladder, "notify::mode",
      G_CALLBACK (read_ladder_mode), cam);
  read_ladder_mode (G_OBJECT (ladder), spec, cam);
}

static gboolean
link_is_fresh (const GwWhep * whep, const GwWhepLink * link, gint64 now)
{
  return link->have_rb
      && now - link->advanced_us <= (gint64) whep->limits.reap_timeout_ms *
      1000;
}

/* The weakest viewer still watching drives the camera's ladder. */
static void
camera_follow_weakest (GwWhep * whep, WhepCamera * cam, gint64 now)
{
  GwWhepViewer *weakest = NULL;
  GwWhepLink worst = { 0 }, link;
  guint kbps;
  guint i;

  for (i = 0; i < cam->viewers->len; i++) {
    GwWhepViewer *v = g_ptr_array_index (cam->viewers, i);

    gw_whep_viewer_get_link (v, &link);
    if (!link_is_fresh (whep, &link, now))
      continue;
    if (weakest == NULL || link.loss > worst.loss) {
      weakest = v;
      worst = link;
    }
  }
  g_free (cam->weakest);
  cam->weakest = weakest ? g_strdup (gw_whep_viewer_get_id (weakest)) : NULL;
  if (!ladder_is_auto (cam))
    return;
  kbps = weakest ? tfrc_kbps (worst.loss, worst.rtt_s) : 0;
  if (worst.loss == cam->applied_loss && kbps == cam->applied_kbps)
    return;
  GST_INFO ("camera %s: weakest viewer %s, loss %.3f, %u kbit/s", cam->id,
      cam->weakest ? cam->weakest : "(none)", worst.loss, kbps);
  g_object_set (cam->ladder, "packet-loss", worst.loss,
      "available-bitrate", kbps, NULL);
  cam->applied_loss = worst.loss;
  cam->applied_kbps = kbps;
}

/* Whether @viewer's receiver went quiet for longer than reap_timeout_ms. */
static gboolean
viewer_is_stale (GwWhep * whep, GwWhepViewer * viewer, gint64 now)
{
  gint64 answered = gw_whep_viewer_get_answered_us (viewer);
  GwWhepLink link;
  gint64 since;

  if (answered == 0)
    return FALSE;               /* still negotiating: its own timeout */
  gw_whep_viewer_get_link (viewer, &link);
  since = link.have_rb ? MAX (answered, link.advanced_us) : answered;
  return now - since > (gint64) whep->limits.reap_timeout_ms * 1000;
}

static gboolean
on_tick (gpointer data)
{
  GwWhep *whep = data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr (GPtrArray) stale = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  guint i;

  g_hash_table_iter_init (&iter, whep->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    if (viewer_is_stale (whep, value, now))
      g_ptr_array_add (stale, value);
    else
      gw_whep_viewer_poll_stats (value);
  }
  for (i = 0; i < stale->len; i++) {
    whep->reaped++;
    end_viewer (whep, g_ptr_array_index (stale, i), NULL,
        "its receiver reports stopped");
  }
  g_hash_table_iter_init (&iter, whep->cameras);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    camera_follow_weakest (whep, value, now);
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* cameras                                                              */

/**
 * gw_whep_new:
 * @limits: the settings (copied)
 *
 * Returns: (transfer full): no viewer yet; its timer runs on the
 *   thread-default main context, where every other call must be made
 */
GwWhep *
gw_whep_new (const GwWhepLimits * limits)
{
  GwWhep *whep = g_new0 (GwWhep, 1);

  if (gw_whep_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (gw_whep_debug, "gw-whep", 0,
        "camguard-gateway WHEP viewers");
  whep->limits = *limits;
  whep->ice_address = g_strdup (limits->ice_address);
  whep->limits.ice_address = whep->ice_address;
  whep->cameras = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      camera_free);
  whep->sessions = g_hash_table_new (g_str_hash, g_str_equal);
  whep->pending = g_hash_table_new (NULL, NULL);
  whep->stopper = g_thread_pool_new (gw_whep_viewer_stop_func, NULL, 2,
      FALSE, NULL);
  whep->tick = g_timeout_source_new (MAX (limits->stats_interval_ms, 100));
  g_source_set_callback (whep->tick, on_tick, whep, NULL);
  g_source_attach (whep->tick, g_main_context_get_thread_default ());
  return whep;
}

static void
camera_end_viewers (GwWhep * whep, WhepCamera * cam, const gchar * why)
{
  while (cam->viewers->len > 0) {
    g_autoptr (CgError) error = cg_error_new (CG_CODE_CAMERA_NOT_FOUND, why);

    end_viewer (whep, g_ptr_array_index (cam->viewers, 0), error, why);
  }
}

/**
 * gw_whep_free:
 * @whep: (transfer full) (nullable): the viewers
 *
 * Ends every viewer (pending offers fail) and waits for their pipelines to
 * stop; the fan-outs are released.
 */
void
gw_whep_free (GwWhep * whep)
{
  GHashTableIter iter;
  gpointer value;

  if (whep == NULL)
    return;
  g_source_destroy (whep->tick);
  g_source_unref (whep->tick);
  g_hash_table_iter_init (&iter, whep->cameras);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    camera_end_viewers (whep, value, "the gateway is stopping");
  g_hash_table_unref (whep->cameras);
  g_hash_table_unref (whep->sessions);
  g_hash_table_unref (whep->pending);
  g_thread_pool_free (whep->stopper, FALSE, TRUE);
  g_free (whep->ice_address);
  g_free (whep);
}

/**
 * gw_whep_set_camera:
 * @whep: the viewers
 * @camera_id: a camera
 * @tee: (nullable): the tee of its current pipeline (%NULL: no pipeline
 *   now; its viewers stay, unfed)
 * @ladder: (nullable): its qualityladder (raw cameras), driven by the
 *   viewers' links in auto mode
 *
 * Follows the camera's pipeline: when @tee changed, its viewers move to
 * the new pipeline's fan-out.
 */
void
gw_whep_set_camera (GwWhep * whep, const gchar * camera_id, GstElement * tee,
    GstElement * ladder)
{
  WhepCamera *cam = g_hash_table_lookup (whep->cameras, camera_id);
  g_autoptr (GError) err = NULL;
  guint i;

  if (cam == NULL) {
    cam = g_new0 (WhepCamera, 1);
    cam->id = g_strdup (camera_id);
    cam->viewers = g_ptr_array_new ();
    g_hash_table_insert (whep->cameras, cam->id, cam);
  }
  if (ladder != cam->ladder) {
    follow_ladder (cam, ladder);
    cam->applied_loss = 0.0;
    cam->applied_kbps = 0;
  }
  if (tee == cam->tee)
    return;
  for (i = 0; i < cam->viewers->len; i++)
    gw_whep_viewer_feed (g_ptr_array_index (cam->viewers, i), NULL);
  g_clear_pointer (&cam->fanout, gw_fanout_release);
  gst_object_replace ((GstObject **) & cam->tee, (GstObject *) tee);
  if (tee && (cam->fanout = gw_fanout_acquire (tee, &err)) == NULL)
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "CAMERA", camera_id,
        "MESSAGE", "no WHEP live view: %s", err->message);
  for (i = 0; cam->fanout && i < cam->viewers->len; i++) {
    GwWhepViewer *v = g_ptr_array_index (cam->viewers, i);

    if (gw_whep_viewer_get_answered_us (v) > 0)
      gw_whep_viewer_feed (v, cam->fanout);
  }
}

/**
 * gw_whep_remove_camera:
 * @whep: the viewers
 * @camera_id: a camera that goes away
 *
 * Ends the camera's viewers and releases its fan-out.
 */
void
gw_whep_remove_camera (GwWhep * whep, const gchar * camera_id)
{
  WhepCamera *cam = g_hash_table_lookup (whep->cameras, camera_id);

  if (cam == NULL)
    return;
  camera_end_viewers (whep, cam, "the camera was removed");
  g_hash_table_remove (whep->cameras, camera_id);
}

/* ------------------------------------------------------------------ */
/* offers and sessions                                                  */

static gboolean
content_type_is_sdp (const gchar * content_type)
{
  gsize n = strlen ("application/sdp");

  return content_type && g_ascii_strncasecmp (content_type,
      "application/sdp", n) == 0 && (content_type[n] == '\0'
      || content_type[n] == ';' || content_type[n] == ' ');
}

/* The checks before a viewer is built; NULL when it may be. */
static CgError *
offer_check (GwWhep * whep, WhepCamera * cam, const gchar * content_type)
{
  CgError *error;

  if (!content_type_is_sdp (content_type)) {
    error = cg_error_new (CG_CODE_UNSUPPORTED_FORMAT,
        "A WHEP offer is sent as application/sdp");
    gst_structure_set (cg_error_get_details_writable (error), "content_type",
        G_TYPE_STRING, content_type ? content_type : "", "expected",
        G_TYPE_STRING, "application/sdp", NULL);
    return error;
  }
  if (cam == NULL || cam->fanout == NULL)
    return cg_error_new (CG_CODE_CAMERA_BUSY, "The camera is not running");
  if (cam->viewers->len >= whep->limits.max_viewers) {
    error = cg_error_new (CG_CODE_TOO_MANY_CONNECTIONS,
        "The camera has as many WHEP viewers as it may have");
    gst_structure_set (cg_error_get_details_writable (error), "limit",
        G_TYPE_UINT, whep->limits.max_viewers, NULL);
    return error;
  }
  return NULL;
}

/**
 * gw_whep_offer_async:
 * @whep: the viewers
 * @camera_id: the camera to watch
 * @content_type: (nullable): the request's Content-Type
 * @body: the offer
 * @callback: called on the main context with the answer or the error
 * @user_data: for @callback
 *
 * Starts a viewer of @camera_id from a WHEP offer; @callback comes once
 * its answer is ready (negotiated, ICE gathered) or it failed. Never
 * blocks.
 */
void
gw_whep_offer_async (GwWhep * whep, const gchar * camera_id,
    const gchar * content_type, GBytes * body, GAsyncReadyCallback callback,
    gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  WhepCamera *cam = g_hash_table_lookup (whep->cameras, camera_id);
  GwWhepViewerCallbacks callbacks = { on_viewer_answered, on_viewer_failed,
    whep
  };
  g_autoptr (GwWhepOffer) offer = NULL;
  CgError *error = offer_check (whep, cam, content_type);
  GwWhepViewer *viewer;
  gsize len = 0;
  const gchar *text = body ? g_bytes_get_data (body, &len) : NULL;

  g_task_set_source_tag (task, gw_whep_offer_async);
  if (error == NULL)
    offer = gw_whep_offer_parse (text, len, &error);
  if (error == NULL) {
    viewer = gw_whep_viewer_start (camera_id, offer, whep->ice_address,
        whep->limits.gather_timeout_ms, &callbacks, &error);
    if (viewer) {
      g_ptr_array_add (cam->viewers, viewer);
      g_hash_table_insert (whep->sessions,
          (gpointer) gw_whep_viewer_get_id (viewer), viewer);
      g_hash_table_insert (whep->pending, viewer, task);
      return;
    }
  }
  offer_return (task, NULL, error);
  g_object_unref (task);
}

/**
 * gw_whep_offer_finish:
 * @whep: the viewers
 * @result: the result given to the callback
 * @error: (out): %CG_CODE_UNSUPPORTED_FORMAT (not application/sdp, no
 *   H.264 video), %CG_CODE_INVALID_REQUEST (not SDP), %CG_CODE_CAMERA_BUSY
 *   (no pipeline), %CG_CODE_TOO_MANY_CONNECTIONS,
 *   %CG_CODE_OPERATION_TIMEOUT (negotiation or gathering too slow),
 *   %CG_CODE_MEDIA_PROCESSING_FAILED
 *
 * Returns: (transfer full) (nullable): the session id and the answer
 */
GwWhepAnswer *
gw_whep_offer_finish (GwWhep * whep, GAsyncResult * result, CgError ** error)
{
  OfferResult *r = g_task_propagate_pointer (G_TASK (result), NULL);
  GwWhepAnswer *answer;

  if (r == NULL) {
    *error = cg_error_new (CG_CODE_INTERNAL_ERROR, NULL);
    return NULL;
  }
  answer = g_steal_pointer (&r->answer);
  if (answer == NULL)
    *error = g_steal_pointer (&r->error);
  offer_result_free (r);
  return answer;
}

/**
 * gw_whep_end:
 * @whep: the viewers
 * @camera_id: the camera of the session's URL
 * @session_id: the session id
 * @error: (out): %CG_CODE_RESOURCE_NOT_FOUND for no such session of that
 *   camera
 *
 * Ends a viewer (WHEP DELETE).
 *
 * Returns: whether it existed
 */
gboolean
gw_whep_end (GwWhep * whep, const gchar * camera_id,
    const gchar * session_id, CgError ** error)
{
  GwWhepViewer *viewer = session_id ? g_hash_table_lookup (whep->sessions,
      session_id) : NULL;

  if (viewer == NULL
      || g_strcmp0 (gw_whep_viewer_get_camera_id (viewer), camera_id) != 0) {
    *error = cg_error_new (CG_CODE_RESOURCE_NOT_FOUND, "No such WHEP session");
    return FALSE;
  }
  end_viewer (whep, viewer, NULL, "the viewer ended the session");
  return TRUE;
}

/**
 * gw_whep_count_viewers:
 * @whep: the viewers
 * @camera_id: (nullable): a camera, or %NULL for all
 *
 * Returns: the viewers (negotiating or watching) of @camera_id
 */
guint
gw_whep_count_viewers (GwWhep * whep, const gchar * camera_id)
{
  WhepCamera *cam;

  if (camera_id == NULL)
    return g_hash_table_size (whep->sessions);
  cam = g_hash_table_lookup (whep->cameras, camera_id);
  return cam ? cam->viewers->len : 0;
}

/**
 * gw_whep_get_reaped:
 * @whep: the viewers
 *
 * Returns: how many watching viewers were ended without a DELETE (receiver
 *   reports stopped, ICE failed, pipeline error) since the start
 */
guint64
gw_whep_get_reaped (GwWhep * whep)
{
  return whep->reaped;
}

static void
add_link (CgJsonWriter * w, GwWhepViewer * v)
{
  GwWhepLink link;

  gw_whep_viewer_get_link (v, &link);
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "session", gw_whep_viewer_get_id (v));
  cg_json_writer_member_boolean (w, "watching",
      gw_whep_viewer_get_answered_us (v) > 0);
  cg_json_writer_member_boolean (w, "reports", link.have_rb);
  cg_json_writer_member_double (w, "fraction_lost", link.fraction_lost);
  cg_json_writer_member_double (w, "loss", link.loss);
  cg_json_writer_member_double (w, "jitter_ms", link.jitter_s * 1000.0);
  cg_json_writer_member_double (w, "rtt_ms", link.rtt_s * 1000.0);
  cg_json_writer_member_int (w, "packets_sent", (gint64) link.packets_sent);
  cg_json_writer_end_object (w);
}

/* How the viewers' links act on the camera's quality (@is_auto: its
 * ladder's mode, read once), and why not. */
static void
add_quality_policy (CgJsonWriter * w, WhepCamera * cam, gboolean is_auto)
{
  const gchar *why_not = NULL;

  if (cam == NULL || cam->ladder == NULL)
    why_not = "no quality ladder: the camera's H.264 is passed through "
        "(or it is not running), a viewer's link cannot lower it";
  else if (!is_auto)
    why_not = "the quality ladder is in manual mode";
  cg_json_writer_member_string (w, "policy", "weakest-viewer");
  cg_json_writer_member_boolean (w, "link_drives_quality", why_not == NULL);
  if (why_not) {
    cg_json_writer_member_string (w, "why_not", why_not);
  } else {
    cg_json_writer_member_double (w, "packet_loss", cam->applied_loss);
    cg_json_writer_member_int (w, "available_kbps", cam->applied_kbps);
  }
}

static void
write_description (GwWhep * whep, WhepCamera * cam, gboolean is_auto,
    CgJsonWriter * w)
{
  guint i;

  cg_json_writer_begin_object (w);
  cg_json_writer_member_int (w, "viewers", cam ? cam->viewers->len : 0);
  cg_json_writer_member_int (w, "max_viewers", whep->limits.max_viewers);
  add_quality_policy (w, cam, is_auto);
  cg_json_writer_member_string (w, "weakest", cam ? cam->weakest : NULL);
  cg_json_writer_member (w, "sessions");
  cg_json_writer_begin_array (w);
  for (i = 0; cam && i < cam->viewers->len; i++)
    add_link (w, g_ptr_array_index (cam->viewers, i));
  cg_json_writer_end_array (w);
  cg_json_writer_end_object (w);
}

/**
 * gw_whep_describe:
 * @whep: the viewers
 * @camera_id: a camera
 * @w: where the description is written, as a value
 *
 * The camera's live view for its status: `viewers` (count), `max_viewers`,
 * `policy` ("weakest-viewer"), `link_drives_quality` (and `why_not`, or
 * the `packet_loss` and `available_kbps` given to the ladder), `weakest`
 * (a session id or null) and `sessions` (each viewer's last receiver
 * report: `fraction_lost`, `jitter_ms`, `rtt_ms`), written to @w as a
 * value. Without viewers the text changes only with the policy (a ladder
 * or none, its mode, what was given to it): it is kept while that stays.
 */
void
gw_whep_describe (GwWhep * whep, const gchar * camera_id, CgJsonWriter * w)
{
  WhepCamera *cam = g_hash_table_lookup (whep->cameras, camera_id);
  gboolean is_auto = cam && ladder_is_auto (cam);
  CgJsonWriter *idle;

  if (cam == NULL || cam->viewers->len > 0 || cam->weakest) {
    write_description (whep, cam, is_auto, w);
    return;
  }
  if (cam->idle_json == NULL || cam->idle_ladder != (cam->ladder != NULL)
      || cam->idle_auto != is_auto || cam->idle_loss != cam->applied_loss
      || cam->idle_kbps != cam->applied_kbps) {
    idle = cg_json_writer_new ();
    write_description (whep, cam, is_auto, idle);
    g_free (cam->idle_json);
    cam->idle_json = cg_json_writer_free_to_string (idle, NULL);
    cam->idle_ladder = cam->ladder != NULL;
    cam->idle_auto = is_auto;
    cam->idle_loss = cam->applied_loss;
    cam->idle_kbps = cam->applied_kbps;
  }
  cg_json_writer_raw (w, cam->idle_json);
}
