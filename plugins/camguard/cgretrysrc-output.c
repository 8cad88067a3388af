/* camguard - retrysrc: one continuous output for many sources
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * Downstream of retrysrc sees one stream for the element's whole life,
 * however many source instances come and go:
 *
 * - one stream-start, with a stream-id of retrysrc's own;
 * - one TIME segment starting at 0: buffer times are running times;
 * - caps only when they change;
 * - no flush (a source restarting itself must not flush downstream);
 * - timestamps that go on: the first timestamped buffer of each source fixes
 *   an offset so that its times follow the last output (and are never
 *   behind the clock);
 * - encoded streams resume at a keyframe: delta units of a restarted source
 *   are dropped until its first keyframe, which a decoder needs.
 *
 * Fallback frames take their PTS from the same bookkeeping
 * (cg_output_gap()), so they continue the output as well.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "cgretrysrc-private.h"

static gboolean
caps_are_raw (GstCaps * caps, gboolean * video)
{
  const gchar *name;

  *video = FALSE;
  if (caps == NULL || gst_caps_get_size (caps) == 0)
    return FALSE;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  *video = g_str_equal (name, "video/x-raw");
  return g_str_has_suffix (name, "/x-raw");
}

void
cg_output_init (CgOutput * out)
{
  memset (out, 0, sizeof (*out));
  out->last_pts = GST_CLOCK_TIME_NONE;
  out->last_duration = GST_CLOCK_TIME_NONE;
  gst_segment_init (&out->in_segment, GST_FORMAT_TIME);
}

void
cg_output_clear (CgOutput * out)
{
  g_clear_pointer (&out->stream_id, g_free);
  gst_clear_caps (&out->caps);
  gst_clear_buffer (&out->last_frame);
}

/* A new output (READY to PAUSED): takes @stream_id. */
void
cg_output_reset (CgOutput * out, gchar * stream_id, gboolean keep_last_frame)
{
  cg_output_clear (out);
  cg_output_init (out);
  out->stream_id = stream_id;
  out->keep_last_frame = keep_last_frame;
}

/* A new source instance starts feeding the output. */
void
cg_output_new_source (CgOutput * out)
{
  gst_segment_init (&out->in_segment, GST_FORMAT_TIME);
  out->offset_set = FALSE;
  /* a decoder downstream that saw data needs a keyframe to resume */
  out->need_keyframe = out->started;
}

/* Rewrites or drops a serialized event of the source on its way
 * downstream. Returns FALSE when it must be dropped. */
gboolean
cg_output_event (CgOutput * out, GstEvent ** event)
{
  switch (GST_EVENT_TYPE (*event)) {
    case GST_EVENT_STREAM_START:
      if (out->started)
        return FALSE;
      gst_event_unref (*event);
      *event = gst_event_new_stream_start (out->stream_id);
      return TRUE;
    case GST_EVENT_CAPS:{
      GstCaps *caps;

      gst_event_parse_caps (*event, &caps);
      if (out->caps && gst_caps_is_equal (caps, out->caps))
        return FALSE;
      gst_caps_replace (&out->caps, caps);
      out->raw = caps_are_raw (caps, &out->raw_video);
      return TRUE;
    }
    case GST_EVENT_SEGMENT:{
      const GstSegment *seg;
      GstSegment running;

      gst_event_parse_segment (*event, &seg);
      gst_segment_copy_into (seg, &out->in_segment);
      if (out->started)
        return FALSE;
      out->started = TRUE;
      gst_segment_init (&running, GST_FORMAT_TIME);
      gst_event_unref (*event);
      *event = gst_event_new_segment (&running);
      return TRUE;
    }
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      return FALSE;
    default:
      return TRUE;
  }
}

/* The first timestamped buffer of a source: its times continue after the
 * last output, never behind @running_now. */
void
cg_output_set_offset (CgOutput * out, GstBuffer * buf, GstClockTime running_now)
{
  GstClockTime rt = gst_segment_to_running_time (&out->in_segment,
      GST_FORMAT_TIME, GST_BUFFER_PTS (buf));
  GstClockTime floor;

  if (!GST_CLOCK_TIME_IS_VALID (rt))
    return;
  out->offset = 0;
  if (GST_CLOCK_TIME_IS_VALID (out->last_pts)) {
    floor = MAX (running_now, out->last_pts +
        (GST_CLOCK_TIME_IS_VALID (out->last_duration) ?
            out->last_duration : 1));
    out->offset = GST_CLOCK_DIFF (rt, floor);
  }
  out->offset_set = TRUE;
}

static GstClockTime
map_time (CgOutput * out, GstClockTime t)
{
  GstClockTime rt;

  if (!GST_CLOCK_TIME_IS_VALID (t))
    return GST_CLOCK_TIME_NONE;
  rt = gst_segment_to_running_time (&out->in_segment, GST_FORMAT_TIME, t);
  if (!GST_CLOCK_TIME_IS_VALID (rt))
    return GST_CLOCK_TIME_NONE;
  return (GstClockTime) MAX ((GstClockTimeDiff) 0,
      (GstClockTimeDiff) rt + out->offset);
}

/* Maps a buffer of the current source onto the output. Returns FALSE when
 * it must be dropped (a delta unit before the first keyframe). */
gboolean
cg_output_buffer (CgOutput * out, GstBuffer ** buf)
{
  GstBuffer *b = *buf;
  GstClockTime pts, dts;

  if (G_UNLIKELY (out->need_keyframe)) {
    if (!out->raw && GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_DELTA_UNIT))
      return FALSE;
    out->need_keyframe = FALSE;
  }
  pts = map_time (out, GST_BUFFER_PTS (b));
  dts = map_time (out, GST_BUFFER_DTS (b));
  if (GST_CLOCK_TIME_IS_VALID (pts)) {
    if (GST_CLOCK_TIME_IS_VALID (out->last_pts) && pts < out->last_pts)
      pts = out->last_pts;
    out->last_pts = pts;
  }
  if (GST_BUFFER_DURATION_IS_VALID (b))
    out->last_duration = GST_BUFFER_DURATION (b);
  if (pts != GST_BUFFER_PTS (b) || dts != GST_BUFFER_DTS (b)) {
    b = *buf = gst_buffer_make_writable (b);
    GST_BUFFER_PTS (b) = pts;
    GST_BUFFER_DTS (b) = dts;
  }
  if (out->keep_last_frame && out->raw_video)
    gst_buffer_replace (&out->last_frame, b);
  return TRUE;
}

/* The PTS of a fallback frame of @duration after the last output; with
 * @commit it becomes the last output. */
GstClockTime
cg_output_gap (CgOutput * out, GstClockTime duration, gboolean commit)
{
  GstClockTime pts = GST_CLOCK_TIME_IS_VALID (out->last_pts) ?
      out->last_pts + duration : 0;

  if (commit) {
    out->last_pts = pts;
    out->last_duration = duration;
  }
  return pts;
}

/* ------------------------------------------------------------------ */
/* retrysrc's data path                                                */

/*
 * The source's output pad is the target of retrysrc's ghost pad; its data
 * reaches the ghost pad's internal pad, whose chain and event functions are
 * these (no pad probe). Per buffer: the object lock once, no clock read
 * (except the first timestamped buffer of each source), one atomic
 * increment for the watchdog. The chain function also sees what downstream
 * returns: GST_FLOW_EOS ends the stream.
 */

#define SELF(parent) ((CgRetrySrc *) GST_OBJECT_PARENT (parent))

static GstFlowReturn
internal_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  CgRetrySrc *self = SELF (parent);
  CgOutput *out = &self->state.output;
  CgRetrySrcStatus status;
  gboolean keep, first;
  GstFlowReturn ret;

  GST_OBJECT_LOCK (self);
  status = self->state.status;
  if (G_UNLIKELY (status != CG_RETRY_SRC_STATUS_RUNNING
          && status != CG_RETRY_SRC_STATUS_STARTING
          && status != CG_RETRY_SRC_STATUS_ENDED)) {
    /* what a failed source still had in flight */
    GST_OBJECT_UNLOCK (self);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  if (cg_output_wants_clock (out, buf)) {
    GstClockTime now;

    GST_OBJECT_UNLOCK (self);
    now = cg_retry_src_running_time (self);
    GST_OBJECT_LOCK (self);
    cg_output_set_offset (out, buf, now);
  }
  keep = cg_output_buffer (out, &buf);
  first = keep && !self->state.delivered;
  self->state.delivered |= keep;
  GST_OBJECT_UNLOCK (self);

  cg_watchdog_feed (self->watchdog);
  if (!keep) {
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  if (G_UNLIKELY (first)) {
    Event ev = {.reason = "first buffer" };

    cg_retry_src_transition (self, CG_RETRY_SRC_STATUS_RUNNING, &ev);
  }
  ret = gst_proxy_pad_chain_default (pad, parent, buf);
  if (G_UNLIKELY (ret == GST_FLOW_EOS)) {
    Event ev = {.reason = "downstream returned EOS" };

    cg_retry_src_transition (self, CG_RETRY_SRC_STATUS_ENDED, &ev);
  }
  return ret;
}

static GstFlowReturn
internal_chain_list (GstPad * pad, GstObject * parent, GstBufferList * list)
{
  guint i, n = gst_buffer_list_length (list);
  GstFlowReturn ret = GST_FLOW_OK;

  for (i = 0; i < n && ret == GST_FLOW_OK; i++)
    ret = internal_chain (pad, parent,
        gst_buffer_ref (gst_buffer_list_get (list, i)));
  gst_buffer_list_unref (list);
  return ret;
}

/* EOS that the source sends by itself: a camera that went away, unless
 * eos-is-failure is off; after an EOS of the application it is that EOS
 * coming through. */
static gboolean
source_eos (CgRetrySrc * self, GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  CgRetrySrcStatus status;
  gboolean failure;
  Event ev = {.reason = "the source ended the stream" };

  GST_OBJECT_LOCK (self);
  status = self->state.status;
  failure = self->settings.eos_is_failure;
  GST_OBJECT_UNLOCK (self);
  if (status == CG_RETRY_SRC_STATUS_ENDED)
    return gst_pad_push_event (self->srcpad, event);
  if (status == CG_RETRY_SRC_STATUS_STARTING
      || status == CG_RETRY_SRC_STATUS_RUNNING) {
    if (failure) {
      CgError *err = cg_error_new (CG_CODE_CAMERA_DISCONNECTED,
          "The source ended the stream");

      cg_error_set_message_type (err, "eos");
      cg_retry_src_failure (self, NULL, err, NULL);
      cg_error_unref (err);
    } else if (cg_retry_src_transition (self, CG_RETRY_SRC_STATUS_ENDED, &ev)) {
      return gst_pad_push_event (self->srcpad, event);
    }
  }
  gst_event_unref (event);
  return TRUE;
}

static gboolean
internal_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  CgRetrySrc *self = SELF (parent);
  gboolean keep;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      return source_eos (self, pad, parent, event);
    case GST_EVENT_STREAM_START:
    case GST_EVENT_CAPS:
    case GST_EVENT_SEGMENT:
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      GST_OBJECT_LOCK (self);
      keep = cg_output_event (&self->state.output, &event);
      GST_OBJECT_UNLOCK (self);
      if (!keep) {
        gst_event_unref (event);
        return TRUE;
      }
      break;
    default:
      break;
  }
  return gst_pad_push_event (self->srcpad, event);
}

void
cg_retry_src_setup_pads (CgRetrySrc * self)
{
  gst_pad_set_chain_function (self->internal, internal_chain);
  gst_pad_set_chain_list_function (self->internal, internal_chain_list);
  gst_pad_set_event_function (self->internal, internal_event);
}

/* The PTS of the next fallback frame (see cg_output_gap()). */
GstClockTime
cg_retry_src_fallback_pts (CgRetrySrc * self, GstClockTime duration,
    gboolean commit)
{
  GstClockTime pts;

  GST_OBJECT_LOCK (self);
  pts = cg_output_gap (&self->state.output, duration, commit);
  if (commit)
    self->stats.fallback_frames++;
  GST_OBJECT_UNLOCK (self);
  return pts;
}
