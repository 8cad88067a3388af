/* camguard - qualityladder: signals in, steps out
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * The moving parts of qualityladder, around the pure decision of
 * cgqualityladder-decide.c:
 *
 * - probes that collect the signals: the input caps (the scaler's sink
 *   pad), upstream QoS events (the src pad), the lateness of the encoded
 *   buffers (the encoder's src pad); the queue level is read at each tick;
 * - the tick, a periodic id on the element's clock, that snapshots the
 *   signals, asks cg_ladder_decide() and requests the step it returns;
 * - requesting a step: new caps on the capsfilter (videoscale
 *   renegotiates on its next buffer);
 * - finishing a step on the first frame at the new size that reaches the
 *   encoder: its bitrate, a forced keyframe, the camguard-quality and QoS
 *   messages, the statistics and the current-step notification;
 * - installing the encoder child.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/video/video.h>

#include "cg-details.h"
#include "cg-error.h"
#include "cg-render.h"
#include "cgqualityladder-private.h"

#define GST_CAT_DEFAULT cg_quality_ladder_debug

/* ------------------------------------------------------------------------ */
/* requesting a step                                                        */

/* Fit the ladder to the input (or to nothing yet). */
void
cg_quality_ladder_fit_locked (CgQualityLadder * self)
{
  State *st = &self->state;
  CgLadder *ladder = self->settings.ladder;
  guint i, n = cg_ladder_get_n_rungs (ladder);

  for (i = 0; i < n; i++) {
    st->fit[i].kbps = cg_ladder_get_rung_bitrate (ladder, i);
    st->fit[i].usable = cg_ladder_resolve_rung (ladder, i,
        st->have_input ? st->in_w : 0, st->have_input ? st->in_h : 0,
        &st->size[i].width, &st->size[i].height);
  }
}

GstCaps *
cg_quality_ladder_step_caps_locked (CgQualityLadder * self, gint idx)
{
  State *st = &self->state;

  if (!st->have_input)
    return NULL;
  return gst_caps_new_simple ("video/x-raw",
      "width", G_TYPE_INT, st->size[idx].width,
      "height", G_TYPE_INT, st->size[idx].height,
      "pixel-aspect-ratio", GST_TYPE_FRACTION, st->par_n, st->par_d, NULL);
}

GstClockTime
cg_quality_ladder_now (CgQualityLadder * self)
{
  GstClock *clock = GST_ELEMENT_CLOCK (self);

  return clock ? gst_clock_get_time (clock) : GST_CLOCK_TIME_NONE;
}

/* Request step @idx (object lock held). Returns the caps to put on the
 * capsfilter after unlocking, or NULL when nothing changes or no input
 * has come yet. */
GstCaps *
cg_quality_ladder_request_step_locked (CgQualityLadder * self, gint idx,
    CgLadderReason reason, GstClockTime now)
{
  State *st = &self->state;
  gint old = st->target_step;

  if (idx == old && !st->force_apply)
    return NULL;
  GST_INFO_OBJECT (self, "step %d (%s) -> %d (%s), reason %s", old,
      cg_ladder_get_rung_name (self->settings.ladder, old), idx,
      cg_ladder_get_rung_name (self->settings.ladder, idx),
      cg_ladder_reason_to_string (reason));
  cg_ladder_hold_note_step (&st->hold, &self->settings.policy, old, idx, now);
  st->target_step = idx;
  st->target_reason = reason;
  return cg_quality_ladder_step_caps_locked (self, idx);
}

void
cg_quality_ladder_apply_caps (CgQualityLadder * self, GstCaps * caps)
{
  if (!caps)
    return;
  g_object_set (self->filter, "caps", caps, NULL);
  gst_caps_unref (caps);
}

/* READY to PAUSED: forget the input and the steps. */
void
cg_quality_ladder_reset_state (CgQualityLadder * self)
{
  State *st = &self->state;

  GST_OBJECT_LOCK (self);
  st->current_step = -1;
  st->bitrate_step = -1;
  st->force_apply = TRUE;
  st->have_input = FALSE;
  cg_quality_ladder_fit_locked (self);
  cg_ladder_hold_init (&st->hold);
  st->step_entered = GST_CLOCK_TIME_NONE;
  st->qos_events = 0;
  st->qos_last = GST_CLOCK_TIME_NONE;
  st->lateness_seen = FALSE;
  st->upstream_latency = 0;
  st->ticks = 0;
  st->enc_w = st->enc_h = 0;
  self->stats.queue_fill_max = 0.0;
  GST_OBJECT_UNLOCK (self);
  gst_segment_init (&st->enc_segment, GST_FORMAT_UNDEFINED);
}

/* ------------------------------------------------------------------------ */
/* the tick                                                                 */

static void
snapshot_locked (CgQualityLadder * self, gdouble fill, CgLadderSignals * sig)
{
  State *st = &self->state;

  sig->automatic = self->settings.mode == CG_QUALITY_LADDER_MODE_AUTO;
  sig->n_rungs = cg_ladder_get_n_rungs (self->settings.ladder);
  memcpy (sig->rungs, st->fit, sizeof (st->fit));
  sig->step = st->target_step;
  sig->available_kbps = self->settings.available_kbps;
  sig->packet_loss = self->settings.packet_loss;
  sig->qos_events = st->qos_events;
  sig->qos_max_proportion = st->qos_max_proportion;
  sig->qos_jitter_sum = st->qos_jitter_sum;
  sig->qos_last = st->qos_last;
  sig->queue_fill = fill;
  sig->lateness_seen = st->lateness_seen;
  sig->lateness_max = st->lateness_max;
  sig->fps_n = st->fps_n;
  sig->fps_d = st->fps_d;
}

static void
reset_tick_signals_locked (State * st)
{
  st->qos_events = 0;
  st->qos_max_proportion = 0.0;
  st->qos_jitter_sum = 0;
  st->lateness_seen = FALSE;
  st->lateness_max = G_MININT64;
}

/* Evaluate now: snapshot, decide, request. Called from the clock tick and
 * when the external estimates change (which keeps the tick's QoS and
 * lateness for the tick). */
void
cg_quality_ladder_evaluate (CgQualityLadder * self, gboolean from_tick)
{
  CgLadderSignals sig;
  CgLadderDecision d;
  GstClockTime now = cg_quality_ladder_now (self);
  guint64 level = 0;
  gdouble fill = 0.0;
  GstCaps *caps = NULL;

  if (!GST_CLOCK_TIME_IS_VALID (now))
    return;
  g_object_get (self->queue, "current-level-time", &level, NULL);

  GST_OBJECT_LOCK (self);
  if (self->settings.queue_time > 0)
    fill = (gdouble) level / self->settings.queue_time;
  self->stats.queue_fill = fill;
  self->stats.queue_fill_max = MAX (self->stats.queue_fill_max, fill);
  snapshot_locked (self, fill, &sig);
  d = cg_ladder_decide (&self->settings.policy, &sig, &self->state.hold, now,
      &self->state.hold);
  if (from_tick)
    reset_tick_signals_locked (&self->state);
  GST_LOG_OBJECT (self, "step %d: queue %.2f, lateness %" G_GINT64_FORMAT
      " ms, available %u kbit/s, loss %.3f -> pressure %d (%s), headroom %d",
      sig.step, fill, sig.lateness_seen ? sig.lateness_max / GST_MSECOND : 0,
      sig.available_kbps, sig.packet_loss, d.pressure,
      cg_ladder_reason_to_string (d.reason), d.headroom);
  if (d.verdict != CG_LADDER_STAY)
    caps = cg_quality_ladder_request_step_locked (self, d.step, d.reason, now);
  GST_OBJECT_UNLOCK (self);

  cg_quality_ladder_apply_caps (self, caps);
}

/* The latency of what is upstream of us (live sources, jitterbuffers). */
static void
update_upstream_latency (CgQualityLadder * self)
{
  GstQuery *q = gst_query_new_latency ();
  GstClockTime min = 0;
  gboolean live = FALSE;

  if (gst_pad_peer_query (self->sinkpad, q))
    gst_query_parse_latency (q, &live, &min, NULL);
  gst_query_unref (q);
  GST_OBJECT_LOCK (self);
  self->state.upstream_latency = (live && GST_CLOCK_TIME_IS_VALID (min)) ?
      min : 0;
  GST_OBJECT_UNLOCK (self);
}

static gboolean
tick_cb (GstClock * clock, GstClockTime t, GstClockID id, gpointer user_data)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (user_data);

  /* the upstream latency can change (new source, jitterbuffer): re-query
   * it once a second */
  if (self->state.ticks++ % 10 == 0)
    update_upstream_latency (self);
  cg_quality_ladder_evaluate (self, TRUE);
  return TRUE;
}

void
cg_quality_ladder_stop_ticks (CgQualityLadder * self)
{
  GstClockID id;

  GST_OBJECT_LOCK (self);
  id = self->state.tick_id;
  self->state.tick_id = NULL;
  GST_OBJECT_UNLOCK (self);
  if (id) {
    gst_clock_id_unschedule (id);
    gst_clock_id_unref (id);
  }
}

void
cg_quality_ladder_start_ticks (CgQualityLadder * self)
{
  GstClock *clock;
  GstClockID id;

  cg_quality_ladder_stop_ticks (self);
  clock = gst_element_get_clock (GST_ELEMENT (self));
  if (!clock)
    return;
  id = gst_clock_new_periodic_id (clock, gst_clock_get_time (clock) +
      CG_LADDER_TICK, CG_LADDER_TICK);
  gst_object_unref (clock);
  if (gst_clock_id_wait_async (id, tick_cb, gst_object_ref (self),
          (GDestroyNotify) gst_object_unref) != GST_CLOCK_OK) {
    GST_WARNING_OBJECT (self, "cannot schedule the evaluation clock id");
    gst_clock_id_unref (id);
    return;
  }
  GST_OBJECT_LOCK (self);
  self->state.tick_id = id;
  GST_OBJECT_UNLOCK (self);
}

/* ------------------------------------------------------------------------ */
/* finishing a step                                                         */

/* What changed at the encoder, copied out of the lock. */
typedef struct
{
  CgLadder *ladder;
  gint step, prev_step;
  gboolean set_bitrate, initial, down, degraded, lowest;
  RungSize size, prev_size;
  gdouble quality, prev_quality;
  CgLadderReason reason;
  gdouble loss, latency_ms, jitter_ms;
  guint bandwidth;
  const CgLadderEncoder *encoder;
  gint fps_n, fps_d;
} StepChange;

static gdouble
step_quality_locked (CgQualityLadder * self, gint idx)
{
  CgLadder *l = self->settings.ladder;
  guint best = cg_ladder_fit_best (self->state.fit, cg_ladder_get_n_rungs (l));
  guint best_kbps = cg_ladder_get_rung_bitrate (l, best);

  if (idx < 0 || best_kbps == 0)
    return 1.0;
  return MIN (1.0, (gdouble) cg_ladder_get_rung_bitrate (l, idx) / best_kbps);
}

/* The step moved to @step at the encoder: bookkeeping and a copy of what
 * the messages need. */
static void
finish_step_locked (CgQualityLadder * self, gint step, GstClockTime now,
    StepChange * c)
{
  State *st = &self->state;
  guint n = cg_ladder_get_n_rungs (self->settings.ladder);

  c->prev_step = st->current_step;
  c->initial = c->prev_step < 0;
  if (!c->initial && c->prev_step != step && GST_CLOCK_TIME_IS_VALID (now)
      && GST_CLOCK_TIME_IS_VALID (st->step_entered) && now >= st->step_entered)
    self->stats.time_in_step[c->prev_step] += now - st->step_entered;
  if (c->prev_step != step)
    st->step_entered = now;
  st->current_step = step;
  c->down = !c->initial && step > c->prev_step;
  if (!c->initial && c->prev_step != step) {
    if (c->down)
      self->stats.steps_down++;
    else
      self->stats.steps_up++;
  }
  c->ladder = cg_ladder_copy (self->settings.ladder);
  c->step = step;
  c->set_bitrate = st->bitrate_step != step;
  st->bitrate_step = step;
  c->size = st->size[step];
  c->prev_size = c->initial ? c->size : st->size[c->prev_step];
  c->degraded = step > cg_ladder_fit_best (st->fit, n);
  c->lowest = step == cg_ladder_fit_worst (st->fit, n);
  c->quality = step_quality_locked (self, step);
  c->prev_quality = step_quality_locked (self, c->prev_step);
  c->reason = st->target_reason;
  c->loss = self->settings.packet_loss;
  c->latency_ms = st->last_latency_ms;
  c->jitter_ms = st->last_jitter_ms;
  c->bandwidth = self->settings.available_kbps;
  c->encoder = st->encoder;
  c->fps_n = st->fps_n;
  c->fps_d = st->fps_d;
}

static gboolean
copy_field (GQuark field, const GValue * value, gpointer user_data)
{
  gst_structure_id_set_value (user_data, field, value);
  return TRUE;
}

/* The camguard-quality message: the seed-002 QUALITY_DEGRADED error (code,
 * severity, message and details) of a CgError rendered by
 * cg_error_to_structure(), plus the ladder facts. */
static GstStructure *
quality_structure (CgQualityLadder * self, const StepChange * c)
{
  CgError *e = cg_error_new (CG_CODE_QUALITY_DEGRADED, NULL);
  gchar *path = gst_object_get_path_string (GST_OBJECT (self));
  GstStructure *err, *s;
  guint kbps = cg_ladder_get_rung_bitrate (c->ladder, c->step);
  guint prev = c->initial ? c->step : c->prev_step;

  cg_error_set_factory (e, "qualityladder");
  cg_error_set_source_path (e, path);
  cg_error_set_message_type (e, "element");
  gst_structure_set (cg_error_get_details_writable (e),
      "quality", G_TYPE_DOUBLE, c->quality,
      "previous", G_TYPE_DOUBLE, c->prev_quality,
      "reason", G_TYPE_STRING, cg_ladder_reason_to_string (c->reason),
      "packetLoss", G_TYPE_DOUBLE, c->loss,
      "latency", G_TYPE_DOUBLE, c->latency_ms,
      "jitter", G_TYPE_DOUBLE, c->jitter_ms,
      "bandwidth", G_TYPE_UINT, c->bandwidth,
      "recommendedAction", G_TYPE_STRING, !c->down ? "none" :
      (c->lowest ? "audio_only" : "reduce_quality"), NULL);
  err = cg_error_to_structure (e);

  s = gst_structure_new ("camguard-quality",
      "code", G_TYPE_STRING, c->degraded ?
      gst_structure_get_string (err, "code") : "recovered",
      "severity", G_TYPE_STRING, gst_structure_get_string (err, "severity"),
      "message", G_TYPE_STRING, gst_structure_get_string (err, "message"),
      "direction", G_TYPE_STRING, c->down ? "down" : "up", NULL);
  gst_structure_foreach (cg_error_get_details (e), copy_field, s);
  gst_structure_set (s,
      "step", G_TYPE_INT, c->step,
      "previous-step", G_TYPE_INT, c->prev_step,
      "step-name", G_TYPE_STRING, cg_ladder_get_rung_name (c->ladder, c->step),
      "previous-step-name", G_TYPE_STRING,
      cg_ladder_get_rung_name (c->ladder, prev),
      "width", G_TYPE_INT, c->size.width,
      "height", G_TYPE_INT, c->size.height,
      "bitrate", G_TYPE_UINT, kbps,
      "previous-width", G_TYPE_INT, c->prev_size.width,
      "previous-height", G_TYPE_INT, c->prev_size.height,
      "previous-bitrate", G_TYPE_UINT,
      cg_ladder_get_rung_bitrate (c->ladder, prev),
      "encoder", G_TYPE_STRING, c->encoder ? c->encoder->factory : "", NULL);
  if (c->degraded) {
    cg_details_set_code (s, CG_CODE_QUALITY_DEGRADED);
    gst_structure_set (s, CG_DETAILS_ERROR_FIELD, GST_TYPE_STRUCTURE, err,
        NULL);
  }
  gst_structure_free (err);
  g_free (path);
  cg_error_unref (e);
  return s;
}

/* The element message and the standard live QoS message for a change of
 * processing quality. */
static void
post_step_messages (CgQualityLadder * self, const StepChange * c,
    GstBuffer * buf)
{
  GstMessage *qos;

  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), quality_structure (self, c)));
  qos = gst_message_new_qos (GST_OBJECT (self), TRUE, GST_CLOCK_TIME_NONE,
      GST_CLOCK_TIME_NONE, GST_BUFFER_PTS (buf), GST_BUFFER_DURATION (buf));
  gst_message_set_qos_values (qos, (gint64) (c->jitter_ms * GST_MSECOND),
      c->prev_quality > 0 ? c->quality / c->prev_quality : 1.0,
      (gint) (c->quality * 1000000));
  gst_element_post_message (GST_ELEMENT (self), qos);
}

/* The first frame at the requested step reaches the encoder: finish the
 * step. */
static GstPadProbeReturn
enc_sink_buffer_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (data);
  State *st = &self->state;
  StepChange c;
  gint step;
  gboolean changed;

  GST_OBJECT_LOCK (self);
  step = st->target_step;
  if ((step == st->current_step && !st->force_apply) || !st->have_input
      || st->size[step].width != st->enc_w
      || st->size[step].height != st->enc_h) {
    GST_OBJECT_UNLOCK (self);
    return GST_PAD_PROBE_OK;
  }
  st->force_apply = FALSE;
  changed = step != st->current_step;
  finish_step_locked (self, step, cg_quality_ladder_now (self), &c);
  GST_OBJECT_UNLOCK (self);

  if (c.set_bitrate)
    cg_ladder_encoder_set_bitrate (c.encoder, self->encoder,
        cg_ladder_get_rung_bitrate (c.ladder, step), c.size.width,
        c.size.height, c.fps_n, c.fps_d);
  if (changed && !c.initial) {
    GST_INFO_OBJECT (self, "now at step %d (%s, %dx%d, %u kbit/s)", step,
        cg_ladder_get_rung_name (c.ladder, step), c.size.width, c.size.height,
        cg_ladder_get_rung_bitrate (c.ladder, step));
    cg_ladder_encoder_force_keyframe (pad);
    post_step_messages (self, &c, GST_PAD_PROBE_INFO_BUFFER (info));
  }
  cg_ladder_free (c.ladder);
  if (changed)
    g_object_notify (G_OBJECT (self), "current-step");
  return GST_PAD_PROBE_OK;
}

/* ------------------------------------------------------------------------ */
/* the other probes                                                         */

/* Raw caps arriving at the scaler: fit the ladder to the input and put the
 * current step's caps on the capsfilter before videoscale negotiates. */
static void
on_input_caps (CgQualityLadder * self, GstCaps * caps)
{
  State *st = &self->state;
  GstVideoInfo vinfo;
  GstCaps *fcaps;

  if (!gst_video_info_from_caps (&vinfo, caps))
    return;

  GST_OBJECT_LOCK (self);
  st->have_input = TRUE;
  st->in_w = GST_VIDEO_INFO_WIDTH (&vinfo);
  st->in_h = GST_VIDEO_INFO_HEIGHT (&vinfo);
  st->par_n = GST_VIDEO_INFO_PAR_N (&vinfo);
  st->par_d = GST_VIDEO_INFO_PAR_D (&vinfo);
  st->fps_n = GST_VIDEO_INFO_FPS_N (&vinfo);
  st->fps_d = GST_VIDEO_INFO_FPS_D (&vinfo);
  cg_quality_ladder_fit_locked (self);
  if (!st->fit[st->target_step].usable)
    st->target_step = cg_ladder_fit_best (st->fit,
        cg_ladder_get_n_rungs (self->settings.ladder));
  st->force_apply = TRUE;
  fcaps = cg_quality_ladder_step_caps_locked (self, st->target_step);
  GST_OBJECT_UNLOCK (self);

  GST_DEBUG_OBJECT (self, "input %" GST_PTR_FORMAT ", filter %" GST_PTR_FORMAT,
      caps, fcaps);
  cg_quality_ladder_apply_caps (self, fcaps);
}

/* New caps at the encoder: initialise it directly with the step's
 * bitrate. */
static void
on_encoder_caps (CgQualityLadder * self, GstCaps * caps)
{
  State *st = &self->state;
  const CgLadderEncoder *enc;
  GstStructure *s;
  gint step, fn = 0, fd = 1;
  guint kbps = 0;
  gboolean set = FALSE;

  s = gst_caps_get_structure (caps, 0);
  gst_structure_get_int (s, "width", &st->enc_w);
  gst_structure_get_int (s, "height", &st->enc_h);

  GST_OBJECT_LOCK (self);
  step = st->target_step;
  enc = st->encoder;
  if (st->have_input && st->size[step].width == st->enc_w &&
      st->size[step].height == st->enc_h && st->bitrate_step != step) {
    kbps = cg_ladder_get_rung_bitrate (self->settings.ladder, step);
    fn = st->fps_n;
    fd = st->fps_d;
    st->bitrate_step = step;
    set = TRUE;
  }
  GST_OBJECT_UNLOCK (self);
  if (set)
    cg_ladder_encoder_set_bitrate (enc, self->encoder, kbps, st->enc_w,
        st->enc_h, fn, fd);
}

/* A live upstream delivers a frame its latency after its running time:
 * only what comes on top of that is lateness. */
static void
note_lateness (CgQualityLadder * self, GstClockTime rt)
{
  State *st = &self->state;
  GstClock *clock;
  GstClockTimeDiff late;

  GST_OBJECT_LOCK (self);
  clock = GST_ELEMENT_CLOCK (self);
  if (clock) {
    late = GST_CLOCK_DIFF (GST_ELEMENT_CAST (self)->base_time + rt +
        st->upstream_latency, gst_clock_get_time (clock));
    if (!st->lateness_seen || late > st->lateness_max)
      st->lateness_max = late;
    st->lateness_seen = TRUE;
    st->last_latency_ms = late > 0 ? late / 1e6 : 0.0;
  }
  GST_OBJECT_UNLOCK (self);
}

/* Encoder lateness: running time of the encoded buffers against the
 * clock. */
static GstPadProbeReturn
enc_src_buffer_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (data);
  GstSegment *seg = &self->state.enc_segment;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime rt;

  if (seg->format != GST_FORMAT_TIME || !GST_BUFFER_PTS_IS_VALID (buf) ||
      GST_STATE (self) != GST_STATE_PLAYING)
    return GST_PAD_PROBE_OK;
  rt = gst_segment_to_running_time (seg, GST_FORMAT_TIME, GST_BUFFER_PTS (buf));
  if (GST_CLOCK_TIME_IS_VALID (rt))
    note_lateness (self, rt);
  return GST_PAD_PROBE_OK;
}

/* QoS events from downstream. */
static void
on_qos (CgQualityLadder * self, GstEvent * event)
{
  State *st = &self->state;
  GstQOSType type;
  gdouble proportion;
  GstClockTimeDiff diff;
  GstClockTime ts;

  gst_event_parse_qos (event, &type, &proportion, &diff, &ts);
  GST_LOG_OBJECT (self, "QoS proportion %f diff %" G_GINT64_FORMAT,
      proportion, diff);
  GST_OBJECT_LOCK (self);
  st->qos_events++;
  self->stats.qos_events++;
  st->qos_max_proportion = MAX (st->qos_max_proportion, proportion);
  st->qos_jitter_sum += diff;
  st->last_jitter_ms = diff / 1e6;
  st->qos_last = cg_quality_ladder_now (self);
  GST_OBJECT_UNLOCK (self);
}

/* The events of every pad the element watches: caps at the scaler's sink
 * (the input) and at the encoder's sink, segments at the encoder's src (the
 * only src pad with a downstream probe), QoS coming back through the
 * element's src pad. */
static GstPadProbeReturn
event_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  CgQualityLadder *self = CG_QUALITY_LADDER (data);
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:
      gst_event_parse_caps (event, &caps);
      if (GST_OBJECT_PARENT (pad) == GST_OBJECT (self->scale))
        on_input_caps (self, caps);
      else if (GST_PAD_IS_SINK (pad))
        on_encoder_caps (self, caps);
      break;
    case GST_EVENT_SEGMENT:
      if (GST_PAD_IS_SRC (pad))
        gst_event_copy_segment (event, &self->state.enc_segment);
      break;
    case GST_EVENT_FLUSH_STOP:
      if (GST_PAD_IS_SRC (pad))
        gst_segment_init (&self->state.enc_segment, GST_FORMAT_UNDEFINED);
      break;
    case GST_EVENT_QOS:
      on_qos (self, event);
      break;
    default:
      break;
  }
  return GST_PAD_PROBE_OK;
}

/* The probes on the fixed children (init). */
/* On the ladder's way in. The ladder scales by itself: a step (new caps on
 * the capsfilter) must not renegotiate the camera. Upstream of it, a
 * source with fixed caps would fail with not-negotiated, and a scaler would
 * change the ladder's input instead of the ladder's output. */
static GstPadProbeReturn
drop_reconfigure (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_RECONFIGURE)
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
}

void
cg_quality_ladder_add_probes (CgQualityLadder * self)
{
  GstPad *pad = gst_element_get_static_pad (self->queue, "sink");

  /* a step renegotiates the scaler and the encoder, never the camera */
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
      drop_reconfigure, NULL, NULL);
  gst_object_unref (pad);
  pad = gst_element_get_static_pad (self->scale, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, event_probe,
      self, NULL);
  gst_object_unref (pad);
  gst_pad_add_probe (self->srcpad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
      event_probe, self, NULL);
}

/* ------------------------------------------------------------------------ */
/* the encoder child                                                        */

/* Replace the encoder child (NULL/READY only, no lock held). Fails with a
 * CG_CODE_ERROR: VALIDATION_ERROR for an encoder camguard does not know,
 * MISSING_COMPONENT when its plugin is not installed. */
gboolean
cg_quality_ladder_install_encoder (CgQualityLadder * self,
    const gchar * factory, GError ** error)
{
  const CgLadderEncoder *info = cg_ladder_encoder_lookup (factory);
  GstElement *enc;
  GstPad *pad;
  guint key_int_max, kbps;

  if (!info) {
    gchar *list = cg_ladder_encoder_supported ();
    g_set_error (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR,
        "encoder '%s' is not supported (supported: %s)", factory, list);
    g_free (list);
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  key_int_max = self->settings.key_int_max;
  kbps = cg_ladder_get_rung_bitrate (self->settings.ladder,
      self->state.target_step);
  GST_OBJECT_UNLOCK (self);
  enc = cg_ladder_encoder_make (info, key_int_max, kbps);
  if (!enc) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_MISSING_COMPONENT,
        "encoder '%s' is supported but its plugin is not installed", factory);
    return FALSE;
  }

  if (self->encoder) {
    gst_element_unlink (self->filter, self->encoder);
    gst_element_set_state (self->encoder, GST_STATE_NULL);
    gst_bin_remove (GST_BIN (self), self->encoder);
    self->encoder = NULL;
  }
  GST_OBJECT_LOCK (self);
  self->state.encoder = info;
  self->state.bitrate_step = -1;
  GST_OBJECT_UNLOCK (self);

  gst_bin_add (GST_BIN (self), enc);
  self->encoder = enc;
  if (!gst_element_link (self->filter, enc)) {
    g_set_error (error, CG_CODE_ERROR, CG_CODE_INTERNAL_ERROR,
        "cannot link the capsfilter to %s", factory);
    return FALSE;
  }
  pad = gst_element_get_static_pad (enc, "src");
  gst_ghost_pad_set_target (GST_GHOST_PAD (self->srcpad), pad);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, enc_src_buffer_probe,
      self, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, event_probe,
      self, NULL);
  gst_object_unref (pad);
  pad = gst_element_get_static_pad (enc, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, event_probe,
      self, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, enc_sink_buffer_probe,
      self, NULL);
  gst_object_unref (pad);
  gst_element_sync_state_with_parent (enc);
  return TRUE;
}
