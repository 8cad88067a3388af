/* camguard - faultinject: the instance, shared by the element and its
 * fault kinds
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "cgfaultinject.h"

G_BEGIN_DECLS

/* What the properties set. Object lock. */
typedef struct
{
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
} CgFaultSettings;

/* What the stream is doing. Object lock: the streaming thread copies what
 * it needs and never waits or pushes with it held (except g_cond_wait on
 * @cond, which releases it). */
typedef struct
{
  GRand *rand;                  /* probability rolls */
  GRand *corrupt_rand;          /* corruption positions and values */
  GstSegment segment;
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
} CgFaultState;

/* Counters, only read through the statistics property; reset on READY to
 * PAUSED. Object lock. */
typedef struct
{
  guint64 buffers_seen;
  guint64 faults_fired;
  guint64 buffers_dropped;
  guint64 buffers_corrupted;
  guint64 buffers_delayed;
  guint64 stalls;
} CgFaultStats;

struct _CgFaultInject
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  CgFaultSettings settings;
  CgFaultState state;
  CgFaultStats stats;
};

/* One buffer the fault acts on, with what the streaming thread copied
 * from the settings and state under the lock. */
typedef struct
{
  CgFaultType fault;
  guint64 index;
  guint generation;
  GstClockTime delay;
  GstClockTime duration;
  CgFaultDurationFormat duration_format;
  GstFlowReturn flow_return;
} CgFaultHit;

const gchar *cg_fault_nick (CgFaultType fault);
void cg_fault_interrupt_locked (CgFaultInject * self);
void cg_fault_start_flushing (CgFaultInject * self);
GstClockTime cg_fault_running_time_locked (CgFaultInject * self,
    GstBuffer * buffer);
gboolean cg_fault_window_ended_locked (CgFaultInject * self,
    GstClockTime rt);
gboolean cg_fault_should_fire_locked (CgFaultInject * self, GstClockTime rt);
GstFlowReturn cg_fault_act (CgFaultInject * self, const CgFaultHit * hit,
    GstBuffer * buffer);

GstFlowReturn cg_fault_inject_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buffer);
gboolean cg_fault_inject_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);

G_END_DECLS
