/* camguard - snapshottap: properties, settings and statistics
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * snapshottap's properties, set and read under the object lock, once
 * around the whole switch (cg_element_set_property()). location and
 * snapshot-interval only take effect when the element goes to PLAYING: set
 * while PLAYING they change nothing and post a WARNING with the code
 * VALIDATION_ERROR naming the property; so does a max-width or max-height
 * below %CG_SNAPSHOT_MIN_SIZE.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <camguard.h>

#include "cgsnapshottap-private.h"
#include "cgelementutil.h"

#define GST_CAT_DEFAULT cg_snapshot_tap_debug

GType
cg_snapshot_mode_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {CG_SNAPSHOT_MODE_LATEST, "The newest frame (decodes the GOP so far)",
        "latest"},
    {CG_SNAPSHOT_MODE_KEYFRAME, "The last keyframe (fastest, up to a GOP old)",
        "keyframe"},
    {0, NULL, NULL},
  };

  return cg_element_register_enum (&type, "CgSnapshotMode", values);
}

GType
cg_snapshot_decoder_mode_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {CG_SNAPSHOT_DECODER_ON_DEMAND,
        "A decoder per request, nothing held in between", "on-demand"},
    {CG_SNAPSHOT_DECODER_WARM, "Keep the decoder between requests", "warm"},
    {0, NULL, NULL},
  };

  return cg_element_register_enum (&type, "CgSnapshotDecoderMode", values);
}

GType
cg_snapshot_stale_policy_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {CG_SNAPSHOT_STALE_FAIL, "Fail with SNAPSHOT_FAILED", "fail"},
    {CG_SNAPSHOT_STALE_SERVE, "Serve the old frame marked stale", "serve"},
    {0, NULL, NULL},
  };

  return cg_element_register_enum (&type, "CgSnapshotStalePolicy", values);
}

/* Object lock held. */
static GstStructure *
statistics_locked (CgSnapshotTap * self)
{
  guint frames;
  guint64 bytes;

  cg_snapshot_hold_usage (&self->state.hold, &frames, &bytes);
  return gst_structure_new ("camguard-snapshottap-stats",
      "snapshots-served", G_TYPE_UINT64, self->stats.served,
      "snapshots-failed", G_TYPE_UINT64, self->stats.failed,
      "mean-encode-time", G_TYPE_UINT64, self->stats.served ?
      self->stats.encode_total / self->stats.served : (guint64) 0,
      "max-encode-time", G_TYPE_UINT64, self->stats.encode_max,
      "frames-held", G_TYPE_UINT, frames,
      "bytes-held", G_TYPE_UINT64, bytes,
      "frames-received", G_TYPE_UINT64, self->stats.frames_seen,
      "frames-not-held", G_TYPE_UINT64, self->stats.frames_not_held, NULL);
}

/* The properties that are plain fields of the settings. */
static const CgSettingsField settings_fields[] = {
  {PROP_SNAPSHOT_MODE, G_STRUCT_OFFSET (Settings, snapshot_mode)},
  {PROP_DECODER_MODE, G_STRUCT_OFFSET (Settings, decoder_mode)},
  {PROP_MAX_GOP_BYTES, G_STRUCT_OFFSET (Settings, max_gop_bytes)},
  {PROP_MAX_AGE, G_STRUCT_OFFSET (Settings, max_age)},
  {PROP_STALE_POLICY, G_STRUCT_OFFSET (Settings, stale_policy)},
  {PROP_QUALITY, G_STRUCT_OFFSET (Settings, quality)},
  {PROP_MAX_WIDTH, G_STRUCT_OFFSET (Settings, max_width)},
  {PROP_MAX_HEIGHT, G_STRUCT_OFFSET (Settings, max_height)},
  {PROP_SNAPSHOT_INTERVAL, G_STRUCT_OFFSET (Settings, interval)},
  {PROP_LOCATION, G_STRUCT_OFFSET (Settings, location)},
  {0,},
};

/* Object lock held: NULL, or why the value was refused. */
static gchar *
set_property_locked (GstElement * element, guint prop_id, const GValue * value)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (element);

  if ((prop_id == PROP_MAX_WIDTH || prop_id == PROP_MAX_HEIGHT)
      && !cg_snapshot_size_is_valid (g_value_get_int (value)))
    return g_strdup_printf ("%d is out of range (0 for no limit, or at "
        "least %d)", g_value_get_int (value), CG_SNAPSHOT_MIN_SIZE);
  cg_settings_set_field (settings_fields, &self->settings, prop_id, value);
  return NULL;
}

void
cg_snapshot_tap_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  if (prop_id == PROP_0 || prop_id > PROP_LOCATION) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  cg_element_set_property (GST_ELEMENT (object), pspec, prop_id, value,
      set_property_locked);
}

void
cg_snapshot_tap_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  CgSnapshotTap *self = CG_SNAPSHOT_TAP (object);
  gboolean known = TRUE;

  GST_OBJECT_LOCK (self);
  if (prop_id == PROP_STATISTICS)
    g_value_take_boxed (value, statistics_locked (self));
  else
    known = cg_settings_get_field (settings_fields, &self->settings, prop_id,
        value);
  GST_OBJECT_UNLOCK (self);
  if (!known)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

/* The settings' defaults. */
void
cg_snapshot_tap_settings_init (CgSnapshotTap * self)
{
  Settings *s = &self->settings;

  s->snapshot_mode = DEFAULT_SNAPSHOT_MODE;
  s->decoder_mode = DEFAULT_DECODER_MODE;
  s->max_gop_bytes = DEFAULT_MAX_GOP_BYTES;
  s->max_age = DEFAULT_MAX_AGE;
  s->stale_policy = DEFAULT_STALE_POLICY;
  s->quality = DEFAULT_QUALITY;
  s->max_width = DEFAULT_MAX_WIDTH;
  s->max_height = DEFAULT_MAX_HEIGHT;
  s->interval = DEFAULT_INTERVAL;
  s->location = g_strdup (DEFAULT_LOCATION);
}

/* Installs every property (the snapshot signal is installed by class_init). */
void
cg_snapshot_tap_install_properties (GObjectClass * gobject_class)
{
  /**
   * CgSnapshotTap:snapshot-mode:
   *
   * For encoded input, which frame a snapshot shows: the newest (the frames
   * since the last keyframe are held and decoded on request) or the last
   * keyframe (only it is held; fastest, but up to a GOP old). Takes effect
   * at the next keyframe.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_SNAPSHOT_MODE,
      g_param_spec_enum ("snapshot-mode", "Snapshot mode",
          "For encoded input: the newest frame or the last keyframe",
          CG_TYPE_SNAPSHOT_MODE, DEFAULT_SNAPSHOT_MODE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:decoder-mode:
   *
   * For encoded input: build a decoder for each request (nothing held while
   * nobody asks) or keep one warm between requests.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_DECODER_MODE,
      g_param_spec_enum ("decoder-mode", "Decoder mode",
          "For encoded input: a decoder per request or one kept warm",
          CG_TYPE_SNAPSHOT_DECODER_MODE, DEFAULT_DECODER_MODE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:max-gop-bytes:
   *
   * The most encoded bytes held. When the frames since the last keyframe
   * outgrow it, later frames are not held until the next keyframe, and a
   * snapshot shows the newest frame that fitted (its age says how old). A
   * keyframe larger than this is not held at all.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_MAX_GOP_BYTES,
      g_param_spec_uint64 ("max-gop-bytes", "Max GOP bytes",
          "Most bytes of encoded frames held for snapshots", 0, G_MAXUINT64,
          DEFAULT_MAX_GOP_BYTES, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:max-age:
   *
   * Milliseconds after which the newest frame is stale: a snapshot of it
   * fails with SNAPSHOT_FAILED, or is served marked stale (see
   * #CgSnapshotTap:stale-policy). 0 accepts any age.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_MAX_AGE,
      g_param_spec_uint ("max-age", "Max age",
          "Milliseconds after which the newest frame is stale (0 = never)",
          0, G_MAXUINT, DEFAULT_MAX_AGE, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:stale-policy:
   *
   * What a request gets when the newest frame is older than max-age.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_STALE_POLICY,
      g_param_spec_enum ("stale-policy", "Stale policy",
          "When the newest frame is older than max-age: fail, or serve it "
          "marked stale", CG_TYPE_SNAPSHOT_STALE_POLICY,
          DEFAULT_STALE_POLICY, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:quality:
   *
   * JPEG quality of requests that do not give one and of the periodic
   * writer.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_QUALITY,
      g_param_spec_int ("quality", "Quality", "Default JPEG quality", 1, 100,
          DEFAULT_QUALITY, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:max-width:
   *
   * Default largest picture width (0 = the frame's); pictures are scaled
   * down, keeping the aspect ratio, before encoding. A value from 1 to
   * %CG_SNAPSHOT_MIN_SIZE - 1 is refused with a VALIDATION_ERROR WARNING.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_MAX_WIDTH,
      g_param_spec_int ("max-width", "Max width",
          "Default largest picture width (0 = the frame's, else at least 16)",
          0, G_MAXINT,
          DEFAULT_MAX_WIDTH, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:max-height:
   *
   * Default largest picture height (0 = the frame's); like
   * #CgSnapshotTap:max-width, at least %CG_SNAPSHOT_MIN_SIZE.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_MAX_HEIGHT,
      g_param_spec_int ("max-height", "Max height",
          "Default largest picture height (0 = the frame's, else at least 16)",
          0, G_MAXINT,
          DEFAULT_MAX_HEIGHT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * CgSnapshotTap:snapshot-interval:
   *
   * Milliseconds between two pictures written to
   * #CgSnapshotTap:location, on the pipeline clock, while PLAYING
   * (0 = write none). Read when the element goes to PLAYING: set while
   * PLAYING it is refused with a VALIDATION_ERROR WARNING.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_SNAPSHOT_INTERVAL,
      g_param_spec_uint ("snapshot-interval", "Snapshot interval",
          "Milliseconds between pictures written to location (0 = none)",
          0, G_MAXUINT, DEFAULT_INTERVAL, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PAUSED));

  /**
   * CgSnapshotTap:location:
   *
   * Where the periodic writer puts its pictures: a path with at most one
   * integer conversion, the picture's index from 0 (`snap-%05d.jpg`), or
   * none to keep replacing one file (`latest.jpg`). Only regular files
   * are replaced. Read when the element goes to PLAYING: set while PLAYING
   * it is refused with a VALIDATION_ERROR WARNING.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "File for periodic pictures, with at most one %d for the index",
          DEFAULT_LOCATION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PAUSED));

  /**
   * CgSnapshotTap:statistics:
   *
   * A `camguard-snapshottap-stats` structure: `snapshots-served`,
   * `snapshots-failed` (guint64), `mean-encode-time`, `max-encode-time`
   * (guint64 nanoseconds, decoding included), `frames-held` (guint),
   * `bytes-held`, `frames-received`, `frames-not-held` (guint64: encoded
   * frames dropped from the hold by max-gop-bytes or before the first
   * keyframe).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_STATISTICS,
      g_param_spec_boxed ("statistics", "Statistics",
          "Snapshots served and failed, encode times, frames and bytes held",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}
