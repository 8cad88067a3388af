/* camguard - retrysrc: a camera source that survives errors, stalls and
 * restarts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-retrysrc
 * @title: retrysrc
 *
 * retrysrc wraps any source (a camera URI in #CgRetrySrc:uri, a gst-launch
 * fragment in #CgRetrySrc:source-description, or an element in
 * #CgRetrySrc:source) and keeps it running: when the source posts an ERROR, fails to change state,
 * sends EOS by itself while #CgRetrySrc:eos-is-failure is set, or stops
 * producing buffers for #CgRetrySrc:timeout milliseconds, retrysrc tears it
 * down to NULL and builds it again after a delay chosen by libcamguard's
 * #CgBackoff (exponential, capped, jittered, per-code policy: a camera that
 * answers 401 or 404 is retried at the maximum delay), guarded by a
 * #CgCircuitBreaker.
 *
 * Downstream is not disturbed: the src pad stays linked, no ERROR, EOS or
 * flush leaves the element while it retries, the stream-id and the segment
 * stay the same, and buffer timestamps continue monotonically. For raw video,
 * #CgRetrySrc:fallback-mode can keep frames flowing (black, colour bars or the
 * last frame) while the camera is away; encoded streams resume at a keyframe.
 *
 * A stall is reported between #CgRetrySrc:timeout and timeout + timeout/10
 * after the last buffer: the streaming thread only counts buffers (no clock
 * read) and a check on the element's clock looks at the count every
 * timeout/10.
 *
 * A description may end in caps (`v4l2src ! video/x-raw,width=1280`): an
 * explicit capsfilter is added for them. The source must have exactly one
 * free src pad, now or later (`uridecodebin uri=...`, `rtspsrc` first): a
 * description without one (`videotestsrc ! fakesink`) or with two fails
 * with a VALIDATION_ERROR naming the problem, as does one that does not
 * parse; where that can be known before starting, the NULL to READY state
 * change fails.
 *
 * ## Outages and attempts
 *
 * An *outage* starts at the first failure of a running (or first-starting)
 * source and ends at the first buffer of a restarted source (`recovered`)
 * or when retrysrc gives up. An *attempt* is one restart within an outage.
 * #CgRetrySrc:max-attempts = N gives up when the N-th attempt of one outage
 * fails; #CgRetrySrc:max-outage gives up when one outage has lasted longer.
 * A recovery ends the outage, so a camera that reboots every few seconds
 * never exhausts max-attempts. A source that fails again within
 * #CgRetrySrc:stable-period of its recovery is flapping: its new outage
 * counts attempts from 1 again but continues the delay sequence.
 *
 * Failures of the source are retried unless their code is known to be
 * permanent (VALIDATION_ERROR, MISSING_COMPONENT, UNSUPPORTED_FORMAT): a
 * source's PIPELINE_ERROR and INTERNAL_ERROR are retried at the normal pace
 * (retrysrc overrides their catalogue policy). CAMERA_UNREACHABLE from a
 * source that had delivered data is reported as CAMERA_DISCONNECTED.
 *
 * When retrysrc gives up it posts exactly one ERROR, with the original
 * error's domain and code and the catalogue code in the details field
 * `camguard-code` (plus `attempts`), and sends EOS downstream.
 *
 * ## End of stream
 *
 * An EOS sent to the element or to the pipeline (what `gst-launch-1.0 -e`
 * does at Ctrl-C) ends the stream: it goes through the running source (an
 * encoder in the description drains) or, when no source runs, straight
 * downstream. GST_FLOW_EOS returned by downstream (a sink that has enough)
 * ends the stream too. Neither is a failure.
 *
 * ## States
 *
 * The #CgRetrySrc:status property; every change goes through one function,
 * `transition()`:
 *
 * | to           | from                           | on                         | does |
 * |--------------|--------------------------------|----------------------------|------|
 * | starting     | idle, waiting, circuit-open    | READY→PAUSED; delay over   | builds and starts a source, arms the watchdog |
 * | running      | starting                       | first buffer               | ends the outage (`recovered`), stops the fallback |
 * | failing      | starting, running              | ERROR, source EOS, stall, state change failure, bad pads | stops the watchdog; tears down on the async thread |
 * | waiting      | failing                        | the backoff retries        | `retrying`, fallback frames, schedules the delay |
 * | circuit-open | failing, waiting, circuit-open | the breaker is open        | `circuit-open`, fallback, schedules the delay |
 * | failed       | failing                        | the backoff gives up       | `gave-up`, one ERROR, EOS downstream |
 * | ended        | starting … circuit-open        | EOS sent, downstream EOS, source EOS (eos-is-failure=false) | EOS through the source or downstream |
 * | idle         | any                            | PAUSED→READY               | cancels timers and fallback; the source is torn down |
 *
 * ## Messages
 *
 * retrysrc posts element messages named `camguard-retry` with these fields:
 *
 * - `event` (string): `retrying`, `recovered`, `gave-up` or `circuit-open`
 * - `attempt` (uint): retrying, circuit-open: the number, in this outage, of
 *   the attempt about to be made; recovered, gave-up: the attempts the
 *   outage took
 * - `next-delay` (guint64, ns): delay before the next attempt (retrying,
 *   circuit-open)
 * - `code` (string): the catalogue code of the failure, e.g.
 *   `CAMERA_UNREACHABLE`
 * - `error` (GstStructure `camguard-error`): the classified original error,
 *   secrets redacted (see cg_error_to_structure())
 * - `outage` (guint64, ns): how long the source was away (recovered)
 *
 * ## mp4mux
 *
 * retrysrc's src pad has ANY caps, so `retrysrc ! mp4mux` links to mp4mux's
 * first (audio) request pad. Name the video pad:
 * `retrysrc ... ! h264parse ! m.video_0 mp4mux name=m ! filesink ...`.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 retrysrc uri=rtsp://user:pass@127.0.0.1:8554/cam ! avdec_h264 ! autovideosink
 * gst-launch-1.0 retrysrc uri=http://127.0.0.1:8080/video.mjpg ! jpegdec ! autovideosink
 * gst-launch-1.0 retrysrc uri=/dev/video0 decode=true fallback-mode=black ! videoconvert ! autovideosink
 * gst-launch-1.0 retrysrc source-description="rtspsrc location=rtsp://127.0.0.1:8554/cam latency=0 ! rtph264depay ! h264parse" timeout=3000 ! avdec_h264 ! autovideosink
 * gst-launch-1.0 retrysrc source-description="v4l2src device=/dev/video0" fallback-mode=black ! videoconvert ! autovideosink
 * gst-launch-1.0 -e retrysrc source-description="rtspsrc location=rtsp://127.0.0.1:8554/cam ! rtph264depay" ! h264parse ! m.video_0 mp4mux name=m ! filesink location=cam.mp4
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <camguard.h>

#include "cgelementutil.h"
#include "cgretrysrc-private.h"
#include "gstcamguardelements.h"

G_DEFINE_TYPE (CgRetrySrc, cg_retry_src, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (retrysrc, "retrysrc", GST_RANK_NONE,
    CG_TYPE_RETRY_SRC);

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

GST_DEBUG_CATEGORY (cg_retry_src_debug);
#define GST_CAT_DEFAULT cg_retry_src_debug

/* ------------------------------------------------------------------ */
/* helpers                                                             */

GstClock *
cg_retry_src_get_clock (CgRetrySrc * self)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));

  return clock ? clock : gst_system_clock_obtain ();
}

GstClockTime
cg_retry_src_running_time (CgRetrySrc * self)
{
  GstClock *clock = cg_retry_src_get_clock (self);
  GstClockTime now = gst_clock_get_time (clock);
  GstClockTime base = gst_element_get_base_time (GST_ELEMENT (self));

  gst_object_unref (clock);
  return now > base ? now - base : 0;
}

static gboolean
copy_field (GQuark field, const GValue * value, gpointer user_data)
{
  gst_structure_id_set_value (user_data, field, value);
  return TRUE;
}

/* Posts an ERROR about @error: the GStreamer domain and code of @gerror
 * when there is one, else @domain and @code. */
void
cg_retry_src_post_error (CgRetrySrc * self, CgError * error,
    const GError * gerror, GQuark domain, gint code, gchar * text,
    GstStructure * extra)
{
  GstStructure *details = cg_error_to_details (error);
  gchar *debug = cg_redact (cg_error_get_debug (error));

  if (gerror && (gerror->domain == GST_CORE_ERROR
          || gerror->domain == GST_LIBRARY_ERROR
          || gerror->domain == GST_RESOURCE_ERROR
          || gerror->domain == GST_STREAM_ERROR)) {
    domain = gerror->domain;
    code = gerror->code;
  }
  if (extra) {
    gst_structure_foreach (extra, copy_field, details);
    gst_structure_free (extra);
  }
  gst_element_message_full_with_details (GST_ELEMENT (self),
      GST_MESSAGE_ERROR, domain, code, text, debug, __FILE__, GST_FUNCTION,
      __LINE__, details);
}

/* The stall watchdog fired: a failure of the current source. */
static void
on_stall (gpointer user_data)
{
  CgRetrySrc *self = user_data;
  CgError *err = cg_error_new (CG_CODE_CONNECTION_TIMEOUT,
      "The source produced no buffer within the timeout");

  cg_error_set_message_type (err, "stall");
  GST_OBJECT_LOCK (self);
  if (self->state.current)
    cg_error_set_source_path (err, GST_OBJECT_NAME (self->state.current));
  gst_structure_set (cg_error_get_details_writable (err), "timeout-ms",
      G_TYPE_UINT, self->settings.timeout_ms, NULL);
  GST_OBJECT_UNLOCK (self);
  cg_retry_src_failure (self, NULL, err, NULL);
  cg_error_unref (err);
}

/* ------------------------------------------------------------------ */
/* bus messages, events, state changes                                 */

/* The current instance, if @msg comes from inside it. */
static CgRetrySrcSource *
source_of_message (CgRetrySrc * self, GstMessage * msg)
{
  CgRetrySrcSource *src = NULL;

  GST_OBJECT_LOCK (self);
  if (self->state.current && GST_MESSAGE_SRC (msg)
      && (GST_MESSAGE_SRC (msg) == GST_OBJECT (self->state.current)
          || gst_object_has_as_ancestor (GST_MESSAGE_SRC (msg),
              GST_OBJECT (self->state.current))))
    src = gst_object_ref (self->state.current);
  GST_OBJECT_UNLOCK (self);
  return src;
}

/* An ERROR or an rtspsrc timeout of the current instance is its failure;
 * the message never leaves retrysrc. */
static void
handle_source_failure (CgRetrySrc * self, GstMessage * msg, CgCode fallback)
{
  CgRetrySrcSource *src = source_of_message (self, msg);
  GError *gerror = NULL;
  CgError *err;

  if (src) {
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      gst_message_parse_error (msg, &gerror, NULL);
    err = cg_classify_message (msg);
    if (err == NULL)
      err = cg_error_new (fallback, NULL);
    cg_retry_src_failure (self, src, err, gerror);
    cg_error_unref (err);
    g_clear_error (&gerror);
    gst_object_unref (src);
  }
  gst_message_unref (msg);
}

static void
cg_retry_src_handle_message (GstBin * bin, GstMessage * msg)
{
  CgRetrySrc *self = CG_RETRY_SRC (bin);

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      if (GST_MESSAGE_SRC (msg) == GST_OBJECT (self))
        break;                  /* our own ERROR goes up */
      handle_source_failure (self, msg, CG_CODE_MEDIA_PROCESSING_FAILED);
      return;
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (msg, "GstRTSPSrcTimeout")) {
        handle_source_failure (self, msg, CG_CODE_CONNECTION_TIMEOUT);
        return;
      }
      break;
    case GST_MESSAGE_EOS:
      /* a bin of sources never posts EOS upwards: it stays inside */
      gst_message_unref (msg);
      return;
    case GST_MESSAGE_ASYNC_START:
    case GST_MESSAGE_ASYNC_DONE:
      /* the source's state is retrysrc's business (it is locked): a
       * decodebin in it prerolling must not take the pipeline out of
       * PLAYING at every restart */
      gst_message_unref (msg);
      return;
    default:
      break;
  }
  GST_BIN_CLASS (cg_retry_src_parent_class)->handle_message (bin, msg);
}

/* An EOS sent to the element or to the pipeline ends the stream. */
static gboolean
cg_retry_src_send_event (GstElement * element, GstEvent * event)
{
  CgRetrySrc *self = CG_RETRY_SRC (element);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    Event ev = {.reason = "EOS sent by the application",.push_eos = TRUE };

    cg_retry_src_transition (self, CG_RETRY_SRC_STATUS_ENDED, &ev);
    gst_event_unref (event);
    return TRUE;
  }
  return GST_ELEMENT_CLASS (cg_retry_src_parent_class)->send_event (element,
      event);
}

static void
set_policy_clocks (CgRetrySrc * self)
{
  GstClock *clock = cg_retry_src_get_clock (self);

  cg_backoff_set_clock (self->backoff, clock);
  cg_circuit_breaker_set_clock (self->breaker, clock);
  gst_object_unref (clock);
}

static GstStateChangeReturn
cg_retry_src_change_state (GstElement * element, GstStateChange transition)
{
  CgRetrySrc *self = CG_RETRY_SRC (element);
  GstStateChangeReturn ret;
  Event ev = { 0 };

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!cg_retry_src_check_source (self))
        return GST_STATE_CHANGE_FAILURE;
      cg_backoff_reset (self->backoff);
      cg_circuit_breaker_reset (self->breaker);
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:{
      gchar *sid = gst_pad_create_stream_id (self->srcpad, element, NULL);

      set_policy_clocks (self);
      GST_OBJECT_LOCK (self);
      cg_output_reset (&self->state.output, sid,
          self->settings.fallback == CG_RETRY_SRC_FALLBACK_LAST_FRAME);
      GST_OBJECT_UNLOCK (self);
      break;
    }
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      /* the clock is known now: use it for policy and timers */
      set_policy_clocks (self);
      /* before the bin's change_state: it returns the locked child's last
       * return */
      cg_retry_src_sync_source_state (self);
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      cg_retry_src_sync_source_state (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      ev.reason = "stopping";
      cg_retry_src_transition (self, CG_RETRY_SRC_STATUS_IDLE, &ev);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (cg_retry_src_parent_class)->change_state (element,
      transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* only now is the ghost pad active: a source started before would
       * push into a flushing pad and fail at once */
      ev.reason = "started";
      cg_retry_src_transition (self, CG_RETRY_SRC_STATUS_STARTING, &ev);
      /* live sources: no preroll */
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* the pads are inactive: the source's pushes and the fallback's
       * return at once */
      cg_retry_src_teardown (self);
      cg_fallback_shutdown (self->fallback);
      break;
    default:
      break;
  }
  return ret;
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
cg_retry_src_finalize (GObject * object)
{
  CgRetrySrc *self = CG_RETRY_SRC (object);

  cg_watchdog_free (self->watchdog);
  cg_fallback_free (self->fallback);
  g_free (self->settings.description);
  g_free (self->settings.uri);
  gst_clear_object (&self->settings.user_source);
  g_clear_object (&self->backoff);
  g_clear_object (&self->breaker);
  g_clear_pointer (&self->state.last_error, cg_error_unref);
  g_clear_error (&self->state.last_gerror);
  if (self->state.delay_id)
    gst_clock_id_unref (self->state.delay_id);
  gst_clear_object (&self->state.current);
  cg_output_clear (&self->state.output);
  gst_object_unref (self->internal);
  g_mutex_clear (&self->source_lock);
  g_mutex_clear (&self->link_lock);
  G_OBJECT_CLASS (cg_retry_src_parent_class)->finalize (object);
}

static void
cg_retry_src_init (CgRetrySrc * self)
{
  /* the class's template: nothing to unref */
  self->srcpad = gst_ghost_pad_new_no_target_from_template ("src",
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self), "src"));
  self->internal = GST_PAD (gst_proxy_pad_get_internal (GST_PROXY_PAD
          (self->srcpad)));
  cg_retry_src_setup_pads (self);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);

  g_mutex_init (&self->source_lock);
  g_mutex_init (&self->link_lock);
  self->backoff = cg_backoff_new ();
  /* a failure of the source whose code is not known to be permanent is
   * retried: inside retrysrc, a source's PIPELINE_ERROR (a generic flow
   * error, a failed state change) and INTERNAL_ERROR are */
  cg_backoff_set_policy (self->backoff, CG_CODE_PIPELINE_ERROR,
      CG_RETRY_NORMAL);
  cg_backoff_set_policy (self->backoff, CG_CODE_INTERNAL_ERROR,
      CG_RETRY_NORMAL);
  self->breaker = cg_circuit_breaker_new ();
  self->watchdog = cg_watchdog_new (on_stall, self);
  self->fallback = cg_fallback_new (GST_ELEMENT (self), self->srcpad,
      (CgFallbackPtsFunc) cg_retry_src_fallback_pts, self);
  cg_retry_src_settings_init (self);
  self->state.status = CG_RETRY_SRC_STATUS_IDLE;
  cg_output_init (&self->state.output);
}

static void
cg_retry_src_class_init (CgRetrySrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBinClass *bin_class = GST_BIN_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (cg_retry_src_debug, "retrysrc", 0,
      "camguard retry-on-error source");

  gobject_class->set_property = cg_retry_src_set_property;
  gobject_class->get_property = cg_retry_src_get_property;
  gobject_class->finalize = cg_retry_src_finalize;
  cg_retry_src_install_properties (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Retry source", "Source/Generic/Bin",
      "Wraps a camera source and restarts it on error, EOS or stall with "
      "backoff, jitter and a circuit breaker, keeping downstream running",
      "camguard <dev@camguard.invalid>");
  gst_element_class_add_static_metadata (element_class,
      CG_ELEMENT_METADATA_MESSAGES,
      "element camguard-retry: event (retrying, recovered, gave-up, "
      "circuit-open), attempt, next-delay (ns), outage (ns), code, error "
      "(camguard-error structure, secrets redacted)"
      CG_MESSAGES_NEXT
      "ERROR when it gives up, or when the source cannot work (NULL to "
      "READY): details camguard-code, error, attempts"
      CG_MESSAGES_NEXT
      "WARNING camguard-code=VALIDATION_ERROR: a READY-only property set in "
      "PAUSED or PLAYING");

  element_class->change_state = GST_DEBUG_FUNCPTR (cg_retry_src_change_state);
  element_class->send_event = GST_DEBUG_FUNCPTR (cg_retry_src_send_event);
  bin_class->handle_message = GST_DEBUG_FUNCPTR (cg_retry_src_handle_message);

  gst_type_mark_as_plugin_api (CG_TYPE_RETRY_SRC_STATUS, 0);
  gst_type_mark_as_plugin_api (CG_TYPE_RETRY_SRC_FALLBACK, 0);
  gst_type_mark_as_plugin_api (CG_TYPE_JITTER, 0);
}
