/* camguard - snapshottap: one request, from the held frames to a picture
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "cgsnapshottap.h"
#include "cgsnapshottap-held.h"
#include "cgframedecoder.h"
#include "cgframeencoder.h"

G_BEGIN_DECLS

/* A request's arguments, as the snapshot signal gives them (0 = the
 * element's default). */
typedef struct
{
  const gchar *format;
  gint max_width;
  gint max_height;
  gint quality;
} CgSnapshotRequest;

/* What the element hands a valid request, taken under its object lock. */
typedef struct
{
  CgSnapshotHeld held;
  gboolean have_frame;
  guint64 frames_received;
  GstSegment segment;
  GstClockTime age;
  GstClockTime max_age;         /* 0 = any age */
  CgSnapshotStalePolicy stale_policy;
  CgSnapshotDecoderMode decoder_mode;
  gint max_width;               /* the element's defaults */
  gint max_height;
  gint quality;
} CgSnapshotContext;

/* Decodes and encodes, one request at a time (its own lock). */
typedef struct
{
  GMutex lock;
  CgFrameEncoder *encoder;
  CgFrameDecoder *decoder;      /* kept with decoder-mode=warm */
} CgSnapshotPicturer;

gboolean cg_snapshot_size_is_valid (gint size);
GstStructure *cg_snapshot_request_validate (const CgSnapshotRequest * req);
GstSample *cg_snapshot_failed_sample (GstStructure * fail);

void cg_snapshot_picturer_init (CgSnapshotPicturer * picturer);
void cg_snapshot_picturer_clear (CgSnapshotPicturer * picturer);
void cg_snapshot_picturer_drop_decoder (CgSnapshotPicturer * picturer);
GstSample *cg_snapshot_picturer_serve (CgSnapshotPicturer * picturer,
    const CgSnapshotRequest * req, CgSnapshotContext * ctx,
    GstClockTime * spent);

G_END_DECLS
