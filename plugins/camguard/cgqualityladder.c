/* camguard - qualityladder: live resolution and bitrate stepping
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-qualityladder
 * @title: qualityladder
 *
 * qualityladder encodes raw video and steps the resolution and bitrate down
 * a ladder (for example 4K → 1080p → 720p) when the link or the CPU cannot
 * keep up, and back up when things improve, without restarting the pipeline
 * and without oscillating.
 *
 * Inside it is a bin: `queue ! videoscale ! capsfilter ! encoder`. One sink
 * pad takes raw video (in a format the encoder accepts; put `videoconvert`
 * in front if needed), one src pad gives the encoded stream.
 *
 * The parts live in their own files: the ladder grammar is #CgLadder
 * (libcamguard cg-ladder.c); the decision is a pure function
 * (cgqualityladder-decide.c); the encoders are a table
 * (cgqualityladder-encoders.c); the probes and the tick that feed the
 * decision and carry out steps are cgqualityladder-step.c; property checks
 * and rejections are cgqualityladder-settings.c. This file holds the
 * class, the properties and the state changes.
 *
 * ## The ladder
 *
 * #CgQualityLadder:ladder lists the steps (rungs) from best to lowest,
 * comma separated, in the grammar of cg_ladder_parse(): each step is
 * `name:WIDTHxHEIGHT@KBPS` (a bounding box) or the shorthand `NNNp:KBPS`
 * (height NNN). The default is
 * `2160p:16000,1080p:6000,720p:2500`. The output keeps the aspect ratio and
 * pixel-aspect-ratio of the input (widths are rounded to even numbers). Steps
 * that would upscale the input are skipped; if every step would, the lowest
 * step is used at the input size. Step indices (#CgQualityLadder:step,
 * #CgQualityLadder:current-step, #CgQualityLadder::set-step) count from 0 =
 * the first step of the ladder string.
 *
 * ## Triggers
 *
 * In `mode=auto` the element evaluates these signals every 100 ms on the
 * element's clock (a periodic clock id; never the main loop):
 *
 * - upstream QoS events from downstream sinks with `qos=true`: pressure when
 *   the buffers of the last interval were late on average (jitter > 0) or
 *   the proportion exceeds 1.1;
 * - the fill level of the internal queue in front of the scaler and encoder
 *   (`current-level-time` / #CgQualityLadder:queue-time): pressure at or above
 *   #CgQualityLadder:queue-threshold, unless the encoded frames still leave on
 *   time (a queue kept full by sinks waiting for the render time of a live
 *   stream, or by a non-live source running ahead of the clock, is not a
 *   backlog);
 * - encoder lateness: the running time of each encoded buffer (plus the
 *   latency of a live upstream, queried once a second) against the clock;
 *   pressure when it is more than #CgQualityLadder:max-lateness late;
 * - #CgQualityLadder:available-bitrate, an external bandwidth estimate in
 *   kbit/s (RTCP receiver reports, SRT stats, the gateway): pressure when it
 *   is below the current step's bitrate; the step-down then goes straight to
 *   the best step that fits;
 * - #CgQualityLadder:packet-loss (0..1): pressure above
 *   #CgQualityLadder:loss-threshold; step-up only below 0.02.
 *
 * `mode=manual` ignores all automatic triggers; only
 * #CgQualityLadder::step-down, #CgQualityLadder::step-up,
 * #CgQualityLadder::set-step and #CgQualityLadder:step change the step. They
 * also work in auto mode, where the automatic logic may later move on from
 * the step they chose.
 *
 * ## Hysteresis
 *
 * One decision function: the element steps down once pressure has been
 * sustained for #CgQualityLadder:down-reaction (the decision is taken 200 ms
 * early, so that the first frame at the lower step leaves within
 * down-reaction of the onset), one step at a time (or
 * directly to the step that fits the available bitrate). It steps up one
 * step only after #CgQualityLadder:up-hold of continuous headroom (the
 * available bitrate at least #CgQualityLadder:up-margin times the next step's
 * bitrate, low loss, no late QoS, a low queue, low lateness), and never
 * within #CgQualityLadder:block-time after a downgrade. A downgrade soon after
 * an upgrade (a failed probe) doubles the blocking period (up to 64 times), so
 * a load that only the lower step sustains settles there.
 *
 * ## States
 *
 * In NULL and READY the element holds its settings and builds its encoder
 * child; going to PAUSED it forgets the input and the steps (the current
 * step is -1 until the first frame). In PLAYING a periodic id on the
 * element's clock evaluates the signals every 100 ms (auto mode); PLAYING to
 * PAUSED stops it. A step is requested (caps on the capsfilter) and then
 * finished when its first frame reaches the encoder (bitrate, keyframe,
 * messages, #CgQualityLadder:current-step).
 *
 * ## What a step does
 *
 * New caps on the capsfilter (videoscale renegotiates on the next buffer; no
 * EOS, no restart; the RECONFIGURE that causes stops at the ladder's sink
 * pad, so the camera upstream is never renegotiated for a step), the new bitrate written to the encoder in its own units
 * (x264enc/x265enc `bitrate` kbit/s, openh264enc `bitrate` bit/s, vp8enc
 * `target-bitrate` bit/s, jpegenc `quality` derived from the bits per
 * pixel), and a forced keyframe
 * (gst_video_event_new_downstream_force_key_unit() into the encoder) on the
 * first frame at the new size. Encoders are tuned for live use
 * (x264enc/x265enc tune=zerolatency speed-preset=ultrafast, vp8enc
 * deadline=1 end-usage=cbr, openh264enc rate-control=bitrate complexity=low)
 * with a keyframe interval of #CgQualityLadder:key-int-max frames.
 *
 * ## The camguard-quality message
 *
 * Posted as an element message once the first frame of a new step reaches
 * the encoder, together with a standard live QoS message (quality =
 * `quality` x 1000000, proportion = new / previous quality), as the
 * GStreamer QoS design asks of elements that change their processing
 * quality. Its error part is a #CgError of `QUALITY_DEGRADED` whose details
 * are the seed-002 fields, rendered by cg_error_to_structure(); the
 * message carries its `code`, `severity`, `message` and details at the top
 * level (camelCase, as seed-002 has them), and the ladder facts:
 *
 * - `code` (string): "QUALITY_DEGRADED" when the new step is below the best
 *   usable step, "recovered" when it is back at the best usable step
 * - `severity` (string): "warning" (catalogue severity of QUALITY_DEGRADED)
 * - `message` (string): the catalogue message
 * - `direction` (string): "down" or "up"
 * - `quality` (double, 0..1): new step bitrate / best usable step bitrate
 * - `previous` (double, 0..1): the same for the previous step
 * - `reason` (string): "bandwidth", "packet-loss", "qos", "queue",
 *   "lateness", "headroom" or "manual"
 * - `packetLoss` (double, 0..1): the last #CgQualityLadder:packet-loss
 * - `latency` (double, ms): the last measured encoder lateness
 * - `jitter` (double, ms): the jitter of the last QoS event
 * - `bandwidth` (uint, kbit/s): #CgQualityLadder:available-bitrate (0 = unknown)
 * - `recommendedAction` (string): "reduce_quality" on a step down,
 *   "audio_only" when the lowest step is reached, "none" on a step up
 * - `step`, `previous-step` (int), `step-name`, `previous-step-name` (string),
 *   `width`, `height`, `previous-width`, `previous-height` (int),
 *   `bitrate`, `previous-bitrate` (uint, kbit/s), `encoder` (string)
 * - only while degraded: `camguard-code` (#CG_DETAILS_CODE_FIELD,
 *   "QUALITY_DEGRADED") and `error` (#CG_DETAILS_ERROR_FIELD), the whole
 *   `camguard-error` structure, which cg_error_from_details() reads back
 *
 * ## Errors
 *
 * An unparsable #CgQualityLadder:ladder (see cg_ladder_parse()), an
 * unsupported or missing #CgQualityLadder:encoder or a
 * #CgQualityLadder:step or #CgQualityLadder::set-step out of range is
 * rejected: the setting keeps its old value and the element posts a
 * WARNING whose details carry `camguard-code` (VALIDATION_ERROR or
 * MISSING_COMPONENT), `property`, the rejected `value` and the `problem`
 * (for a step, the valid range). If a rejected property was never set to a
 * valid value since, the next start fails with an ERROR carrying the same
 * details, so a mistyped gst-launch line (whose warnings have no bus yet)
 * never runs silently with defaults. A new ladder with fewer rungs than the
 * requested step moves the step to its lowest rung, with the same WARNING
 * for `step`. Properties that take effect only when the element starts
 * (#CgQualityLadder:encoder, #CgQualityLadder:key-int-max) are refused in
 * PAUSED and PLAYING with a VALIDATION_ERROR WARNING naming them.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! video/x-raw,width=3840,height=2160 ! \
 *     qualityladder mode=manual step=2 ! h264parse ! fakesink
 * ]| A 4K test source encoded at 720p / 2500 kbit/s.
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! \
 *     qualityladder ladder="1080p:6000,720p:2500,480p:1000" available-bitrate=3000 ! \
 *     rtph264pay ! udpsink host=127.0.0.1 port=5000
 * ]| Automatic stepping with an external bandwidth estimate.
 *
 * Since: 0.1
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cgelementutil.h"
#include "cgqualityladder-private.h"
#include "gstcamguardelements.h"

GST_DEBUG_CATEGORY (cg_quality_ladder_debug);
#define GST_CAT_DEFAULT cg_quality_ladder_debug

#define cg_quality_ladder_parent_class parent_class
G_DEFINE_TYPE (CgQualityLadder, cg_quality_ladder, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (qualityladder, "qualityladder", GST_RANK_NONE,
    CG_TYPE_QUALITY_LADDER);

enum
{
  SIGNAL_STEP_DOWN,
  SIGNAL_STEP_UP,
  SIGNAL_SET_STEP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-h264; video/x-h265; video/x-vp8; image/jpeg"));

/* ------------------------------------------------------------------------ */
/* states                                                                   */

static GstStateChangeReturn
cg_quality_ladder_change_state (GstElement * element, GstStateChange transition)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!cg_quality_ladder_check_settings (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      cg_quality_ladder_reset_state (self);
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      cg_quality_ladder_stop_ticks (self);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  if (transition == GST_STATE_CHANGE_PAUSED_TO_PLAYING)
    cg_quality_ladder_start_ticks (self);
  return ret;
}

static gboolean
cg_quality_ladder_set_clock (GstElement * element, GstClock * clock)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (element);
  gboolean ret;

  ret = GST_ELEMENT_CLASS (parent_class)->set_clock (element, clock);
  if (GST_STATE (self) == GST_STATE_PLAYING) {
    if (clock)
      cg_quality_ladder_start_ticks (self);
    else
      cg_quality_ladder_stop_ticks (self);
  }
  return ret;
}

static void
cg_quality_ladder_dispose (GObject * object)
{
  cg_quality_ladder_stop_ticks (CG_QUALITY_LADDER (object));
  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
cg_quality_ladder_finalize (GObject * object)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (object);

  cg_ladder_free (self->settings.ladder);
  g_free (self->settings.encoder_name);
  gst_structure_free (self->settings.rejected);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
cg_quality_ladder_init (CgQualityLadder * self)
{
  GstPad *pad;
  GError *err = NULL;

  cg_quality_ladder_init_settings (&self->settings);
  self->state.current_step = -1;
  self->state.bitrate_step = -1;
  self->state.step_entered = GST_CLOCK_TIME_NONE;
  self->state.qos_last = GST_CLOCK_TIME_NONE;
  self->state.lateness_max = G_MININT64;
  cg_ladder_hold_init (&self->state.hold);
  gst_segment_init (&self->state.enc_segment, GST_FORMAT_UNDEFINED);
  cg_quality_ladder_fit_locked (self);

  self->queue = gst_element_factory_make ("queue", "queue");
  self->scale = gst_element_factory_make ("videoscale", "scale");
  self->filter = gst_element_factory_make ("capsfilter", "filter");
  g_object_set (self->queue, "max-size-buffers", 0, "max-size-bytes", 0,
      "max-size-time", (guint64) DEFAULT_QUEUE_TIME, "silent", TRUE, NULL);
  gst_bin_add_many (GST_BIN (self), self->queue, self->scale, self->filter,
      NULL);
  gst_element_link_many (self->queue, self->scale, self->filter, NULL);

  pad = gst_element_get_static_pad (self->queue, "sink");
  self->sinkpad = gst_ghost_pad_new_from_template ("sink", pad,
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self),
          "sink"));
  gst_object_unref (pad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);
  self->srcpad = gst_ghost_pad_new_no_target_from_template ("src",
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self), "src"));
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
  cg_quality_ladder_add_probes (self);

  if (cg_quality_ladder_install_encoder (self, CG_LADDER_DEFAULT_ENCODER, &err)) {
    self->settings.encoder_name = g_strdup (CG_LADDER_DEFAULT_ENCODER);
  } else {
    GST_WARNING_OBJECT (self, "%s", err->message);
    g_clear_error (&err);
  }
}

static void
cg_quality_ladder_class_init (CgQualityLadderClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (cg_quality_ladder_debug, "qualityladder", 0,
      "camguard quality ladder");

  gobject_class->set_property = cg_quality_ladder_set_property;
  gobject_class->get_property = cg_quality_ladder_get_property;
  gobject_class->dispose = cg_quality_ladder_dispose;
  gobject_class->finalize = cg_quality_ladder_finalize;

  cg_quality_ladder_install_properties (gobject_class);

  /**
   * CgQualityLadder::step-down:
   * @ladder: the element
   *
   * Go one step down now (no reaction time).
   *
   * Returns: %FALSE when already at the lowest step.
   *
   * Since: 0.1
   */
  signals[SIGNAL_STEP_DOWN] = g_signal_new_class_handler ("step-down",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (cg_quality_ladder_step_down), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 0);

  /**
   * CgQualityLadder::step-up:
   * @ladder: the element
   *
   * Go one step up now (no hold time).
   *
   * Returns: %FALSE when already at the best usable step.
   *
   * Since: 0.1
   */
  signals[SIGNAL_STEP_UP] = g_signal_new_class_handler ("step-up",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (cg_quality_ladder_step_up), NULL, NULL, NULL, G_TYPE_BOOLEAN,
      0);

  /**
   * CgQualityLadder::set-step:
   * @ladder: the element
   * @step: the step index (0 = best)
   *
   * Go to @step now. A step that would upscale the input selects the best
   * usable step.
   *
   * Returns: %FALSE (and a WARNING with camguard-code VALIDATION_ERROR
   *   naming the range; the step does not change) when @step is out of
   *   range.
   *
   * Since: 0.1
   */
  signals[SIGNAL_SET_STEP] = g_signal_new_class_handler ("set-step",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (cg_quality_ladder_set_step), NULL, NULL, NULL, G_TYPE_BOOLEAN,
      1, G_TYPE_INT);

  gst_element_class_set_static_metadata (element_class, "Quality ladder",
      "Codec/Encoder/Video",
      "Encodes raw video and steps resolution and bitrate down and up a "
      "ladder on QoS, queue level, lateness, bandwidth and loss, without "
      "restarting the pipeline", "camguard <dev@camguard.invalid>");
  gst_element_class_add_static_metadata (element_class,
      CG_ELEMENT_METADATA_MESSAGES,
      "element camguard-quality: at every step (code QUALITY_DEGRADED or "
      "recovered, direction, quality, previous, reason, packetLoss, latency, "
      "jitter, bandwidth, recommendedAction, step, previous-step, step-name, "
      "width, height, bitrate, encoder), with a live QOS message"
      CG_MESSAGES_NEXT
      "WARNING camguard-code=VALIDATION_ERROR: an invalid ladder, step, "
      "encoder or property value, or a READY-only property set in PAUSED or "
      "PLAYING (details: property, value, problem)"
      CG_MESSAGES_NEXT
      "ERROR camguard-code=VALIDATION_ERROR or MISSING_COMPONENT: the "
      "configuration cannot start");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (cg_quality_ladder_change_state);
  element_class->set_clock = GST_DEBUG_FUNCPTR (cg_quality_ladder_set_clock);

  gst_type_mark_as_plugin_api (CG_TYPE_QUALITY_LADDER_MODE, 0);
}
