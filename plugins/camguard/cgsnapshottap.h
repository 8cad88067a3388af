/* camguard - snapshottap: instant snapshots from a running pipeline
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/base/gstbasetransform.h>
#include <camguard.h>               /* CG_SNAPSHOT_MIN_SIZE */

G_BEGIN_DECLS

/**
 * CgSnapshotMode:
 * @CG_SNAPSHOT_MODE_LATEST: the newest frame: encoded input keeps every
 *   frame since the last keyframe and decodes them on request
 * @CG_SNAPSHOT_MODE_KEYFRAME: encoded input keeps only the last keyframe,
 *   which is fastest to decode but up to a GOP old
 *
 * Which frame a snapshot of encoded input shows.
 */
typedef enum
{
  CG_SNAPSHOT_MODE_LATEST,
  CG_SNAPSHOT_MODE_KEYFRAME,
} CgSnapshotMode;

/**
 * CgSnapshotDecoderMode:
 * @CG_SNAPSHOT_DECODER_ON_DEMAND: build a decoder for each request and free
 *   it afterwards: nothing is held while nobody asks
 * @CG_SNAPSHOT_DECODER_WARM: keep the decoder between requests
 *
 * How snapshottap keeps its decoder for encoded input.
 */
typedef enum
{
  CG_SNAPSHOT_DECODER_ON_DEMAND,
  CG_SNAPSHOT_DECODER_WARM,
} CgSnapshotDecoderMode;

/**
 * CgSnapshotStalePolicy:
 * @CG_SNAPSHOT_STALE_FAIL: fail with SNAPSHOT_FAILED
 * @CG_SNAPSHOT_STALE_SERVE: serve the old frame, marked `stale`
 *
 * What a snapshot request gets when the newest frame is older than
 * max-age.
 */
typedef enum
{
  CG_SNAPSHOT_STALE_FAIL,
  CG_SNAPSHOT_STALE_SERVE,
} CgSnapshotStalePolicy;

GType cg_snapshot_mode_get_type (void);
#define CG_TYPE_SNAPSHOT_MODE (cg_snapshot_mode_get_type ())
GType cg_snapshot_decoder_mode_get_type (void);
#define CG_TYPE_SNAPSHOT_DECODER_MODE (cg_snapshot_decoder_mode_get_type ())
GType cg_snapshot_stale_policy_get_type (void);
#define CG_TYPE_SNAPSHOT_STALE_POLICY (cg_snapshot_stale_policy_get_type ())

#define CG_TYPE_SNAPSHOT_TAP (cg_snapshot_tap_get_type ())
G_DECLARE_FINAL_TYPE (CgSnapshotTap, cg_snapshot_tap, CG, SNAPSHOT_TAP,
    GstBaseTransform)

G_END_DECLS
