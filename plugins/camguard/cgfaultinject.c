/* camguard - faultinject: inject faults into a stream for tests and drills
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-faultinject
 * @title: faultinject
 *
 * A passthrough element that injects one chosen fault into a stream, so
 * that error handling, retry logic and monitoring can be tested and drilled
 * without breaking a real camera.
 *
 * The #CgFaultInject:fault property chooses what happens: post an ERROR
 * (with a chosen GStreamer domain, code and structured details, exactly as a
 * failing element would, and return %GST_FLOW_ERROR), post a WARNING, drop,
 * delay, stall (block the streaming thread: the camera is "connected" but
 * sends nothing), corrupt bytes, send EOS, or return a chosen flow return.
 *
 * A fault is armed as soon as #CgFaultInject:fault is not `none`. It fires
 * on the first buffer that meets every trigger: at least
 * #CgFaultInject:after-buffers buffers have passed, the buffer's running
 * time is at least #CgFaultInject:at-running-time, and a roll against
 * #CgFaultInject:probability hits. Rolls and corruption come from a
 * #GRand seeded with #CgFaultInject:seed, so the same seed hits the same
 * buffers with the same bytes on every run. A fault fires once, then
 * #CgFaultInject:repeat more times; after-buffers counts again from the end
 * of each fault. The #CgFaultInject::trigger action signal fires the fault
 * on the next buffer regardless of the triggers (for drills).
 *
 * Drop, delay and corrupt last #CgFaultInject:duration buffers or
 * nanoseconds of running time (see #CgFaultInject:duration-format). Error,
 * warning, EOS and flow-error act on one buffer. A stall lasts until a
 * flush, a state change to READY, a change of #CgFaultInject:fault, or
 * #CgFaultInject:duration nanoseconds on the element's clock when
 * duration-format is `time`. Delays and timed stalls wait on the element's
 * clock, so a #GstTestClock drives them in tests.
 *
 * The ERROR or WARNING is exactly what the chosen element would post: it
 * carries the #CgFaultInject:error-details and no camguard code.
 *
 * When #CgFaultInject:post-messages is %TRUE, each firing posts an element
 * message named `camguard-fault` with the fields:
 *
 * * `fault` (string): the nick of the fault type, e.g. "drop"
 * * `buffer` (guint64): index of the buffer it fired on, from 0
 * * `running-time` (guint64): running time of that buffer, or
 *   %GST_CLOCK_TIME_NONE
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! faultinject fault=error \
 *     error-domain=resource error-code=15 after-buffers=30 \
 *     error-details="details, rtsp-status-code=(uint)401" ! fakesink
 * ]| After 30 buffers, posts RESOURCE/NOT_AUTHORIZED with the details an
 * RTSP 401 carries, as rtspsrc would.
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! faultinject fault=drop \
 *     probability=0.1 seed=7 repeat=-1 ! autovideosink
 * ]| Drops about one buffer in ten, the same ones on every run.
 *
 * ## States
 *
 * In NULL and READY nothing is armed. READY to PAUSED forgets the stream
 * and the statistics and re-seeds the generators. A fault that is armed
 * fires on a buffer (streaming), runs for its duration, and the element
 * counts again towards the next one; PAUSED to READY and a flush release a
 * stalled or waiting streaming thread. Every property may be changed in
 * any state.
 *
 * Since: 0.1
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include "cgfaultinject-private.h"
#include "cgelementutil.h"
#include "gstcamguardelements.h"

GST_DEBUG_CATEGORY (cg_fault_inject_debug);
#define GST_CAT_DEFAULT cg_fault_inject_debug

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

#define DEFAULT_FAULT CG_FAULT_NONE
#define DEFAULT_ERROR_DOMAIN CG_FAULT_ERROR_DOMAIN_STREAM
#define DEFAULT_ERROR_CODE GST_STREAM_ERROR_FAILED
#define DEFAULT_ERROR_MESSAGE NULL
#define DEFAULT_ERROR_DEBUG NULL
#define DEFAULT_ERROR_DETAILS NULL
#define DEFAULT_AFTER_BUFFERS 0
#define DEFAULT_AT_RUNNING_TIME GST_CLOCK_TIME_NONE
#define DEFAULT_PROBABILITY 1.0
#define DEFAULT_SEED 0
#define DEFAULT_DELAY (100 * GST_MSECOND)
#define DEFAULT_DURATION 1
#define DEFAULT_DURATION_FORMAT CG_FAULT_DURATION_BUFFERS
#define DEFAULT_FLOW_RETURN GST_FLOW_ERROR
#define DEFAULT_REPEAT 0
#define DEFAULT_CORRUPT_BYTES 16
#define DEFAULT_POST_MESSAGES FALSE

enum
{
  PROP_0,
  PROP_FAULT,
  PROP_ERROR_DOMAIN,
  PROP_ERROR_CODE,
  PROP_ERROR_MESSAGE,
  PROP_ERROR_DEBUG,
  PROP_ERROR_DETAILS,
  PROP_AFTER_BUFFERS,
  PROP_AT_RUNNING_TIME,
  PROP_PROBABILITY,
  PROP_SEED,
  PROP_DELAY,
  PROP_DURATION,
  PROP_DURATION_FORMAT,
  PROP_FLOW_RETURN,
  PROP_REPEAT,
  PROP_CORRUPT_BYTES,
  PROP_POST_MESSAGES,
  PROP_STATISTICS,
  N_PROPERTIES
};

static GParamSpec *properties[N_PROPERTIES];

enum
{
  SIGNAL_FIRED,
  SIGNAL_TRIGGER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define cg_fault_inject_parent_class parent_class
G_DEFINE_TYPE (CgFaultInject, cg_fault_inject, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (faultinject, "faultinject", GST_RANK_NONE,
    CG_TYPE_FAULT_INJECT);

static void cg_fault_inject_finalize (GObject * object);
static void cg_fault_inject_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void cg_fault_inject_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn cg_fault_inject_change_state (GstElement *
    element, GstStateChange transition);
static void cg_fault_inject_trigger (CgFaultInject * self);

static void
cg_fault_inject_class_init (CgFaultInjectClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (cg_fault_inject_debug, "faultinject", 0,
      "camguard fault injector");

  gobject_class->finalize = cg_fault_inject_finalize;
  gobject_class->set_property = cg_fault_inject_set_property;
  gobject_class->get_property = cg_fault_inject_get_property;

  /**
   * CgFaultInject:fault:
   *
   * The fault to inject. `none` disarms the element. Changing it re-arms
   * the element (the repeat count starts again) and ends a running delay
   * or stall, whose buffer then passes.
   *
   * Since: 0.1
   */
  properties[PROP_FAULT] = g_param_spec_enum ("fault", "Fault",
      "Fault to inject when the trigger fires: error (post ERROR, return "
      "flow error), warning, drop, delay, stall (block streaming), corrupt, "
      "eos or flow-error. Setting it re-arms the element and ends a stall",
      CG_TYPE_FAULT_TYPE, DEFAULT_FAULT, rw);

  /**
   * CgFaultInject:error-domain:
   *
   * The #GError domain of an `error` or `warning` fault.
   *
   * Since: 0.1
   */
  properties[PROP_ERROR_DOMAIN] = g_param_spec_enum ("error-domain",
      "Error domain",
      "GStreamer error domain of an error/warning fault (core, library, "
      "resource, stream)", CG_TYPE_FAULT_ERROR_DOMAIN, DEFAULT_ERROR_DOMAIN,
      rw);

  /**
   * CgFaultInject:error-code:
   *
   * The numeric code within #CgFaultInject:error-domain, as in
   * #GstResourceError or #GstStreamError.
   *
   * Since: 0.1
   */
  properties[PROP_ERROR_CODE] = g_param_spec_int ("error-code", "Error code",
      "Code within error-domain, e.g. resource: 3 not-found, 4 busy, "
      "7 open-read-write, 9 read, 14 no-space-left, 15 not-authorized; "
      "stream: 1 failed, 7 decode, 11 format; core: 7 negotiation, 12 "
      "missing-plugin", 1, G_MAXINT, DEFAULT_ERROR_CODE, rw);

  /**
   * CgFaultInject:error-message:
   *
   * The user-facing text of the message; %NULL uses GStreamer's default
   * text for the domain and code.
   *
   * Since: 0.1
   */
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message",
      "Error message",
      "Message text of an error/warning fault (NULL: GStreamer's standard "
      "text for the domain and code)", DEFAULT_ERROR_MESSAGE, rw);

  /**
   * CgFaultInject:error-debug:
   *
   * The debug string of the message; %NULL says which element injected it
   * at which buffer.
   *
   * Since: 0.1
   */
  properties[PROP_ERROR_DEBUG] = g_param_spec_string ("error-debug",
      "Error debug",
      "Debug string of an error/warning fault (NULL: \"fault injected by "
      "<name> at buffer <n>\")", DEFAULT_ERROR_DEBUG, rw);

  /**
   * CgFaultInject:error-details:
   *
   * Structured details attached to the message, as a serialised
   * #GstStructure, e.g. `details, rtsp-status-code=(uint)401`. Reading the
   * property returns the parsed structure serialised again. An unparsable
   * string is rejected with a warning and clears the details.
   *
   * Since: 0.1
   */
  properties[PROP_ERROR_DETAILS] = g_param_spec_string ("error-details",
      "Error details",
      "GstStructure attached to the error/warning message as details, e.g. "
      "\"details, rtsp-status-code=(uint)401\"", DEFAULT_ERROR_DETAILS, rw);

  /**
   * CgFaultInject:after-buffers:
   *
   * How many buffers pass untouched before the fault may fire: with N, the
   * buffer with index N (counting from 0) is the first that can be hit.
   * After a fault ends, the count starts again, so with #CgFaultInject:repeat
   * a fault fires every N+1 buffers.
   *
   * Since: 0.1
   */
  properties[PROP_AFTER_BUFFERS] = g_param_spec_uint64 ("after-buffers",
      "After buffers",
      "Trigger: let this many buffers pass before the fault may fire (the "
      "buffer with this 0-based index is the first hit); counted again after "
      "each fault", 0, G_MAXUINT64, DEFAULT_AFTER_BUFFERS, rw);

  /**
   * CgFaultInject:at-running-time:
   *
   * The fault cannot fire on a buffer whose running time (from its PTS,
   * else DTS, else the element's clock) is before this.
   * %GST_CLOCK_TIME_NONE disables this trigger.
   *
   * Since: 0.1
   */
  properties[PROP_AT_RUNNING_TIME] = g_param_spec_uint64 ("at-running-time",
      "At running time",
      "Trigger: the fault fires no earlier than this running time in ns "
      "(buffer PTS/DTS, else clock time); -1 = no time trigger", 0,
      G_MAXUINT64, DEFAULT_AT_RUNNING_TIME, rw);

  /**
   * CgFaultInject:probability:
   *
   * Probability that a buffer meeting the other triggers fires the fault.
   * Rolls come from a #GRand seeded with #CgFaultInject:seed.
   *
   * Since: 0.1
   */
  properties[PROP_PROBABILITY] = g_param_spec_double ("probability",
      "Probability",
      "Trigger: chance (0..1) per buffer that the fault fires once the other "
      "triggers are met; reproducible with seed", 0.0, 1.0,
      DEFAULT_PROBABILITY, rw);

  /**
   * CgFaultInject:seed:
   *
   * Seed of the random generators for #CgFaultInject:probability and
   * corruption. Setting it reseeds them; they are also reseeded on every
   * READY to PAUSED transition, so a run is reproducible.
   *
   * Since: 0.1
   */
  properties[PROP_SEED] = g_param_spec_uint ("seed", "Seed",
      "Seed for probability rolls and corrupted bytes: the same seed hits the "
      "same buffers with the same bytes on every run", 0, G_MAXUINT,
      DEFAULT_SEED, rw);

  /**
   * CgFaultInject:delay:
   *
   * How long a `delay` fault holds each affected buffer, waiting on the
   * element's clock (a flush ends the wait).
   *
   * Since: 0.1
   */
  properties[PROP_DELAY] = g_param_spec_uint64 ("delay", "Delay",
      "How long a delay fault holds each affected buffer, in ns on the "
      "element's clock (interrupted by flush)", 0, G_MAXUINT64,
      DEFAULT_DELAY, rw);

  /**
   * CgFaultInject:duration:
   *
   * How long a drop, delay or corrupt fault lasts, in the unit of
   * #CgFaultInject:duration-format; 0 means forever (until a flush, READY,
   * or a change of #CgFaultInject:fault). For a stall with duration-format
   * `time` it bounds the stall; with `buffers` a stall lasts until a flush.
   *
   * Since: 0.1
   */
  properties[PROP_DURATION] = g_param_spec_uint64 ("duration", "Duration",
      "How long drop/delay/corrupt (and a stall with duration-format=time) "
      "last, in buffers or ns per duration-format; 0 = forever", 0,
      G_MAXUINT64, DEFAULT_DURATION, rw);

  /**
   * CgFaultInject:duration-format:
   *
   * Whether #CgFaultInject:duration counts buffers or nanoseconds (of
   * buffer running time for drop/delay/corrupt, of clock time for stall).
   *
   * Since: 0.1
   */
  properties[PROP_DURATION_FORMAT] = g_param_spec_enum ("duration-format",
      "Duration format",
      "Unit of duration: buffers, or time (ns of running time; of clock time "
      "for stall)", CG_TYPE_FAULT_DURATION_FORMAT, DEFAULT_DURATION_FORMAT, rw);

  /**
   * CgFaultInject:flow-return:
   *
   * The #GstFlowReturn a `flow-error` fault returns upstream for the buffer
   * it drops.
   *
   * Since: 0.1
   */
  properties[PROP_FLOW_RETURN] = g_param_spec_enum ("flow-return",
      "Flow return",
      "Flow return a flow-error fault hands upstream (e.g. error, "
      "not-negotiated, flushing, eos)", GST_TYPE_FLOW_RETURN,
      DEFAULT_FLOW_RETURN, rw);

  /**
   * CgFaultInject:repeat:
   *
   * How many more times the fault fires after the first; -1 for no limit.
   * The #CgFaultInject::trigger signal does not count against it.
   *
   * Since: 0.1
   */
  properties[PROP_REPEAT] = g_param_spec_int ("repeat", "Repeat",
      "How many more times the fault fires after the first time "
      "(0 = once, -1 = every time the triggers are met)", -1, G_MAXINT,
      DEFAULT_REPEAT, rw);

  /**
   * CgFaultInject:corrupt-bytes:
   *
   * How many bytes a `corrupt` fault alters in each affected buffer
   * (positions and values from the seeded generator; each chosen byte is
   * XORed with a non-zero value); 0 alters every byte.
   *
   * Since: 0.1
   */
  properties[PROP_CORRUPT_BYTES] = g_param_spec_uint ("corrupt-bytes",
      "Corrupt bytes",
      "Bytes a corrupt fault alters per buffer, at seeded positions "
      "(0 = every byte)", 0, G_MAXUINT, DEFAULT_CORRUPT_BYTES, rw);

  /**
   * CgFaultInject:post-messages:
   *
   * Post a `camguard-fault` element message each time the fault fires.
   *
   * Since: 0.1
   */
  properties[PROP_POST_MESSAGES] = g_param_spec_boolean ("post-messages",
      "Post messages",
      "Post a camguard-fault element message (fault, buffer, running-time) "
      "each time the fault fires", DEFAULT_POST_MESSAGES, rw);

  /**
   * CgFaultInject:statistics:
   *
   * A #GstStructure named `camguard-faultinject-stats` with
   * the #guint64 fields `buffers-seen`, `faults-fired`, `buffers-dropped`
   * (by drop, eos and flow-error faults and errors), `buffers-corrupted`,
   * `buffers-delayed` and `stalls`. Reset on READY to PAUSED.
   *
   * Since: 0.1
   */
  properties[PROP_STATISTICS] = g_param_spec_boxed ("statistics",
      "Statistics",
      "Counters: buffers-seen, faults-fired, buffers-dropped, "
      "buffers-corrupted, buffers-delayed, stalls", GST_TYPE_STRUCTURE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, N_PROPERTIES, properties);

  /**
   * CgFaultInject::fired:
   * @faultinject: the element
   * @fault: the #CgFaultType that fired
   * @buffer: index (from 0) of the buffer it fired on
   *
   * Emitted on the streaming thread each time the fault fires, before it
   * acts (so before a stall blocks).
   *
   * Since: 0.1
   */
  signals[SIGNAL_FIRED] = g_signal_new ("fired", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
      CG_TYPE_FAULT_TYPE, G_TYPE_UINT64);

  /**
   * CgFaultInject::trigger:
   * @faultinject: the element
   *
   * Action signal: fire the armed fault on the next buffer, whatever
   * after-buffers, at-running-time, probability and repeat say. Does
   * nothing when #CgFaultInject:fault is `none`.
   *
   * Since: 0.1
   */
  signals[SIGNAL_TRIGGER] = g_signal_new_class_handler ("trigger",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (cg_fault_inject_trigger), NULL, NULL, NULL, G_TYPE_NONE, 0);

  gst_element_class_set_static_metadata (element_class, "Fault injector",
      "Generic",
      "Injects faults for tests and drills: ERROR/WARNING with a chosen "
      "domain, code and details, drop, delay, stall, corrupt, EOS or a flow "
      "return, after N buffers, at a running time or with a seeded "
      "probability", "camguard <dev@camguard.invalid>");
  gst_element_class_add_static_metadata (element_class,
      CG_ELEMENT_METADATA_MESSAGES,
      "ERROR or WARNING: the injected one (error-domain, error-code, "
      "error-message, error-details)"
      CG_MESSAGES_NEXT
      "element camguard-fault (with post-messages=true): fault, buffer, "
      "running-time, at every firing"
      CG_MESSAGES_NEXT
      "WARNING camguard-code=VALIDATION_ERROR: error-details that do not "
      "parse");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (cg_fault_inject_change_state);

  gst_type_mark_as_plugin_api (CG_TYPE_FAULT_TYPE, 0);
  gst_type_mark_as_plugin_api (CG_TYPE_FAULT_ERROR_DOMAIN, 0);
  gst_type_mark_as_plugin_api (CG_TYPE_FAULT_DURATION_FORMAT, 0);
}


static void
cg_fault_inject_init (CgFaultInject * self)
{
  CgFaultSettings *s = &self->settings;

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (cg_fault_inject_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (cg_fault_inject_sink_event));
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->sinkpad);
  GST_PAD_SET_PROXY_SCHEDULING (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  GST_PAD_SET_PROXY_CAPS (self->srcpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->srcpad);
  GST_PAD_SET_PROXY_SCHEDULING (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  s->fault = DEFAULT_FAULT;
  s->error_domain = DEFAULT_ERROR_DOMAIN;
  s->error_code = DEFAULT_ERROR_CODE;
  s->after_buffers = DEFAULT_AFTER_BUFFERS;
  s->at_running_time = DEFAULT_AT_RUNNING_TIME;
  s->probability = DEFAULT_PROBABILITY;
  s->seed = DEFAULT_SEED;
  s->delay = DEFAULT_DELAY;
  s->duration = DEFAULT_DURATION;
  s->duration_format = DEFAULT_DURATION_FORMAT;
  s->flow_return = DEFAULT_FLOW_RETURN;
  s->repeat = DEFAULT_REPEAT;
  s->corrupt_bytes = DEFAULT_CORRUPT_BYTES;
  s->post_messages = DEFAULT_POST_MESSAGES;

  self->state.rand = g_rand_new_with_seed (s->seed);
  self->state.corrupt_rand = g_rand_new_with_seed (s->seed ^ 0x5eedc0deu);
  gst_segment_init (&self->state.segment, GST_FORMAT_UNDEFINED);
  g_cond_init (&self->state.cond);
}

static void
cg_fault_inject_finalize (GObject * object)
{
  CgFaultInject *self = CG_FAULT_INJECT (object);

  g_free (self->settings.error_message);
  g_free (self->settings.error_debug);
  if (self->settings.error_details)
    gst_structure_free (self->settings.error_details);
  g_rand_free (self->state.rand);
  g_rand_free (self->state.corrupt_rand);
  g_cond_clear (&self->state.cond);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Object lock held. */
static void
reseed_locked (CgFaultInject * self)
{
  g_rand_set_seed (self->state.rand, self->settings.seed);
  g_rand_set_seed (self->state.corrupt_rand, self->settings.seed ^ 0x5eedc0deu);
}

/* Object lock held: forget everything that happened in the stream. */
static void
reset_state_locked (CgFaultInject * self)
{
  CgFaultState *st = &self->state;

  gst_segment_init (&st->segment, GST_FORMAT_UNDEFINED);
  st->since_last = 0;
  st->fired_count = 0;
  st->trigger_pending = FALSE;
  st->active = FALSE;
  st->eos_sent = FALSE;
  memset (&self->stats, 0, sizeof (self->stats));
  reseed_locked (self);
}

/* Object lock held. An unparsable error-details string clears the details
 * and returns FALSE. */
static gboolean
set_error_details_locked (CgFaultInject * self, const gchar * str)
{
  CgFaultSettings *s = &self->settings;

  if (s->error_details)
    gst_structure_free (s->error_details);
  s->error_details = NULL;
  if (!str || !*str)
    return TRUE;
  s->error_details = gst_structure_from_string (str, NULL);
  return s->error_details != NULL;
}

/* The properties that are plain fields of the settings. */
static const CgSettingsField settings_fields[] = {
  {PROP_FAULT, G_STRUCT_OFFSET (CgFaultSettings, fault)},
  {PROP_ERROR_DOMAIN, G_STRUCT_OFFSET (CgFaultSettings, error_domain)},
  {PROP_ERROR_CODE, G_STRUCT_OFFSET (CgFaultSettings, error_code)},
  {PROP_ERROR_MESSAGE, G_STRUCT_OFFSET (CgFaultSettings, error_message)},
  {PROP_ERROR_DEBUG, G_STRUCT_OFFSET (CgFaultSettings, error_debug)},
  {PROP_AFTER_BUFFERS, G_STRUCT_OFFSET (CgFaultSettings, after_buffers)},
  {PROP_AT_RUNNING_TIME, G_STRUCT_OFFSET (CgFaultSettings, at_running_time)},
  {PROP_PROBABILITY, G_STRUCT_OFFSET (CgFaultSettings, probability)},
  {PROP_SEED, G_STRUCT_OFFSET (CgFaultSettings, seed)},
  {PROP_DELAY, G_STRUCT_OFFSET (CgFaultSettings, delay)},
  {PROP_DURATION, G_STRUCT_OFFSET (CgFaultSettings, duration)},
  {PROP_DURATION_FORMAT, G_STRUCT_OFFSET (CgFaultSettings, duration_format)},
  {PROP_FLOW_RETURN, G_STRUCT_OFFSET (CgFaultSettings, flow_return)},
  {PROP_REPEAT, G_STRUCT_OFFSET (CgFaultSettings, repeat)},
  {PROP_CORRUPT_BYTES, G_STRUCT_OFFSET (CgFaultSettings, corrupt_bytes)},
  {PROP_POST_MESSAGES, G_STRUCT_OFFSET (CgFaultSettings, post_messages)},
  {0,},
};

/* Object lock held: NULL, or why the value was refused. Setting the
 * fault re-arms the element and ends a running fault; setting the seed or
 * the repeat count starts them again. */
static gchar *
set_property_locked (GstElement * element, guint prop_id, const GValue * value)
{
  CgFaultInject *self = CG_FAULT_INJECT (element);

  if (prop_id == PROP_ERROR_DETAILS
      && !set_error_details_locked (self, g_value_get_string (value)))
    return g_strdup_printf ("\"%s\" is not a valid GstStructure; the details "
        "were cleared", g_value_get_string (value));
  cg_settings_set_field (settings_fields, &self->settings, prop_id, value);
  switch (prop_id) {
    case PROP_FAULT:
      self->state.fired_count = 0;
      self->state.since_last = 0;
      self->state.active = FALSE;
      cg_fault_interrupt_locked (self);
      break;
    case PROP_SEED:
      reseed_locked (self);
      break;
    case PROP_REPEAT:
      self->state.fired_count = 0;
      break;
    default:
      break;
  }
  return NULL;
}

static void
cg_fault_inject_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  if (prop_id == PROP_0 || prop_id >= PROP_STATISTICS) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  cg_element_set_property (GST_ELEMENT (object), pspec, prop_id, value,
      set_property_locked);
}

/* Object lock held. */
static GstStructure *
statistics_locked (CgFaultInject * self)
{
  const CgFaultStats *st = &self->stats;

  return gst_structure_new ("camguard-faultinject-stats",
      "buffers-seen", G_TYPE_UINT64, st->buffers_seen,
      "faults-fired", G_TYPE_UINT64, st->faults_fired,
      "buffers-dropped", G_TYPE_UINT64, st->buffers_dropped,
      "buffers-corrupted", G_TYPE_UINT64, st->buffers_corrupted,
      "buffers-delayed", G_TYPE_UINT64, st->buffers_delayed,
      "stalls", G_TYPE_UINT64, st->stalls, NULL);
}

static void
cg_fault_inject_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  CgFaultInject *self = CG_FAULT_INJECT (object);
  const CgFaultSettings *s = &self->settings;
  gboolean known = TRUE;

  GST_OBJECT_LOCK (self);
  if (prop_id == PROP_STATISTICS)
    g_value_take_boxed (value, statistics_locked (self));
  else if (prop_id == PROP_ERROR_DETAILS)
    g_value_take_string (value, s->error_details ?
        gst_structure_to_string (s->error_details) : NULL);
  else
    known = cg_settings_get_field (settings_fields, s, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!known)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
cg_fault_inject_trigger (CgFaultInject * self)
{
  GST_OBJECT_LOCK (self);
  if (self->settings.fault != CG_FAULT_NONE) {
    GST_INFO_OBJECT (self, "trigger requested: firing %s on the next buffer",
        cg_fault_nick (self->settings.fault));
    self->state.trigger_pending = TRUE;
    self->state.active = FALSE;
  }
  GST_OBJECT_UNLOCK (self);
}

static GstStateChangeReturn
cg_fault_inject_change_state (GstElement * element, GstStateChange transition)
{
  CgFaultInject *self = CG_FAULT_INJECT (element);

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      GST_OBJECT_LOCK (self);
      self->state.flushing = FALSE;
      reset_state_locked (self);
      GST_OBJECT_UNLOCK (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* Release a stalled or waiting streaming thread before the pads
       * deactivate and take its stream lock. */
      cg_fault_start_flushing (self);
      break;
    default:
      break;
  }

  return GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
}
