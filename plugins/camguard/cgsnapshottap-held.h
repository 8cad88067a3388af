/* camguard - snapshottap: the frames held between requests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum
{
  CG_SNAPSHOT_INPUT_NONE,
  CG_SNAPSHOT_INPUT_RAW,
  CG_SNAPSHOT_INPUT_ENCODED,
} CgSnapshotInput;

/* What a snapshottap holds between requests: a reference to the newest raw
 * frame, or the encoded frames since the last keyframe (with the last
 * parameter sets seen). Protected by the element's object lock: every
 * function below is called with it held and frees nothing; what is let go
 * moves to a CgSnapshotGarbage, freed by the caller after unlocking. */
typedef struct
{
  CgSnapshotInput input;
  gboolean intra_only;          /* every frame is a keyframe (MJPEG) */
  gboolean annexb;              /* H.264 / H.265 byte-stream */
  gboolean h265;
  GstCaps *caps;                /* the current input caps */
  GstBuffer *param_sets;        /* the last in-band VPS/SPS/PPS seen */
  GstBuffer *latest;            /* raw input */
  GstCaps *latest_caps;
  GPtrArray *gop;               /* encoded input, keyframe first */
  GstCaps *gop_caps;
  gsize gop_bytes;
  gboolean gop_full;
  GstClockTime arrival;         /* when the newest held frame came */
} CgSnapshotHold;

typedef struct
{
  GstBuffer *buffer;
  GPtrArray *gop;
} CgSnapshotGarbage;

/* A snapshot request's own references to what was held. */
typedef struct
{
  GstCaps *caps;
  GstBuffer *frame;             /* raw */
  GstBuffer **gop;              /* encoded */
  guint n_gop;
  gboolean intra_only;
  GstClockTime pts;
  GstClockTime arrival;
} CgSnapshotHeld;

void cg_snapshot_hold_set_caps (CgSnapshotHold * hold, GstCaps * caps,
    CgSnapshotGarbage * garbage);
gboolean cg_snapshot_hold_push (CgSnapshotHold * hold, GstBuffer * buf,
    GstClockTime now, gboolean keyframes_only, guint64 max_bytes,
    CgSnapshotGarbage * garbage);
void cg_snapshot_hold_flush (CgSnapshotHold * hold,
    CgSnapshotGarbage * garbage);
void cg_snapshot_hold_clear (CgSnapshotHold * hold,
    CgSnapshotGarbage * garbage);
gboolean cg_snapshot_hold_take (CgSnapshotHold * hold, CgSnapshotHeld * held);
void cg_snapshot_hold_usage (CgSnapshotHold * hold, guint * frames,
    guint64 * bytes);

void cg_snapshot_garbage_free (CgSnapshotGarbage * garbage);

void cg_snapshot_held_clear (CgSnapshotHeld * held);
gboolean cg_snapshot_held_size (CgSnapshotHeld * held, gint * width,
    gint * height);

G_END_DECLS
