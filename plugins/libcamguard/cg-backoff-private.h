/* camguard - CgBackoff: what cg-backoff.c and cg-backoff-properties.c
 * share (private)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "cg-backoff.h"

G_BEGIN_DECLS


#define DEFAULT_INITIAL_DELAY (500 * GST_MSECOND)
#define DEFAULT_MAX_DELAY (30 * GST_SECOND)
#define DEFAULT_MULTIPLIER 2.0
#define DEFAULT_JITTER CG_JITTER_FULL
#define DEFAULT_MAX_ATTEMPTS 0
#define DEFAULT_MAX_OUTAGE 0
#define DEFAULT_STABLE_PERIOD (2 * GST_SECOND)
#define DEFAULT_SEED 0

struct _CgBackoff
{
  GObject parent;

  GMutex lock;                  /* protects everything below */

  /* settings */
  GstClockTime initial_delay;
  GstClockTime max_delay;
  gdouble multiplier;
  CgJitter jitter;
  guint max_attempts;
  GstClockTime max_outage;
  GstClockTime stable_period;
  guint seed;
  GstClock *clock;
  gint policy_override[CG_CODE_LAST + 1];       /* -1: catalogue policy */

  /* state */
  GRand *rand;
  guint attempts;               /* attempts of the current (or last) outage */
  GstClockTime outage_start;    /* NONE when not in an outage */
  GstClockTime recovered_at;    /* end of the last recovered outage, or NONE */
  guint sequence;               /* NORMAL delays drawn in the sequence */
  GstClockTime prev_delay;      /* last NORMAL delay, for decorrelated */

  /* statistics */
  guint64 outages;
  guint64 recoveries;
  guint64 gave_up;
  guint64 total_attempts;
  GstClockTime total_outage;
  GstClockTime longest_outage;
};

/* cg-backoff.c */
G_GNUC_INTERNAL
void cg_backoff_reseed_locked (CgBackoff * self);

/* cg-backoff-properties.c */
G_GNUC_INTERNAL
void cg_backoff_install_properties (GObjectClass * gobject_class);
G_GNUC_INTERNAL
void cg_backoff_notify_clock (CgBackoff * self);

G_END_DECLS
