/* camguard - CgBackoff: the one retry-delay policy
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "cg-catalogue.h"

G_BEGIN_DECLS

/**
 * CgJitter:
 * @CG_JITTER_NONE: no jitter: delays are exactly exponential
 * @CG_JITTER_FULL: "full jitter": a uniform delay in [0, exponential delay]
 * @CG_JITTER_EQUAL: half the exponential delay plus a uniform part of the other half
 * @CG_JITTER_DECORRELATED: "decorrelated jitter": uniform in
 *   [initial, previous delay * multiplier], capped
 *
 * How random spread is added to backoff delays so that many cameras that fail
 * together do not retry together.
 */
typedef enum {
  CG_JITTER_NONE,
  CG_JITTER_FULL,
  CG_JITTER_EQUAL,
  CG_JITTER_DECORRELATED,
} CgJitter;

#define CG_TYPE_BACKOFF (cg_backoff_get_type ())
G_DECLARE_FINAL_TYPE (CgBackoff, cg_backoff, CG, BACKOFF, GObject)

CgBackoff *cg_backoff_new (void);

void cg_backoff_set_clock (CgBackoff * backoff, GstClock * clock);
GstClock *cg_backoff_get_clock (CgBackoff * backoff);

gboolean cg_backoff_next_delay (CgBackoff * backoff, CgCode code,
    GstClockTime * delay);
GstClockTime cg_backoff_success (CgBackoff * backoff);
void cg_backoff_reset (CgBackoff * backoff);

void cg_backoff_set_policy (CgBackoff * backoff, CgCode code,
    CgRetryPolicy policy);
CgRetryPolicy cg_backoff_get_policy (CgBackoff * backoff, CgCode code);
void cg_backoff_unset_policy (CgBackoff * backoff, CgCode code);

guint cg_backoff_get_attempts (CgBackoff * backoff);
GstClockTime cg_backoff_get_outage_start (CgBackoff * backoff);
GstStructure *cg_backoff_get_statistics (CgBackoff * backoff);

G_END_DECLS
