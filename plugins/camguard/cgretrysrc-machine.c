/* camguard - retrysrc: the state machine
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * The states of retrysrc (cgretrysrc.c's header comment draws them) and the
 * one place where the status changes, cg_retry_src_transition(): what
 * entering each state does (the fallback, the delay on the element's clock,
 * the camguard-retry messages, giving up with one ERROR and EOS), what
 * comes after a failure (the backoff and the circuit breaker decide, on the
 * async thread) and the end of a delay.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cgretrysrc-private.h"

#define GST_CAT_DEFAULT cg_retry_src_debug

static void
post_retry_message (CgRetrySrc * self, const gchar * event, guint attempt,
    GstClockTime next_delay, CgError * error, GstClockTime outage)
{
  GstStructure *s = gst_structure_new ("camguard-retry",
      "event", G_TYPE_STRING, event, "attempt", G_TYPE_UINT, attempt, NULL);

  if (GST_CLOCK_TIME_IS_VALID (next_delay))
    gst_structure_set (s, "next-delay", G_TYPE_UINT64, next_delay, NULL);
  if (GST_CLOCK_TIME_IS_VALID (outage))
    gst_structure_set (s, "outage", G_TYPE_UINT64, outage, NULL);
  if (error) {
    GstStructure *es = cg_error_to_structure (error);

    gst_structure_set (s, "code", G_TYPE_STRING,
        cg_error_get_code_name (error), "error", GST_TYPE_STRUCTURE, es, NULL);
    gst_structure_free (es);
  }
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* Pushes EOS downstream, serialised with the data of the source and of the
 * fallback by the internal pad's stream lock. Never from change_state. */
static void
push_eos_async (GstElement * element, gpointer user_data)
{
  CgRetrySrc *self = CG_RETRY_SRC (element);

  GST_PAD_STREAM_LOCK (self->internal);
  gst_pad_push_event (self->srcpad, gst_event_new_eos ());
  GST_PAD_STREAM_UNLOCK (self->internal);
}


#define BIT(s) (1u << (CG_RETRY_SRC_STATUS_ ## s))

/* The states each state can be entered from. */
static const guint allowed_from[] = {
  [CG_RETRY_SRC_STATUS_IDLE] = ~0u,
  [CG_RETRY_SRC_STATUS_STARTING] = BIT (IDLE) | BIT (WAITING) |
      BIT (CIRCUIT_OPEN),
  [CG_RETRY_SRC_STATUS_RUNNING] = BIT (STARTING),
  [CG_RETRY_SRC_STATUS_FAILING] = BIT (STARTING) | BIT (RUNNING),
  [CG_RETRY_SRC_STATUS_WAITING] = BIT (FAILING),
  [CG_RETRY_SRC_STATUS_CIRCUIT_OPEN] = BIT (FAILING) | BIT (WAITING) |
      BIT (CIRCUIT_OPEN),
  [CG_RETRY_SRC_STATUS_FAILED] = BIT (FAILING),
  [CG_RETRY_SRC_STATUS_ENDED] = BIT (STARTING) | BIT (RUNNING) |
      BIT (FAILING) | BIT (WAITING) | BIT (CIRCUIT_OPEN),
};

static const gchar *
status_nick (CgRetrySrcStatus status)
{
  GEnumClass *klass = g_type_class_peek (CG_TYPE_RETRY_SRC_STATUS);
  GEnumValue *v = klass ? g_enum_get_value (klass, status) : NULL;

  return v ? v->value_nick : "?";
}

static void on_failing (GstElement * element, gpointer user_data);
static void schedule_delay (CgRetrySrc * self, CgRetrySrcStatus status,
    GstClockTime delay);

static void
enter_running (CgRetrySrc * self)
{
  GstClockTime outage = cg_backoff_success (self->backoff);
  CgError *err = NULL;

  cg_circuit_breaker_record_success (self->breaker);
  cg_fallback_stop (self->fallback);
  if (!GST_CLOCK_TIME_IS_VALID (outage))
    return;
  GST_OBJECT_LOCK (self);
  if (self->state.last_error)
    err = cg_error_ref (self->state.last_error);
  GST_OBJECT_UNLOCK (self);
  GST_INFO_OBJECT (self, "recovered after %" GST_TIME_FORMAT,
      GST_TIME_ARGS (outage));
  post_retry_message (self, "recovered", cg_backoff_get_attempts
      (self->backoff), GST_CLOCK_TIME_NONE, err, outage);
  if (err)
    cg_error_unref (err);
}

/* Waiting or circuit-open: fallback frames and the delay. */
static void
enter_waiting (CgRetrySrc * self, CgRetrySrcStatus to, const Event * ev)
{
  CgRetrySrcFallback mode;
  GstCaps *caps = NULL;
  GstBuffer *last = NULL;
  GstClockTime interval;

  if (ev->error)
    post_retry_message (self, to == CG_RETRY_SRC_STATUS_WAITING ?
        "retrying" : "circuit-open", ev->attempt, ev->delay, ev->error,
        GST_CLOCK_TIME_NONE);
  GST_OBJECT_LOCK (self);
  mode = self->settings.fallback;
  if (self->state.output.started && self->state.output.raw_video) {
    caps = gst_caps_ref (self->state.output.caps);
    if (self->state.output.last_frame)
      last = gst_buffer_ref (self->state.output.last_frame);
  }
  interval = self->state.output.last_duration;
  GST_OBJECT_UNLOCK (self);
  if (!GST_CLOCK_TIME_IS_VALID (interval) || interval == 0)
    interval = DEFAULT_FALLBACK_INTERVAL;
  if (caps)
    cg_fallback_start (self->fallback, mode, caps, last, interval);
  gst_clear_caps (&caps);
  gst_clear_buffer (&last);
  schedule_delay (self, to, ev->delay);
}

/* Gave up: one ERROR and EOS downstream. On the async thread (from
 * on_failing), never in change_state. */
static void
enter_failed (CgRetrySrc * self, const Event * ev)
{
  const gchar *msg = cg_error_get_message (ev->error);
  gchar *text;

  cg_fallback_stop (self->fallback);
  GST_WARNING_OBJECT (self, "giving up after %u attempts: %s", ev->attempt,
      cg_error_get_code_name (ev->error));
  post_retry_message (self, "gave-up", ev->attempt, GST_CLOCK_TIME_NONE,
      ev->error, GST_CLOCK_TIME_NONE);
  if (ev->attempt > 0)
    text = g_strdup_printf ("%s (gave up after %u attempts)", msg, ev->attempt);
  else
    text = g_strdup_printf ("%s (not retried)", msg);
  cg_retry_src_post_error (self, ev->error, ev->gerror, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, text, gst_structure_new ("extra",
          "attempts", G_TYPE_UINT, ev->attempt, NULL));
  push_eos_async (GST_ELEMENT (self), NULL);
}

/* EOS: through the running source (so that encoders in it drain), else
 * straight downstream, on the async thread. */
static void
enter_ended (CgRetrySrc * self, CgRetrySrcStatus from, const Event * ev)
{
  CgRetrySrcSource *src = NULL;
  gboolean sent = FALSE;

  cg_watchdog_stop (self->watchdog);
  cg_fallback_stop (self->fallback);
  if (!ev->push_eos)
    return;
  GST_OBJECT_LOCK (self);
  if (self->state.current && from == CG_RETRY_SRC_STATUS_RUNNING)
    src = gst_object_ref (self->state.current);
  GST_OBJECT_UNLOCK (self);
  if (src) {
    sent = gst_element_send_event (GST_ELEMENT (src), gst_event_new_eos ());
    gst_object_unref (src);
  }
  if (!sent)
    gst_element_call_async (GST_ELEMENT (self), push_eos_async, NULL, NULL);
}

/* Performs the transition to @to for @ev, if the state machine allows it
 * from the current state (and @ev is about the current source and delay):
 * the only place where the status changes. Returns whether it happened. */
gboolean
cg_retry_src_transition (CgRetrySrc * self, CgRetrySrcStatus to,
    const Event * ev)
{
  CgRetrySrcStatus from;
  GstClockID delay_id;
  guint generation = 0;

  GST_OBJECT_LOCK (self);
  from = self->state.status;
  if (!(allowed_from[to] & (1u << from))
      || (ev->source && ev->source != self->state.current)
      || (ev->delay_id && ev->delay_id != self->state.delay_id)) {
    GST_OBJECT_UNLOCK (self);
    GST_DEBUG_OBJECT (self, "%s: not %s -> %s", ev->reason,
        status_nick (from), status_nick (to));
    return FALSE;
  }
  self->state.status = to;
  /* no timer of the state left behind survives it */
  delay_id = self->state.delay_id;
  self->state.delay_id = NULL;
  if (to == CG_RETRY_SRC_STATUS_STARTING)
    generation = ++self->state.generation;
  if (to == CG_RETRY_SRC_STATUS_FAILING) {
    g_clear_pointer (&self->state.last_error, cg_error_unref);
    self->state.last_error = cg_error_copy (ev->error);
    /* a source that had delivered was reachable: it went away */
    if (self->state.delivered && cg_error_get_code (ev->error) ==
        CG_CODE_CAMERA_UNREACHABLE)
      cg_error_set_code (self->state.last_error, CG_CODE_CAMERA_DISCONNECTED);
    g_clear_error (&self->state.last_gerror);
    self->state.last_gerror = ev->gerror ? g_error_copy (ev->gerror) : NULL;
  }
  GST_OBJECT_UNLOCK (self);

  if (delay_id) {
    gst_clock_id_unschedule (delay_id);
    gst_clock_id_unref (delay_id);
  }
  GST_INFO_OBJECT (self, "%s -> %s: %s", status_nick (from), status_nick (to),
      ev->reason);
  if (from != to)
    cg_retry_src_notify_status (self);

  switch (to) {
    case CG_RETRY_SRC_STATUS_IDLE:
      cg_watchdog_stop (self->watchdog);
      cg_fallback_stop (self->fallback);
      break;
    case CG_RETRY_SRC_STATUS_STARTING:
      cg_retry_src_start_source (self, generation);
      break;
    case CG_RETRY_SRC_STATUS_RUNNING:
      enter_running (self);
      break;
    case CG_RETRY_SRC_STATUS_FAILING:
      cg_watchdog_stop (self->watchdog);
      gst_element_call_async (GST_ELEMENT (self), on_failing, NULL, NULL);
      break;
    case CG_RETRY_SRC_STATUS_WAITING:
    case CG_RETRY_SRC_STATUS_CIRCUIT_OPEN:
      enter_waiting (self, to, ev);
      break;
    case CG_RETRY_SRC_STATUS_FAILED:
      enter_failed (self, ev);
      break;
    case CG_RETRY_SRC_STATUS_ENDED:
      enter_ended (self, from, ev);
      break;
  }
  return TRUE;
}

/* The one way in for every failure of the source (ERROR, EOS by itself,
 * stall, failed state change, bad pads), from any thread. @source: the
 * instance that failed, NULL for the current one. */
void
cg_retry_src_failure (CgRetrySrc * self, CgRetrySrcSource * source,
    CgError * error, const GError * gerror)
{
  Event ev = {.reason = cg_error_get_code_name (error),.source = source,
    .error = error,.gerror = gerror
  };

  cg_retry_src_transition (self, CG_RETRY_SRC_STATUS_FAILING, &ev);
}

/* Failing, on the async thread: the failed source goes, the backoff and
 * the breaker decide what comes next. */
static void
on_failing (GstElement * element, gpointer user_data)
{
  CgRetrySrc *self = CG_RETRY_SRC (element);
  Event ev = {.reason = "backoff",.delay = GST_CLOCK_TIME_NONE };
  CgError *err;
  GError *gerror;
  CgCode code;
  gboolean retry;
  CgRetrySrcStatus to;

  cg_retry_src_teardown (self);
  GST_OBJECT_LOCK (self);
  if (self->state.status != CG_RETRY_SRC_STATUS_FAILING) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  code = cg_error_get_code (self->state.last_error);
  err = cg_error_ref (self->state.last_error);
  gerror = self->state.last_gerror ? g_error_copy (self->state.last_gerror) :
      NULL;
  GST_OBJECT_UNLOCK (self);

  cg_circuit_breaker_record_failure (self->breaker);
  retry = cg_backoff_next_delay (self->backoff, code, &ev.delay);
  ev.attempt = cg_backoff_get_attempts (self->backoff);
  ev.error = err;
  ev.gerror = gerror;
  to = CG_RETRY_SRC_STATUS_WAITING;
  if (!retry) {
    to = CG_RETRY_SRC_STATUS_FAILED;
  } else if (cg_circuit_breaker_get_state (self->breaker) == CG_BREAKER_OPEN) {
    to = CG_RETRY_SRC_STATUS_CIRCUIT_OPEN;
    ev.delay = MAX (ev.delay,
        cg_circuit_breaker_get_retry_after (self->breaker));
  }
  cg_retry_src_transition (self, to, &ev);
  cg_error_unref (err);
  g_clear_error (&gerror);
}

static void
restart_async (GstElement * element, gpointer user_data)
{
  CgRetrySrc *self = CG_RETRY_SRC (element);
  GstClockID id = user_data;
  Event ev = {.reason = "delay over",.delay_id = id };
  gboolean current;

  GST_OBJECT_LOCK (self);
  current = self->state.delay_id == id;
  GST_OBJECT_UNLOCK (self);
  if (!current)
    return;
  if (!cg_circuit_breaker_allow (self->breaker)) {
    ev.reason = "the circuit breaker is still open";
    ev.delay = MAX (cg_circuit_breaker_get_retry_after (self->breaker),
        GST_MSECOND);
    cg_retry_src_transition (self, CG_RETRY_SRC_STATUS_CIRCUIT_OPEN, &ev);
    return;
  }
  cg_retry_src_transition (self, CG_RETRY_SRC_STATUS_STARTING, &ev);
}

static gboolean
delay_done (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  if (GST_CLOCK_TIME_IS_VALID (time))
    gst_element_call_async (GST_ELEMENT (user_data), restart_async,
        gst_clock_id_ref (id), (GDestroyNotify) gst_clock_id_unref);
  return TRUE;
}

/* The delay of @status, on the element's clock. */
static void
schedule_delay (CgRetrySrc * self, CgRetrySrcStatus status, GstClockTime delay)
{
  GstClock *clock = cg_retry_src_get_clock (self);
  GstClockID id = gst_clock_new_single_shot_id (clock,
      gst_clock_get_time (clock) + delay);

  GST_OBJECT_LOCK (self);
  if (self->state.status == status && self->state.delay_id == NULL) {
    self->state.delay_id = gst_clock_id_ref (id);
    gst_clock_id_wait_async (id, delay_done, gst_object_ref (self),
        gst_object_unref);
  }
  GST_OBJECT_UNLOCK (self);
  gst_clock_id_unref (id);
  gst_object_unref (clock);
}
