/* camguard - qualityladder: the step decision, a pure function
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "cg-ladder.h"

G_BEGIN_DECLS

/* The element evaluates its signals this often. */
#define CG_LADDER_TICK (100 * GST_MSECOND)
/* A failed probe at most multiplies block-time by this. */
#define CG_LADDER_MAX_BLOCK_MULT 64
/* Step up only while the packet loss is below this. */
#define CG_LADDER_UP_LOSS 0.02
/* A QoS verdict holds this long when no further QoS events arrive. */
#define CG_LADDER_QOS_HOLD GST_SECOND

/*
 * CgLadderReason: why a step was taken (the `reason` of the
 * camguard-quality message, see cg_ladder_reason_to_string()).
 */
typedef enum
{
  CG_LADDER_REASON_NONE,
  CG_LADDER_REASON_BANDWIDTH,
  CG_LADDER_REASON_PACKET_LOSS,
  CG_LADDER_REASON_QOS,
  CG_LADDER_REASON_QUEUE,
  CG_LADDER_REASON_LATENESS,
  CG_LADDER_REASON_HEADROOM,
  CG_LADDER_REASON_MANUAL,
} CgLadderReason;

typedef enum
{
  CG_LADDER_STAY,
  CG_LADDER_DOWN,
  CG_LADDER_UP,
} CgLadderVerdict;

/* The settings the decision depends on (the element's properties). */
typedef struct
{
  GstClockTime down_reaction;
  GstClockTime up_hold;
  GstClockTime block_time;
  GstClockTime max_lateness;    /* 0: no lateness trigger */
  gdouble up_margin;
  gdouble loss_threshold;
  gdouble queue_threshold;
} CgLadderPolicy;

/* One rung as it fits the input. */
typedef struct
{
  guint kbps;
  gboolean usable;              /* FALSE: it would upscale the input */
} CgLadderRungFit;

/* A snapshot of everything the element knows at one evaluation. */
typedef struct
{
  gboolean automatic;           /* mode=auto: FALSE only assesses */
  CgLadderRungFit rungs[CG_LADDER_MAX_RUNGS];
  guint n_rungs;
  gint step;                    /* the step requested last */
  /* external estimates */
  guint available_kbps;         /* 0: unknown */
  gdouble packet_loss;
  /* QoS events from downstream since the last tick */
  guint qos_events;
  gdouble qos_max_proportion;
  GstClockTimeDiff qos_jitter_sum;
  GstClockTime qos_last;        /* when the last one came, or NONE */
  /* the internal queue, as a fraction of queue-time */
  gdouble queue_fill;
  /* lateness of the encoded output since the last tick */
  gboolean lateness_seen;
  GstClockTimeDiff lateness_max;
  /* input frame rate (0/1 when unknown) */
  gint fps_n;
  gint fps_d;
} CgLadderSignals;

/* What one decision hands to the next. */
typedef struct
{
  gboolean qos_late;            /* verdict of the last interval with QoS */
  GstClockTimeDiff lateness_last;
  GstClockTime lateness_last_time;
  GstClockTime pressure_since;
  GstClockTime headroom_since;
  GstClockTime blocked_until;
  GstClockTime last_up;
  guint block_mult;
} CgLadderHold;

typedef struct
{
  CgLadderVerdict verdict;
  gint step;                    /* where to go (the current step to stay) */
  CgLadderReason reason;
  /* the assessment behind it */
  gboolean pressure;
  gboolean headroom;
  gboolean output_on_time;
} CgLadderDecision;

const gchar *cg_ladder_reason_to_string (CgLadderReason reason);

void cg_ladder_hold_init (CgLadderHold * hold);

CgLadderDecision cg_ladder_decide (const CgLadderPolicy * policy,
    const CgLadderSignals * signals, const CgLadderHold * hold,
    GstClockTime now, CgLadderHold * next);

void cg_ladder_hold_note_step (CgLadderHold * hold,
    const CgLadderPolicy * policy, gint from, gint to, GstClockTime now);

gint cg_ladder_fit_best (const CgLadderRungFit * rungs, guint n_rungs);
gint cg_ladder_fit_worst (const CgLadderRungFit * rungs, guint n_rungs);
gint cg_ladder_fit_next_down (const CgLadderRungFit * rungs, guint n_rungs,
    gint step);
gint cg_ladder_fit_next_up (const CgLadderRungFit * rungs, guint n_rungs,
    gint step);

G_END_DECLS
