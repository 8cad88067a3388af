/* camguard - qualityladder: live resolution and bitrate stepping
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * CgQualityLadderMode:
 * @CG_QUALITY_LADDER_MODE_AUTO: step automatically on QoS, queue level,
 *   lateness, available bitrate and packet loss, and on manual requests
 * @CG_QUALITY_LADDER_MODE_MANUAL: step only on step-down, step-up, set-step
 *   and the step property
 *
 * Who moves qualityladder along its ladder.
 */
typedef enum
{
  CG_QUALITY_LADDER_MODE_AUTO,
  CG_QUALITY_LADDER_MODE_MANUAL,
} CgQualityLadderMode;

GType cg_quality_ladder_mode_get_type (void);
#define CG_TYPE_QUALITY_LADDER_MODE (cg_quality_ladder_mode_get_type ())

#define CG_TYPE_QUALITY_LADDER (cg_quality_ladder_get_type ())
G_DECLARE_FINAL_TYPE (CgQualityLadder, cg_quality_ladder, CG, QUALITY_LADDER,
    GstBin)

G_END_DECLS
