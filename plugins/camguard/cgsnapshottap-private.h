/* camguard - snapshottap: the instance, shared by the element and its
 * properties
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstbasetransform.h>

#include "cgsnapshottap.h"
#include "cgsnapshottap-held.h"
#include "cgsnapshottap-picture.h"
#include "cgsnapshottap-writer.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (cg_snapshot_tap_debug);

#define DEFAULT_SNAPSHOT_MODE CG_SNAPSHOT_MODE_LATEST
#define DEFAULT_DECODER_MODE CG_SNAPSHOT_DECODER_ON_DEMAND
#define DEFAULT_MAX_GOP_BYTES (16 * 1024 * 1024)
#define DEFAULT_MAX_AGE 5000
#define DEFAULT_STALE_POLICY CG_SNAPSHOT_STALE_FAIL
#define DEFAULT_QUALITY 85
#define DEFAULT_MAX_WIDTH 0
#define DEFAULT_MAX_HEIGHT 0
#define DEFAULT_INTERVAL 0
#define DEFAULT_LOCATION NULL

enum
{
  PROP_0,
  PROP_SNAPSHOT_MODE,
  PROP_DECODER_MODE,
  PROP_MAX_GOP_BYTES,
  PROP_MAX_AGE,
  PROP_STALE_POLICY,
  PROP_QUALITY,
  PROP_MAX_WIDTH,
  PROP_MAX_HEIGHT,
  PROP_SNAPSHOT_INTERVAL,
  PROP_LOCATION,
  PROP_STATISTICS,
};

/* What the properties set. Object lock. */
typedef struct
{
  CgSnapshotMode snapshot_mode;
  CgSnapshotDecoderMode decoder_mode;
  guint64 max_gop_bytes;
  guint max_age;
  CgSnapshotStalePolicy stale_policy;
  gint quality;
  gint max_width;
  gint max_height;
  guint interval;
  gchar *location;
} Settings;

/* What the element holds. Object lock. */
typedef struct
{
  CgSnapshotHold hold;
  GstSegment segment;
} State;

/* Counters, only read through the statistics property. Object lock. */
typedef struct
{
  guint64 served;
  guint64 failed;
  guint64 frames_seen;
  guint64 frames_not_held;
  GstClockTime encode_total;
  GstClockTime encode_max;
} Stats;

struct _CgSnapshotTap
{
  GstBaseTransform parent;

  Settings settings;
  State state;
  Stats stats;

  /* decoding and encoding: its own lock, taken without the object lock */
  CgSnapshotPicturer picturer;

  /* its own lock; started and stopped by change_state */
  CgSnapshotWriter *writer;
};

/* cgsnapshottap-properties.c: properties, settings and statistics */
void cg_snapshot_tap_install_properties (GObjectClass * gobject_class);
void cg_snapshot_tap_settings_init (CgSnapshotTap * self);
void cg_snapshot_tap_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
void cg_snapshot_tap_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);

G_END_DECLS
