/* camguard - faultinject: the fault kinds, when a fault fires, and what
 * each kind does to the stream
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The streaming side of the element: its fault kinds and their parameters
 * (the enums of cgfaultinject.h), the sink pad's chain and event functions.
 * The chain function decides under the object lock whether the
 * buffer is hit (cg_fault_should_fire_locked(), and for drop, delay and
 * corrupt whether the running fault's window has ended), copies what the
 * fault needs into a CgFaultHit, releases the lock, and hands the buffer to
 * cg_fault_act(), which does what the kind says: post an ERROR or WARNING
 * as a failing element would, drop, wait on the element's clock, stall the
 * streaming thread until a flush, READY or a change of the fault, corrupt
 * bytes from the seeded generator, send EOS, or return a flow return.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cgfaultinject-private.h"
#include "cgelementutil.h"

GST_DEBUG_CATEGORY_EXTERN (cg_fault_inject_debug);
#define GST_CAT_DEFAULT cg_fault_inject_debug

GType
cg_fault_type_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {CG_FAULT_NONE, "No fault: pass every buffer", "none"},
    {CG_FAULT_ERROR, "Post an ERROR and return a flow error", "error"},
    {CG_FAULT_WARNING, "Post a WARNING and keep streaming", "warning"},
    {CG_FAULT_DROP, "Drop buffers", "drop"},
    {CG_FAULT_DELAY, "Delay buffers on the clock", "delay"},
    {CG_FAULT_STALL, "Block the streaming thread (no data)", "stall"},
    {CG_FAULT_CORRUPT, "Overwrite bytes of buffers", "corrupt"},
    {CG_FAULT_EOS, "Send EOS and drop later buffers", "eos"},
    {CG_FAULT_FLOW_ERROR, "Drop the buffer and return flow-return",
        "flow-error"},
    {0, NULL, NULL}
  };

  return cg_element_register_enum (&type, "CgFaultType", values);
}

GType
cg_fault_error_domain_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {CG_FAULT_ERROR_DOMAIN_CORE, "GST_CORE_ERROR", "core"},
    {CG_FAULT_ERROR_DOMAIN_LIBRARY, "GST_LIBRARY_ERROR", "library"},
    {CG_FAULT_ERROR_DOMAIN_RESOURCE, "GST_RESOURCE_ERROR", "resource"},
    {CG_FAULT_ERROR_DOMAIN_STREAM, "GST_STREAM_ERROR", "stream"},
    {0, NULL, NULL}
  };

  return cg_element_register_enum (&type, "CgFaultErrorDomain", values);
}

GType
cg_fault_duration_format_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {CG_FAULT_DURATION_BUFFERS, "Duration counts buffers", "buffers"},
    {CG_FAULT_DURATION_TIME, "Duration is in nanoseconds", "time"},
    {0, NULL, NULL}
  };

  return cg_element_register_enum (&type, "CgFaultDurationFormat", values);
}

const gchar *
cg_fault_nick (CgFaultType fault)
{
  GEnumClass *klass = g_type_class_peek (CG_TYPE_FAULT_TYPE);
  GEnumValue *v = klass ? g_enum_get_value (klass, fault) : NULL;

  return v ? v->value_nick : "unknown";
}

/* Object lock held: end any running fault and wake a waiting stream. */
void
cg_fault_interrupt_locked (CgFaultInject * self)
{
  self->state.fault_generation++;
  if (self->state.clock_id)
    gst_clock_id_unschedule (self->state.clock_id);
  g_cond_broadcast (&self->state.cond);
}

/* A flush or READY: end any running fault and let a waiting or stalled
 * streaming thread go. */
void
cg_fault_start_flushing (CgFaultInject * self)
{
  GST_OBJECT_LOCK (self);
  self->state.flushing = TRUE;
  cg_fault_interrupt_locked (self);
  GST_OBJECT_UNLOCK (self);
}

/* Object lock held: the buffer's running time (from its PTS, else DTS,
 * else the element's clock). */
GstClockTime
cg_fault_running_time_locked (CgFaultInject * self, GstBuffer * buffer)
{
  GstClockTime ts = GST_BUFFER_PTS (buffer);
  GstClock *clock;

  if (!GST_CLOCK_TIME_IS_VALID (ts))
    ts = GST_BUFFER_DTS (buffer);
  if (GST_CLOCK_TIME_IS_VALID (ts)
      && self->state.segment.format == GST_FORMAT_TIME)
    return gst_segment_to_running_time (&self->state.segment,
        GST_FORMAT_TIME, ts);

  clock = GST_ELEMENT_CLOCK (self);
  if (clock) {
    GstClockTime now = gst_clock_get_time (clock);
    GstClockTime base = GST_ELEMENT_CAST (self)->base_time;

    if (GST_CLOCK_TIME_IS_VALID (now) && now >= base)
      return now - base;
  }
  return GST_CLOCK_TIME_NONE;
}

static gboolean
fault_is_windowed (CgFaultType fault)
{
  return fault == CG_FAULT_DROP || fault == CG_FAULT_DELAY ||
      fault == CG_FAULT_CORRUPT;
}

/* Object lock held: has the running fault ended before this buffer? */
gboolean
cg_fault_window_ended_locked (CgFaultInject * self, GstClockTime rt)
{
  const CgFaultSettings *s = &self->settings;

  if (!fault_is_windowed (self->state.active_fault))
    return TRUE;
  if (s->duration == 0)
    return FALSE;
  if (s->duration_format == CG_FAULT_DURATION_BUFFERS)
    return self->state.active_buffers >= s->duration;
  if (!GST_CLOCK_TIME_IS_VALID (rt) ||
      !GST_CLOCK_TIME_IS_VALID (self->state.active_start))
    return FALSE;
  return rt >= self->state.active_start + s->duration;
}

/* Object lock held: does this buffer fire the armed fault? */
gboolean
cg_fault_should_fire_locked (CgFaultInject * self, GstClockTime rt)
{
  const CgFaultSettings *s = &self->settings;
  CgFaultState *st = &self->state;

  if (s->fault == CG_FAULT_NONE)
    return FALSE;
  if (st->trigger_pending)
    return TRUE;
  if (s->repeat >= 0 && st->fired_count > (guint) s->repeat)
    return FALSE;
  if (st->since_last < s->after_buffers)
    return FALSE;
  if (GST_CLOCK_TIME_IS_VALID (s->at_running_time) &&
      (!GST_CLOCK_TIME_IS_VALID (rt) || rt < s->at_running_time))
    return FALSE;
  if (s->probability < 1.0 && g_rand_double (st->rand) >= s->probability)
    return FALSE;
  return TRUE;
}

static GQuark
error_domain_quark (CgFaultErrorDomain domain)
{
  switch (domain) {
    case CG_FAULT_ERROR_DOMAIN_CORE:
      return GST_CORE_ERROR;
    case CG_FAULT_ERROR_DOMAIN_LIBRARY:
      return GST_LIBRARY_ERROR;
    case CG_FAULT_ERROR_DOMAIN_RESOURCE:
      return GST_RESOURCE_ERROR;
    case CG_FAULT_ERROR_DOMAIN_STREAM:
    default:
      return GST_STREAM_ERROR;
  }
}

/* The injected ERROR or WARNING: exactly what a failing element posts
 * (no camguard-code: it stands for a third-party element's message). */
static void
post_error_message (CgFaultInject * self, GstMessageType type, guint64 index)
{
  const CgFaultSettings *s = &self->settings;
  GQuark domain;
  gint code;
  gchar *text, *debug;
  GstStructure *details;

  GST_OBJECT_LOCK (self);
  domain = error_domain_quark (s->error_domain);
  code = s->error_code;
  text = g_strdup (s->error_message);
  debug = g_strdup (s->error_debug);
  details = s->error_details ? gst_structure_copy (s->error_details) : NULL;
  GST_OBJECT_UNLOCK (self);

  if (!text)
    text = gst_error_get_message (domain, code);
  if (!debug)
    debug = g_strdup_printf ("fault injected by %s at buffer %"
        G_GUINT64_FORMAT, GST_OBJECT_NAME (self), index);

  /* Takes ownership of text, debug and details. */
  gst_element_message_full_with_details (GST_ELEMENT (self), type, domain,
      code, text, debug, __FILE__, GST_FUNCTION, __LINE__, details);
}

/* Wait @duration on the element's clock (the system clock when there is
 * none), unless the fault changed since @generation. Returns
 * GST_FLOW_FLUSHING when a flush or READY ended the wait. */
static GstFlowReturn
wait_on_clock (CgFaultInject * self, GstClockTime duration, guint generation)
{
  CgFaultState *st = &self->state;
  GstClock *clock;
  GstClockID id;
  gboolean flushing;

  GST_OBJECT_LOCK (self);
  if (st->flushing || st->fault_generation != generation) {
    /* flushing, or the fault was changed since it fired: no wait */
    flushing = st->flushing;
    GST_OBJECT_UNLOCK (self);
    return flushing ? GST_FLOW_FLUSHING : GST_FLOW_OK;
  }
  clock = GST_ELEMENT_CLOCK (self);
  clock = clock ? gst_object_ref (clock) : gst_system_clock_obtain ();
  id = gst_clock_new_single_shot_id (clock,
      gst_clock_get_time (clock) + duration);
  st->clock_id = id;
  GST_OBJECT_UNLOCK (self);

  GST_DEBUG_OBJECT (self, "waiting %" GST_TIME_FORMAT " on the clock",
      GST_TIME_ARGS (duration));
  gst_clock_id_wait (id, NULL);

  GST_OBJECT_LOCK (self);
  st->clock_id = NULL;
  flushing = st->flushing;
  GST_OBJECT_UNLOCK (self);

  gst_clock_id_unref (id);
  gst_object_unref (clock);
  return flushing ? GST_FLOW_FLUSHING : GST_FLOW_OK;
}

/* Block until a flush, READY, or a change of the fault property since
 * @generation. */
static GstFlowReturn
stall (CgFaultInject * self, guint generation)
{
  CgFaultState *st = &self->state;
  gboolean flushing;

  GST_OBJECT_LOCK (self);
  GST_INFO_OBJECT (self, "stalling the stream until flush or READY");
  while (!st->flushing && st->fault_generation == generation)
    g_cond_wait (&st->cond, GST_OBJECT_GET_LOCK (self));
  flushing = st->flushing;
  GST_OBJECT_UNLOCK (self);

  return flushing ? GST_FLOW_FLUSHING : GST_FLOW_OK;
}

static GstBuffer *
corrupt (CgFaultInject * self, GstBuffer * buffer)
{
  GRand *rand = self->state.corrupt_rand;
  GstMapInfo map;

  buffer = gst_buffer_make_writable (buffer);
  if (!gst_buffer_map (buffer, &map, GST_MAP_WRITE)) {
    GST_WARNING_OBJECT (self, "cannot map buffer for writing, not corrupted");
    return buffer;
  }
  if (map.size > 0) {
    GST_OBJECT_LOCK (self);
    if (self->settings.corrupt_bytes == 0) {
      for (gsize i = 0; i < map.size; i++)
        map.data[i] ^= (guint8) g_rand_int_range (rand, 1, 256);
    } else {
      for (guint i = 0; i < self->settings.corrupt_bytes; i++) {
        gsize pos = (gsize) (g_rand_double (rand) * map.size);

        map.data[MIN (pos, map.size - 1)] ^=
            (guint8) g_rand_int_range (rand, 1, 256);
      }
    }
    self->stats.buffers_corrupted++;
    GST_OBJECT_UNLOCK (self);
  }
  gst_buffer_unmap (buffer, &map);
  return buffer;
}

/* A buffer that does not go on: counted, freed, @ret returned. */
static GstFlowReturn
drop (CgFaultInject * self, GstBuffer * buffer, GstFlowReturn ret)
{
  GST_OBJECT_LOCK (self);
  self->stats.buffers_dropped++;
  GST_OBJECT_UNLOCK (self);
  gst_buffer_unref (buffer);
  return ret;
}

/* A delay or a stall: the buffer passes when the wait ends, unless a flush
 * or READY ended it. */
static GstFlowReturn
hold_back (CgFaultInject * self, const CgFaultHit * hit, GstBuffer * buffer)
{
  GstFlowReturn ret;

  if (hit->fault == CG_FAULT_DELAY)
    ret = wait_on_clock (self, hit->delay, hit->generation);
  else if (hit->duration_format == CG_FAULT_DURATION_TIME && hit->duration)
    ret = wait_on_clock (self, hit->duration, hit->generation);
  else
    ret = stall (self, hit->generation);
  if (ret != GST_FLOW_OK) {
    GST_INFO_OBJECT (self, "%s ended by flush", cg_fault_nick (hit->fault));
    gst_buffer_unref (buffer);
    return ret;
  }
  GST_OBJECT_LOCK (self);
  if (hit->fault == CG_FAULT_DELAY)
    self->stats.buffers_delayed++;
  GST_OBJECT_UNLOCK (self);
  return gst_pad_push (self->srcpad, buffer);
}

/* What the fault does to @buffer (which it takes). No lock held. */
GstFlowReturn
cg_fault_act (CgFaultInject * self, const CgFaultHit * hit, GstBuffer * buffer)
{
  switch (hit->fault) {
    case CG_FAULT_ERROR:
      post_error_message (self, GST_MESSAGE_ERROR, hit->index);
      return drop (self, buffer, GST_FLOW_ERROR);
    case CG_FAULT_WARNING:
      post_error_message (self, GST_MESSAGE_WARNING, hit->index);
      return gst_pad_push (self->srcpad, buffer);
    case CG_FAULT_DROP:
      GST_LOG_OBJECT (self, "dropping buffer %" G_GUINT64_FORMAT, hit->index);
      return drop (self, buffer, GST_FLOW_OK);
    case CG_FAULT_DELAY:
    case CG_FAULT_STALL:
      return hold_back (self, hit, buffer);
    case CG_FAULT_CORRUPT:
      return gst_pad_push (self->srcpad, corrupt (self, buffer));
    case CG_FAULT_EOS:
      GST_OBJECT_LOCK (self);
      self->state.eos_sent = TRUE;
      GST_OBJECT_UNLOCK (self);
      drop (self, buffer, GST_FLOW_OK);
      gst_pad_push_event (self->srcpad, gst_event_new_eos ());
      return GST_FLOW_OK;
    case CG_FAULT_FLOW_ERROR:
      GST_INFO_OBJECT (self, "returning %s",
          gst_flow_get_name (hit->flow_return));
      return drop (self, buffer, hit->flow_return);
    case CG_FAULT_NONE:
    default:
      return gst_pad_push (self->srcpad, buffer);
  }
}

/* Object lock held: whether @buffer is hit (then @hit says how) and
 * whether the fault fires on it (@fire). */
static gboolean
decide_locked (CgFaultInject * self, GstBuffer * buffer, CgFaultHit * hit,
    gboolean * fire, GstClockTime * rt)
{
  CgFaultState *st = &self->state;
  const CgFaultSettings *s = &self->settings;

  *rt = cg_fault_running_time_locked (self, buffer);
  if (st->active && cg_fault_window_ended_locked (self, *rt)) {
    GST_DEBUG_OBJECT (self, "%s fault ended before buffer %" G_GUINT64_FORMAT,
        cg_fault_nick (st->active_fault), hit->index);
    st->active = FALSE;
    st->since_last = 0;
  }
  *fire = !st->active && cg_fault_should_fire_locked (self, *rt);
  if (*fire) {
    if (!st->trigger_pending)
      st->fired_count++;
    st->trigger_pending = FALSE;
    st->active = TRUE;
    st->active_fault = s->fault;
    st->active_buffers = 0;
    st->active_start = *rt;
    self->stats.faults_fired++;
    /* counted before "fired" is emitted, so a listener sees it */
    if (st->active_fault == CG_FAULT_STALL)
      self->stats.stalls++;
  }
  if (!st->active) {
    st->since_last++;
    return FALSE;
  }
  hit->fault = st->active_fault;
  hit->generation = st->fault_generation;
  st->active_buffers++;
  hit->delay = s->delay;
  hit->duration = s->duration;
  hit->duration_format = s->duration_format;
  hit->flow_return = s->flow_return;
  return TRUE;
}

/* Announces a fault that fires: the fired signal and, when asked for, the
 * camguard-fault message. No lock held. */
static void
announce (CgFaultInject * self, const CgFaultHit * hit, GstClockTime rt)
{
  gboolean post;

  GST_INFO_OBJECT (self, "%s fault fires at buffer %" G_GUINT64_FORMAT
      " (running time %" GST_TIME_FORMAT ")", cg_fault_nick (hit->fault),
      hit->index, GST_TIME_ARGS (rt));
  g_signal_emit_by_name (self, "fired", hit->fault, hit->index);
  GST_OBJECT_LOCK (self);
  post = self->settings.post_messages;
  GST_OBJECT_UNLOCK (self);
  if (post)
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_element (GST_OBJECT (self),
            gst_structure_new ("camguard-fault",
                "fault", G_TYPE_STRING, cg_fault_nick (hit->fault),
                "buffer", G_TYPE_UINT64, hit->index,
                "running-time", G_TYPE_UINT64, rt, NULL)));
}

GstFlowReturn
cg_fault_inject_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  CgFaultInject *self = CG_FAULT_INJECT (parent);
  CgFaultHit hit = { CG_FAULT_NONE, };
  gboolean hit_it, fire = FALSE;
  GstClockTime rt;

  GST_OBJECT_LOCK (self);
  hit.index = self->stats.buffers_seen++;
  if (self->state.eos_sent) {
    self->stats.buffers_dropped++;
    GST_OBJECT_UNLOCK (self);
    GST_LOG_OBJECT (self, "dropping buffer %" G_GUINT64_FORMAT " after EOS",
        hit.index);
    gst_buffer_unref (buffer);
    return GST_FLOW_OK;
  }
  hit_it = decide_locked (self, buffer, &hit, &fire, &rt);
  GST_OBJECT_UNLOCK (self);

  if (!hit_it)
    return gst_pad_push (self->srcpad, buffer);
  if (fire)
    announce (self, &hit, rt);
  return cg_fault_act (self, &hit, buffer);
}

gboolean
cg_fault_inject_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  CgFaultInject *self = CG_FAULT_INJECT (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:
      GST_OBJECT_LOCK (self);
      gst_event_copy_segment (event, &self->state.segment);
      GST_OBJECT_UNLOCK (self);
      break;
    case GST_EVENT_FLUSH_START:
      cg_fault_start_flushing (self);
      break;
    case GST_EVENT_FLUSH_STOP:
      GST_OBJECT_LOCK (self);
      self->state.flushing = FALSE;
      self->state.active = FALSE;
      self->state.eos_sent = FALSE;
      self->state.since_last = 0;
      gst_segment_init (&self->state.segment, GST_FORMAT_UNDEFINED);
      GST_OBJECT_UNLOCK (self);
      break;
    case GST_EVENT_EOS:{
      gboolean eos_sent;

      GST_OBJECT_LOCK (self);
      eos_sent = self->state.eos_sent;
      GST_OBJECT_UNLOCK (self);
      if (eos_sent) {
        GST_DEBUG_OBJECT (self, "dropping upstream EOS, we sent one already");
        gst_event_unref (event);
        return TRUE;
      }
      break;
    }
    default:
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}
