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
 * Since: 0.1.0
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "cgfaultinject.h"
#include "gstcamguardelements.h"

GST_DEBUG_CATEGORY_STATIC (cg_fault_inject_debug);
#define GST_CAT_DEFAULT cg_fault_inject_debug

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

GType
cg_fault_type_get_type (void)
{
  static gsize id = 0;
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

  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("CgFaultType", values);
    g_once_init_leave (&id, t);
  }
  return (GType) id;
}

GType
cg_fault_error_domain_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    {CG_FAULT_ERROR_DOMAIN_CORE, "GST_CORE_ERROR", "core"},
    {CG_FAULT_ERROR_DOMAIN_LIBRARY, "GST_LIBRARY_ERROR", "library"},
    {CG_FAULT_ERROR_DOMAIN_RESOURCE, "GST_RESOURCE_ERROR", "resource"},
    {CG_FAULT_ERROR_DOMAIN_STREAM, "GST_STREAM_ERROR", "stream"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("CgFaultErrorDomain", values);
    g_once_init_leave (&id, t);
  }
  return (GType) id;
}

GType
cg_fault_duration_format_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    {CG_FAULT_DURATION_BUFFERS, "Duration counts buffers", "buffers"},
    {CG_FAULT_DURATION_TIME, "Duration is in nanoseconds", "time"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("CgFaultDurationFormat", values);
    g_once_init_leave (&id, t);
  }
  return (GType) id;
}

struct _CgFaultInject
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* Settings: protected by the object lock. */
  CgFaultType fault;
  CgFaultErrorDomain error_domain;
  gint error_code;
  gchar *error_message;
  gchar *error_debug;
  GstStructure *error_details;
  guint64 after_buffers;
  GstClockTime at_running_time;
  gdouble probability;
  guint seed;
  GstClockTime delay;
  guint64 duration;
  CgFaultDurationFormat duration_format;
  GstFlowReturn flow_return;
  gint repeat;
  guint corrupt_bytes;
  gboolean post_messages;

  /* Streaming state: protected by the object lock; the streaming thread
   * copies what it needs and never waits or pushes with the lock held
   * (except g_cond_wait on @cond, which releases it). */
  GRand *rand;                  /* probability rolls */
  GRand *corrupt_rand;          /* corruption positions and values */
  GstSegment segment;
  guint64 buffers_seen;
  guint64 since_last;           /* buffers passed since start or last fault */
  guint fired_count;            /* automatic firings, counted against repeat */
  guint fault_generation;       /* bumped when fault changes: ends waits */
  gboolean trigger_pending;
  gboolean active;
  CgFaultType active_fault;
  guint64 active_buffers;
  GstClockTime active_start;
  gboolean eos_sent;
  gboolean flushing;
  GstClockID clock_id;
  GCond cond;

  /* Statistics: protected by the object lock. */
  guint64 faults_fired;
  guint64 buffers_dropped;
  guint64 buffers_corrupted;
  guint64 buffers_delayed;
  guint64 stalls;
};

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
static GstFlowReturn cg_fault_inject_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buffer);
static gboolean cg_fault_inject_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static void cg_fault_inject_trigger (CgFaultInject * self);

static const gchar *
fault_nick (CgFaultType fault)
{
  GEnumClass *klass = g_type_class_peek (CG_TYPE_FAULT_TYPE);
  GEnumValue *v = klass ? g_enum_get_value (klass, fault) : NULL;

  return v ? v->value_nick : "unknown";
}

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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
   */
  properties[PROP_POST_MESSAGES] = g_param_spec_boolean ("post-messages",
      "Post messages",
      "Post a camguard-fault element message (fault, buffer, running-time) "
      "each time the fault fires", DEFAULT_POST_MESSAGES, rw);

  /**
   * CgFaultInject:statistics:
   *
   * A #GstStructure named `application/x-camguard-faultinject-stats` with
   * the #guint64 fields `buffers-seen`, `faults-fired`, `buffers-dropped`
   * (by drop, eos and flow-error faults and errors), `buffers-corrupted`,
   * `buffers-delayed` and `stalls`. Reset on READY to PAUSED.
   *
   * Since: 0.1.0
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
   * Since: 0.1.0
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
   * Since: 0.1.0
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

  self->fault = DEFAULT_FAULT;
  self->error_domain = DEFAULT_ERROR_DOMAIN;
  self->error_code = DEFAULT_ERROR_CODE;
  self->after_buffers = DEFAULT_AFTER_BUFFERS;
  self->at_running_time = DEFAULT_AT_RUNNING_TIME;
  self->probability = DEFAULT_PROBABILITY;
  self->seed = DEFAULT_SEED;
  self->delay = DEFAULT_DELAY;
  self->duration = DEFAULT_DURATION;
  self->duration_format = DEFAULT_DURATION_FORMAT;
  self->flow_return = DEFAULT_FLOW_RETURN;
  self->repeat = DEFAULT_REPEAT;
  self->corrupt_bytes = DEFAULT_CORRUPT_BYTES;
  self->post_messages = DEFAULT_POST_MESSAGES;

  self->rand = g_rand_new_with_seed (self->seed);
  self->corrupt_rand = g_rand_new_with_seed (self->seed ^ 0x5eedc0deu);
  gst_segment_init (&self->segment, GST_FORMAT_UNDEFINED);
  g_cond_init (&self->cond);
}

static void
cg_fault_inject_finalize (GObject * object)
{
  CgFaultInject *self = CG_FAULT_INJECT (object);

  g_free (self->error_message);
  g_free (self->error_debug);
  if (self->error_details)
    gst_structure_free (self->error_details);
  g_rand_free (self->rand);
  g_rand_free (self->corrupt_rand);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Object lock held. */
static void
reseed_unlocked (CgFaultInject * self)
{
  g_rand_set_seed (self->rand, self->seed);
  g_rand_set_seed (self->corrupt_rand, self->seed ^ 0x5eedc0deu);
}

/* Object lock held: end any running fault and wake a waiting stream. */
static void
interrupt_unlocked (CgFaultInject * self)
{
  self->fault_generation++;
  if (self->clock_id)
    gst_clock_id_unschedule (self->clock_id);
  g_cond_broadcast (&self->cond);
}

/* Object lock held: forget everything that happened in the stream. */
static void
reset_state_unlocked (CgFaultInject * self)
{
  gst_segment_init (&self->segment, GST_FORMAT_UNDEFINED);
  self->buffers_seen = 0;
  self->since_last = 0;
  self->fired_count = 0;
  self->trigger_pending = FALSE;
  self->active = FALSE;
  self->eos_sent = FALSE;
  self->faults_fired = 0;
  self->buffers_dropped = 0;
  self->buffers_corrupted = 0;
  self->buffers_delayed = 0;
  self->stalls = 0;
  reseed_unlocked (self);
}

static void
cg_fault_inject_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  CgFaultInject *self = CG_FAULT_INJECT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_FAULT:
      self->fault = g_value_get_enum (value);
      self->fired_count = 0;
      self->since_last = 0;
      self->active = FALSE;
      interrupt_unlocked (self);
      break;
    case PROP_ERROR_DOMAIN:
      self->error_domain = g_value_get_enum (value);
      break;
    case PROP_ERROR_CODE:
      self->error_code = g_value_get_int (value);
      break;
    case PROP_ERROR_MESSAGE:
      g_free (self->error_message);
      self->error_message = g_value_dup_string (value);
      break;
    case PROP_ERROR_DEBUG:
      g_free (self->error_debug);
      self->error_debug = g_value_dup_string (value);
      break;
    case PROP_ERROR_DETAILS:{
      const gchar *s = g_value_get_string (value);

      if (self->error_details)
        gst_structure_free (self->error_details);
      self->error_details = NULL;
      if (s && *s) {
        self->error_details = gst_structure_from_string (s, NULL);
        if (!self->error_details)
          GST_WARNING_OBJECT (self, "error-details is not a valid "
              "GstStructure, ignoring it: %s", s);
      }
      break;
    }
    case PROP_AFTER_BUFFERS:
      self->after_buffers = g_value_get_uint64 (value);
      break;
    case PROP_AT_RUNNING_TIME:
      self->at_running_time = g_value_get_uint64 (value);
      break;
    case PROP_PROBABILITY:
      self->probability = g_value_get_double (value);
      break;
    case PROP_SEED:
      self->seed = g_value_get_uint (value);
      reseed_unlocked (self);
      break;
    case PROP_DELAY:
      self->delay = g_value_get_uint64 (value);
      break;
    case PROP_DURATION:
      self->duration = g_value_get_uint64 (value);
      break;
    case PROP_DURATION_FORMAT:
      self->duration_format = g_value_get_enum (value);
      break;
    case PROP_FLOW_RETURN:
      self->flow_return = g_value_get_enum (value);
      break;
    case PROP_REPEAT:
      self->repeat = g_value_get_int (value);
      self->fired_count = 0;
      break;
    case PROP_CORRUPT_BYTES:
      self->corrupt_bytes = g_value_get_uint (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
cg_fault_inject_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  CgFaultInject *self = CG_FAULT_INJECT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_FAULT:
      g_value_set_enum (value, self->fault);
      break;
    case PROP_ERROR_DOMAIN:
      g_value_set_enum (value, self->error_domain);
      break;
    case PROP_ERROR_CODE:
      g_value_set_int (value, self->error_code);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_ERROR_DEBUG:
      g_value_set_string (value, self->error_debug);
      break;
    case PROP_ERROR_DETAILS:
      g_value_take_string (value, self->error_details ?
          gst_structure_to_string (self->error_details) : NULL);
      break;
    case PROP_AFTER_BUFFERS:
      g_value_set_uint64 (value, self->after_buffers);
      break;
    case PROP_AT_RUNNING_TIME:
      g_value_set_uint64 (value, self->at_running_time);
      break;
    case PROP_PROBABILITY:
      g_value_set_double (value, self->probability);
      break;
    case PROP_SEED:
      g_value_set_uint (value, self->seed);
      break;
    case PROP_DELAY:
      g_value_set_uint64 (value, self->delay);
      break;
    case PROP_DURATION:
      g_value_set_uint64 (value, self->duration);
      break;
    case PROP_DURATION_FORMAT:
      g_value_set_enum (value, self->duration_format);
      break;
    case PROP_FLOW_RETURN:
      g_value_set_enum (value, self->flow_return);
      break;
    case PROP_REPEAT:
      g_value_set_int (value, self->repeat);
      break;
    case PROP_CORRUPT_BYTES:
      g_value_set_uint (value, self->corrupt_bytes);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    case PROP_STATISTICS:
      g_value_take_boxed (value,
          gst_structure_new ("application/x-camguard-faultinject-stats",
              "buffers-seen", G_TYPE_UINT64, self->buffers_seen,
              "faults-fired", G_TYPE_UINT64, self->faults_fired,
              "buffers-dropped", G_TYPE_UINT64, self->buffers_dropped,
              "buffers-corrupted", G_TYPE_UINT64, self->buffers_corrupted,
              "buffers-delayed", G_TYPE_UINT64, self->buffers_delayed,
              "stalls", G_TYPE_UINT64, self->stalls, NULL));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
cg_fault_inject_trigger (CgFaultInject * self)
{
  GST_OBJECT_LOCK (self);
  if (self->fault != CG_FAULT_NONE) {
    GST_INFO_OBJECT (self, "trigger requested: firing %s on the next buffer",
        fault_nick (self->fault));
    self->trigger_pending = TRUE;
    self->active = FALSE;
  }
  GST_OBJECT_UNLOCK (self);
}

/* Object lock held. */
static GstClockTime
running_time_unlocked (CgFaultInject * self, GstBuffer * buffer)
{
  GstClockTime ts = GST_BUFFER_PTS (buffer);
  GstClock *clock;

  if (!GST_CLOCK_TIME_IS_VALID (ts))
    ts = GST_BUFFER_DTS (buffer);
  if (GST_CLOCK_TIME_IS_VALID (ts) && self->segment.format == GST_FORMAT_TIME)
    return gst_segment_to_running_time (&self->segment, GST_FORMAT_TIME, ts);

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
static gboolean
window_ended_unlocked (CgFaultInject * self, GstClockTime rt)
{
  if (!fault_is_windowed (self->active_fault))
    return TRUE;
  if (self->duration == 0)
    return FALSE;
  if (self->duration_format == CG_FAULT_DURATION_BUFFERS)
    return self->active_buffers >= self->duration;
  if (!GST_CLOCK_TIME_IS_VALID (rt) ||
      !GST_CLOCK_TIME_IS_VALID (self->active_start))
    return FALSE;
  return rt >= self->active_start + self->duration;
}

/* Object lock held: does this buffer fire the armed fault? */
static gboolean
should_fire_unlocked (CgFaultInject * self, GstClockTime rt)
{
  if (self->fault == CG_FAULT_NONE)
    return FALSE;
  if (self->trigger_pending)
    return TRUE;
  if (self->repeat >= 0 && self->fired_count > (guint) self->repeat)
    return FALSE;
  if (self->since_last < self->after_buffers)
    return FALSE;
  if (GST_CLOCK_TIME_IS_VALID (self->at_running_time) &&
      (!GST_CLOCK_TIME_IS_VALID (rt) || rt < self->at_running_time))
    return FALSE;
  if (self->probability < 1.0 &&
      g_rand_double (self->rand) >= self->probability)
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

static void
post_error_message (CgFaultInject * self, GstMessageType type, guint64 index)
{
  GQuark domain;
  gint code;
  gchar *text, *debug;
  GstStructure *details;

  GST_OBJECT_LOCK (self);
  domain = error_domain_quark (self->error_domain);
  code = self->error_code;
  text = g_strdup (self->error_message);
  debug = g_strdup (self->error_debug);
  details = self->error_details ? gst_structure_copy (self->error_details) :
      NULL;
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
  GstClock *clock;
  GstClockID id;
  gboolean flushing;

  GST_OBJECT_LOCK (self);
  if (self->flushing) {
    GST_OBJECT_UNLOCK (self);
    return GST_FLOW_FLUSHING;
  }
  if (self->fault_generation != generation) {
    /* the fault was changed since it fired: no wait */
    GST_OBJECT_UNLOCK (self);
    return GST_FLOW_OK;
  }
  clock = GST_ELEMENT_CLOCK (self);
  clock = clock ? gst_object_ref (clock) : gst_system_clock_obtain ();
  id = gst_clock_new_single_shot_id (clock,
      gst_clock_get_time (clock) + duration);
  self->clock_id = id;
  GST_OBJECT_UNLOCK (self);

  GST_DEBUG_OBJECT (self, "waiting %" GST_TIME_FORMAT " on the clock",
      GST_TIME_ARGS (duration));
  gst_clock_id_wait (id, NULL);

  GST_OBJECT_LOCK (self);
  self->clock_id = NULL;
  flushing = self->flushing;
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
  gboolean flushing;

  GST_OBJECT_LOCK (self);
  GST_INFO_OBJECT (self, "stalling the stream until flush or READY");
  while (!self->flushing && self->fault_generation == generation)
    g_cond_wait (&self->cond, GST_OBJECT_GET_LOCK (self));
  flushing = self->flushing;
  GST_OBJECT_UNLOCK (self);

  return flushing ? GST_FLOW_FLUSHING : GST_FLOW_OK;
}

static GstBuffer *
corrupt (CgFaultInject * self, GstBuffer * buffer)
{
  GstMapInfo map;

  buffer = gst_buffer_make_writable (buffer);
  if (!gst_buffer_map (buffer, &map, GST_MAP_WRITE)) {
    GST_WARNING_OBJECT (self, "cannot map buffer for writing, not corrupted");
    return buffer;
  }
  if (map.size > 0) {
    GST_OBJECT_LOCK (self);
    if (self->corrupt_bytes == 0) {
      for (gsize i = 0; i < map.size; i++)
        map.data[i] ^= (guint8) g_rand_int_range (self->corrupt_rand, 1, 256);
    } else {
      for (guint i = 0; i < self->corrupt_bytes; i++) {
        gsize pos = (gsize) (g_rand_double (self->corrupt_rand) * map.size);

        map.data[MIN (pos, map.size - 1)] ^=
            (guint8) g_rand_int_range (self->corrupt_rand, 1, 256);
      }
    }
    self->buffers_corrupted++;
    GST_OBJECT_UNLOCK (self);
  }
  gst_buffer_unmap (buffer, &map);
  return buffer;
}

static GstFlowReturn
cg_fault_inject_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  CgFaultInject *self = CG_FAULT_INJECT (parent);
  gboolean fire = FALSE, post_messages;
  CgFaultType fault;
  guint64 index;
  guint generation;
  GstClockTime rt, delay, duration;
  CgFaultDurationFormat duration_format;
  GstFlowReturn flow_return, ret;

  GST_OBJECT_LOCK (self);
  index = self->buffers_seen++;
  if (self->eos_sent) {
    self->buffers_dropped++;
    GST_OBJECT_UNLOCK (self);
    GST_LOG_OBJECT (self, "dropping buffer %" G_GUINT64_FORMAT " after EOS",
        index);
    gst_buffer_unref (buffer);
    return GST_FLOW_OK;
  }

  rt = running_time_unlocked (self, buffer);
  if (self->active && window_ended_unlocked (self, rt)) {
    GST_DEBUG_OBJECT (self, "%s fault ended before buffer %" G_GUINT64_FORMAT,
        fault_nick (self->active_fault), index);
    self->active = FALSE;
    self->since_last = 0;
  }
  if (!self->active && should_fire_unlocked (self, rt)) {
    fire = TRUE;
    if (!self->trigger_pending)
      self->fired_count++;
    self->trigger_pending = FALSE;
    self->active = TRUE;
    self->active_fault = self->fault;
    self->active_buffers = 0;
    self->active_start = rt;
    self->faults_fired++;
    /* counted before "fired" is emitted, so a listener sees it */
    if (self->active_fault == CG_FAULT_STALL)
      self->stalls++;
  }
  if (!self->active) {
    self->since_last++;
    GST_OBJECT_UNLOCK (self);
    return gst_pad_push (self->srcpad, buffer);
  }

  fault = self->active_fault;
  generation = self->fault_generation;
  self->active_buffers++;
  delay = self->delay;
  duration = self->duration;
  duration_format = self->duration_format;
  flow_return = self->flow_return;
  post_messages = self->post_messages;
  GST_OBJECT_UNLOCK (self);

  if (fire) {
    GST_INFO_OBJECT (self, "%s fault fires at buffer %" G_GUINT64_FORMAT
        " (running time %" GST_TIME_FORMAT ")", fault_nick (fault), index,
        GST_TIME_ARGS (rt));
    g_signal_emit (self, signals[SIGNAL_FIRED], 0, fault, index);
    if (post_messages) {
      GstStructure *s = gst_structure_new ("camguard-fault",
          "fault", G_TYPE_STRING, fault_nick (fault),
          "buffer", G_TYPE_UINT64, index,
          "running-time", G_TYPE_UINT64, rt, NULL);

      gst_element_post_message (GST_ELEMENT (self),
          gst_message_new_element (GST_OBJECT (self), s));
    }
  }

  switch (fault) {
    case CG_FAULT_ERROR:
      post_error_message (self, GST_MESSAGE_ERROR, index);
      GST_OBJECT_LOCK (self);
      self->buffers_dropped++;
      GST_OBJECT_UNLOCK (self);
      gst_buffer_unref (buffer);
      return GST_FLOW_ERROR;
    case CG_FAULT_WARNING:
      post_error_message (self, GST_MESSAGE_WARNING, index);
      return gst_pad_push (self->srcpad, buffer);
    case CG_FAULT_DROP:
      GST_OBJECT_LOCK (self);
      self->buffers_dropped++;
      GST_OBJECT_UNLOCK (self);
      GST_LOG_OBJECT (self, "dropping buffer %" G_GUINT64_FORMAT, index);
      gst_buffer_unref (buffer);
      return GST_FLOW_OK;
    case CG_FAULT_DELAY:
      ret = wait_on_clock (self, delay, generation);
      if (ret != GST_FLOW_OK) {
        gst_buffer_unref (buffer);
        return ret;
      }
      GST_OBJECT_LOCK (self);
      self->buffers_delayed++;
      GST_OBJECT_UNLOCK (self);
      return gst_pad_push (self->srcpad, buffer);
    case CG_FAULT_STALL:
      if (duration_format == CG_FAULT_DURATION_TIME && duration > 0)
        ret = wait_on_clock (self, duration, generation);
      else
        ret = stall (self, generation);
      if (ret != GST_FLOW_OK) {
        GST_INFO_OBJECT (self, "stall ended by flush");
        gst_buffer_unref (buffer);
        return ret;
      }
      GST_INFO_OBJECT (self, "stall ended, streaming again");
      return gst_pad_push (self->srcpad, buffer);
    case CG_FAULT_CORRUPT:
      buffer = corrupt (self, buffer);
      return gst_pad_push (self->srcpad, buffer);
    case CG_FAULT_EOS:
      GST_OBJECT_LOCK (self);
      self->eos_sent = TRUE;
      self->buffers_dropped++;
      GST_OBJECT_UNLOCK (self);
      gst_buffer_unref (buffer);
      gst_pad_push_event (self->srcpad, gst_event_new_eos ());
      return GST_FLOW_OK;
    case CG_FAULT_FLOW_ERROR:
      GST_OBJECT_LOCK (self);
      self->buffers_dropped++;
      GST_OBJECT_UNLOCK (self);
      GST_INFO_OBJECT (self, "returning %s", gst_flow_get_name (flow_return));
      gst_buffer_unref (buffer);
      return flow_return;
    case CG_FAULT_NONE:
    default:
      return gst_pad_push (self->srcpad, buffer);
  }
}

static gboolean
cg_fault_inject_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  CgFaultInject *self = CG_FAULT_INJECT (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:
      GST_OBJECT_LOCK (self);
      gst_event_copy_segment (event, &self->segment);
      GST_OBJECT_UNLOCK (self);
      break;
    case GST_EVENT_FLUSH_START:
      GST_OBJECT_LOCK (self);
      self->flushing = TRUE;
      interrupt_unlocked (self);
      GST_OBJECT_UNLOCK (self);
      break;
    case GST_EVENT_FLUSH_STOP:
      GST_OBJECT_LOCK (self);
      self->flushing = FALSE;
      self->active = FALSE;
      self->eos_sent = FALSE;
      self->since_last = 0;
      gst_segment_init (&self->segment, GST_FORMAT_UNDEFINED);
      GST_OBJECT_UNLOCK (self);
      break;
    case GST_EVENT_EOS:{
      gboolean eos_sent;

      GST_OBJECT_LOCK (self);
      eos_sent = self->eos_sent;
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

static GstStateChangeReturn
cg_fault_inject_change_state (GstElement * element, GstStateChange transition)
{
  CgFaultInject *self = CG_FAULT_INJECT (element);

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      GST_OBJECT_LOCK (self);
      self->flushing = FALSE;
      reset_state_unlocked (self);
      GST_OBJECT_UNLOCK (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* Release a stalled or waiting streaming thread before the pads
       * deactivate and take its stream lock. */
      GST_OBJECT_LOCK (self);
      self->flushing = TRUE;
      interrupt_unlocked (self);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      break;
  }

  return GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
}
