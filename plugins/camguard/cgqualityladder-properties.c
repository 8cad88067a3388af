/* camguard - qualityladder: properties
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * qualityladder's properties, set and read under the object lock, once
 * around the whole switch; what a change does once the lock is released
 * (the capsfilter, the encoder, a WARNING, notify, re-evaluation) is
 * cg_quality_ladder_apply_effects() in cgqualityladder-settings.c.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cgelementutil.h"
#include "cgqualityladder-private.h"

#define GST_CAT_DEFAULT cg_quality_ladder_debug

GType
cg_quality_ladder_mode_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {CG_QUALITY_LADDER_MODE_AUTO,
        "Step automatically on QoS, queue level, lateness, available "
          "bitrate and packet loss (and on manual requests)", "auto"},
    {CG_QUALITY_LADDER_MODE_MANUAL,
          "Step only on step-down/step-up/set-step or the step property",
        "manual"},
    {0, NULL, NULL},
  };

  return cg_element_register_enum (&type, "CgQualityLadderMode", values);
}

enum
{
  PROP_0,
  PROP_LADDER,
  PROP_ENCODER,
  PROP_MODE,
  PROP_STEP,
  PROP_CURRENT_STEP,
  PROP_AVAILABLE_BITRATE,
  PROP_PACKET_LOSS,
  PROP_DOWN_REACTION,
  PROP_UP_HOLD,
  PROP_UP_MARGIN,
  PROP_BLOCK_TIME,
  PROP_LOSS_THRESHOLD,
  PROP_QUEUE_THRESHOLD,
  PROP_QUEUE_TIME,
  PROP_MAX_LATENESS,
  PROP_KEY_INT_MAX,
  PROP_STATISTICS,
  N_PROPERTIES
};

static GParamSpec *properties[N_PROPERTIES];

void
cg_quality_ladder_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (object);
  Settings *set = &self->settings;
  Effects fx = { 0, };

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LADDER:
      cg_quality_ladder_set_ladder_locked (self, g_value_get_string (value),
          &fx);
      break;
    case PROP_ENCODER:
      cg_quality_ladder_set_encoder_locked (self, value, &fx);
      break;
    case PROP_STEP:
      cg_quality_ladder_set_step_locked (self, g_value_get_int (value), TRUE,
          &fx);
      break;
    case PROP_MODE:
      set->mode = g_value_get_enum (value);
      self->state.hold.pressure_since = GST_CLOCK_TIME_NONE;
      self->state.hold.headroom_since = GST_CLOCK_TIME_NONE;
      break;
    case PROP_AVAILABLE_BITRATE:
      set->available_kbps = g_value_get_uint (value);
      fx.reevaluate = TRUE;
      break;
    case PROP_PACKET_LOSS:
      set->packet_loss = g_value_get_double (value);
      fx.reevaluate = TRUE;
      break;
    case PROP_DOWN_REACTION:
      set->policy.down_reaction = g_value_get_uint64 (value);
      break;
    case PROP_UP_HOLD:
      set->policy.up_hold = g_value_get_uint64 (value);
      break;
    case PROP_UP_MARGIN:
      set->policy.up_margin = g_value_get_double (value);
      break;
    case PROP_BLOCK_TIME:
      set->policy.block_time = g_value_get_uint64 (value);
      break;
    case PROP_LOSS_THRESHOLD:
      set->policy.loss_threshold = g_value_get_double (value);
      break;
    case PROP_QUEUE_THRESHOLD:
      set->policy.queue_threshold = g_value_get_double (value);
      break;
    case PROP_QUEUE_TIME:
      set->queue_time = fx.queue_time = g_value_get_uint64 (value);
      fx.set_queue_time = TRUE;
      break;
    case PROP_MAX_LATENESS:
      set->policy.max_lateness = g_value_get_uint64 (value);
      break;
    case PROP_KEY_INT_MAX:
      if (cg_quality_ladder_check_ready_locked (self, &fx, "key-int-max",
              value)) {
        set->key_int_max = fx.key_int_max = g_value_get_uint (value);
        fx.set_key_int_max = TRUE;
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);

  cg_quality_ladder_apply_effects (self, &fx);
}

void
cg_quality_ladder_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (object);
  Settings *set = &self->settings;

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LADDER:
      g_value_take_string (value, cg_ladder_to_string (set->ladder));
      break;
    case PROP_ENCODER:
      g_value_set_string (value, set->encoder_name);
      break;
    case PROP_MODE:
      g_value_set_enum (value, set->mode);
      break;
    case PROP_STEP:
      g_value_set_int (value, self->state.target_step);
      break;
    case PROP_CURRENT_STEP:
      g_value_set_int (value, self->state.current_step);
      break;
    case PROP_AVAILABLE_BITRATE:
      g_value_set_uint (value, set->available_kbps);
      break;
    case PROP_PACKET_LOSS:
      g_value_set_double (value, set->packet_loss);
      break;
    case PROP_DOWN_REACTION:
      g_value_set_uint64 (value, set->policy.down_reaction);
      break;
    case PROP_UP_HOLD:
      g_value_set_uint64 (value, set->policy.up_hold);
      break;
    case PROP_UP_MARGIN:
      g_value_set_double (value, set->policy.up_margin);
      break;
    case PROP_BLOCK_TIME:
      g_value_set_uint64 (value, set->policy.block_time);
      break;
    case PROP_LOSS_THRESHOLD:
      g_value_set_double (value, set->policy.loss_threshold);
      break;
    case PROP_QUEUE_THRESHOLD:
      g_value_set_double (value, set->policy.queue_threshold);
      break;
    case PROP_QUEUE_TIME:
      g_value_set_uint64 (value, set->queue_time);
      break;
    case PROP_MAX_LATENESS:
      g_value_set_uint64 (value, set->policy.max_lateness);
      break;
    case PROP_KEY_INT_MAX:
      g_value_set_uint (value, set->key_int_max);
      break;
    case PROP_STATISTICS:
      g_value_take_boxed (value, cg_quality_ladder_statistics_locked (self,
              cg_quality_ladder_now (self)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* Installs every property (the action signals are installed by class_init). */
void
cg_quality_ladder_install_properties (GObjectClass * gobject_class)
{
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  /**
   * CgQualityLadder:ladder:
   *
   * The steps, best first: `name:WIDTHxHEIGHT@KBPS` or `NNNp:KBPS`, comma
   * separated (cg_ladder_parse()). An unparsable value is rejected (see the
   * Errors section). Reading it gives the ladder in use, printed by
   * cg_ladder_to_string().
   *
   * Since: 0.1
   */
  properties[PROP_LADDER] = g_param_spec_string ("ladder", "Ladder",
      "Steps best first, comma separated: name:WIDTHxHEIGHT@KBPS or NNNp:KBPS "
      "(e.g. \"2160p:16000,1080p:6000,720p:2500\"); steps above the input "
      "size are skipped, the aspect ratio follows the input; an invalid "
      "value is rejected with a warning", CG_LADDER_DEFAULT,
      rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:encoder:
   *
   * Factory name of the encoder: x264enc, x265enc, openh264enc, vp8enc or
   * jpegenc. The encoder is a child named "encoder", so its other properties
   * can be set as `encoder::name=value`. Refused with a warning in PAUSED
   * and PLAYING.
   *
   * Since: 0.1
   */
  properties[PROP_ENCODER] = g_param_spec_string ("encoder", "Encoder",
      "Encoder factory: x264enc (default), x265enc, openh264enc, vp8enc or "
      "jpegenc; its bitrate is set in its own units and it is tuned for live "
      "use; the child is named \"encoder\"", CG_LADDER_DEFAULT_ENCODER,
      rw | GST_PARAM_MUTABLE_READY);

  /**
   * CgQualityLadder:mode:
   *
   * auto: automatic triggers and manual requests; manual: manual requests
   * only.
   *
   * Since: 0.1
   */
  properties[PROP_MODE] = g_param_spec_enum ("mode", "Mode",
      "auto: step on QoS, queue level, lateness, available-bitrate and "
      "packet-loss; manual: only step-down/step-up/set-step and the step "
      "property", CG_TYPE_QUALITY_LADDER_MODE, DEFAULT_MODE,
      rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:step:
   *
   * The requested step (0 = first step of the ladder). Writing it is the same
   * as #CgQualityLadder::set-step; reading gives the step requested last
   * (the one being switched to). Out of range values are rejected with a
   * VALIDATION_ERROR warning naming the range, and the step does not
   * change.
   *
   * Since: 0.1
   */
  properties[PROP_STEP] = g_param_spec_int ("step", "Step",
      "Requested ladder step (0 = best); applied at the next frame; out of "
      "range values are rejected with a warning naming the range", 0, G_MAXINT,
      0, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:current-step:
   *
   * The step the encoder is producing now (-1 before the first frame).
   * Notified, from the streaming thread, when a step takes effect.
   *
   * Since: 0.1
   */
  properties[PROP_CURRENT_STEP] = g_param_spec_int ("current-step",
      "Current step", "Ladder step in effect (-1 before the first frame); "
      "notified when a step takes effect", -1, CG_LADDER_MAX_RUNGS - 1, -1,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CgQualityLadder:available-bitrate:
   *
   * External bandwidth estimate in kbit/s (0 = unknown), e.g. from RTCP
   * receiver reports, SRT statistics or the gateway.
   *
   * Since: 0.1
   */
  properties[PROP_AVAILABLE_BITRATE] = g_param_spec_uint ("available-bitrate",
      "Available bitrate", "External bandwidth estimate in kbit/s (0 = "
      "unknown): below the current step's bitrate is pressure", 0, G_MAXUINT,
      0, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:packet-loss:
   *
   * External packet loss estimate, 0..1.
   *
   * Since: 0.1
   */
  properties[PROP_PACKET_LOSS] = g_param_spec_double ("packet-loss",
      "Packet loss", "External packet loss fraction 0..1: above "
      "loss-threshold is pressure; stepping up needs less than 0.02", 0.0, 1.0,
      0.0, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:down-reaction:
   *
   * How long pressure must last before stepping down, in ns.
   *
   * Since: 0.1
   */
  properties[PROP_DOWN_REACTION] = g_param_spec_uint64 ("down-reaction",
      "Down reaction", "Sustained pressure needed before a step down (ns, "
      "element clock)", 0, G_MAXUINT64, DEFAULT_DOWN_REACTION,
      rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:up-hold:
   *
   * How long headroom must last before stepping up, in ns.
   *
   * Since: 0.1
   */
  properties[PROP_UP_HOLD] = g_param_spec_uint64 ("up-hold", "Up hold",
      "Continuous headroom needed before a step up (ns, element clock)", 0,
      G_MAXUINT64, DEFAULT_UP_HOLD, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:up-margin:
   *
   * Headroom factor: step up only while available-bitrate is at least this
   * times the bitrate of the next step up.
   *
   * Since: 0.1
   */
  properties[PROP_UP_MARGIN] = g_param_spec_double ("up-margin", "Up margin",
      "Step up only if available-bitrate >= up-margin x the next step's "
      "bitrate", 1.0, 10.0, DEFAULT_UP_MARGIN, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:block-time:
   *
   * No step up for this long after a step down (ns); doubled after each
   * failed probe, up to 64 times.
   *
   * Since: 0.1
   */
  properties[PROP_BLOCK_TIME] = g_param_spec_uint64 ("block-time",
      "Block time", "No step up for this long after a step down (ns); "
      "doubled after each failed up-probe, up to 64x", 0, G_MAXUINT64,
      DEFAULT_BLOCK_TIME, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:loss-threshold:
   *
   * Packet loss above which is pressure.
   *
   * Since: 0.1
   */
  properties[PROP_LOSS_THRESHOLD] = g_param_spec_double ("loss-threshold",
      "Loss threshold", "Packet loss fraction above which is pressure", 0.0,
      1.0, DEFAULT_LOSS_THRESHOLD, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:queue-threshold:
   *
   * Fill fraction of the internal queue (by time) at which is pressure;
   * stepping up needs less than half of it.
   *
   * Since: 0.1
   */
  properties[PROP_QUEUE_THRESHOLD] = g_param_spec_double ("queue-threshold",
      "Queue threshold", "Internal queue fill (current-level-time / "
      "queue-time) at which is pressure", 0.0, 1.0, DEFAULT_QUEUE_THRESHOLD,
      rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:queue-time:
   *
   * max-size-time of the internal queue in front of the scaler (ns).
   *
   * Since: 0.1
   */
  properties[PROP_QUEUE_TIME] = g_param_spec_uint64 ("queue-time",
      "Queue time", "Maximum time buffered by the internal queue in front of "
      "the encoder (ns)", 1, G_MAXUINT64, DEFAULT_QUEUE_TIME,
      rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:max-lateness:
   *
   * Encoded buffers later than this against the clock are pressure (ns;
   * 0 disables the lateness trigger, e.g. for non-live transcoding).
   *
   * Since: 0.1
   */
  properties[PROP_MAX_LATENESS] = g_param_spec_uint64 ("max-lateness",
      "Max lateness", "Encoder output later than this (running time vs "
      "clock, ns) is pressure; 0 disables", 0, G_MAXUINT64,
      DEFAULT_MAX_LATENESS, rw | GST_PARAM_MUTABLE_PLAYING);

  /**
   * CgQualityLadder:key-int-max:
   *
   * Keyframe interval in frames given to the encoder. Takes effect at
   * start: refused with a warning in PAUSED and PLAYING.
   *
   * Since: 0.1
   */
  properties[PROP_KEY_INT_MAX] = g_param_spec_uint ("key-int-max",
      "Keyframe interval", "Maximum frames between keyframes, set on the "
      "encoder (key-int-max, gop-size or keyframe-max-dist); refused in "
      "PAUSED and PLAYING", 1, G_MAXINT,
      DEFAULT_KEY_INT_MAX, rw | GST_PARAM_MUTABLE_READY);

  /**
   * CgQualityLadder:statistics:
   *
   * `camguard-qualityladder-stats`: steps-down, steps-up
   * (guint64), current-step (int), current-step-name, current-width,
   * current-height, current-bitrate (kbit/s), qos-events (guint64),
   * queue-fill and queue-fill-max (double, fraction of queue-time), latency
   * (ms), and `time-per-step`, a structure with
   * the time spent at each step (ns, element clock) keyed by step name.
   *
   * Since: 0.1
   */
  properties[PROP_STATISTICS] = g_param_spec_boxed ("statistics",
      "Statistics", "Steps down/up, current step, QoS events, queue fill, "
      "latency and time-per-step (ns by step name)", GST_TYPE_STRUCTURE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, N_PROPERTIES, properties);
}
