/* camguard - snapshottap: the frames held between requests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The streaming thread hands every buffer to cg_snapshot_hold_push(), which
 * keeps references only (nothing is copied):
 *
 * - raw video: the newest frame;
 * - H.264 / H.265: the frames since the last keyframe, within a byte budget,
 *   or only the keyframe; a byte-stream keyframe without parameter sets gets
 *   the last ones seen in front of it, so that a held GOP decodes on its
 *   own;
 * - MJPEG: the newest picture (every picture is a keyframe).
 *
 * A request takes its own references with cg_snapshot_hold_take() and
 * decodes or encodes without any lock. The size of a held MJPEG picture
 * comes from its caps or, when the caps have none (multipartdemux gives a
 * bare `image/jpeg`), from the picture's own frame header.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cgsnapshottap-held.h"

GST_DEBUG_CATEGORY_STATIC (cg_snapshot_held_debug);
#define GST_CAT_DEFAULT cg_snapshot_held_debug

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (cg_snapshot_held_debug, "snapshottap-held", 0,
        "snapshottap held frames");
    g_once_init_leave (&done, 1);
  }
}

/* Moves the GOP to @garbage. */
static void
drop_gop (CgSnapshotHold * hold, CgSnapshotGarbage * garbage)
{
  if (hold->gop) {
    g_assert (garbage->gop == NULL);
    garbage->gop = hold->gop;
  }
  hold->gop = NULL;
  hold->gop_bytes = 0;
  hold->gop_full = FALSE;
  gst_clear_caps (&hold->gop_caps);
}

void
cg_snapshot_hold_set_caps (CgSnapshotHold * hold, GstCaps * caps,
    CgSnapshotGarbage * garbage)
{
  GstStructure *s = gst_caps_get_structure (caps, 0);
  const gchar *name = gst_structure_get_name (s);

  init_debug ();
  gst_caps_replace (&hold->caps, caps);
  hold->intra_only = g_str_equal (name, "image/jpeg");
  hold->h265 = g_str_equal (name, "video/x-h265");
  hold->annexb = g_strcmp0 (gst_structure_get_string (s, "stream-format"),
      "byte-stream") == 0;
  if (g_str_equal (name, "video/x-raw")) {
    hold->input = CG_SNAPSHOT_INPUT_RAW;
    drop_gop (hold, garbage);
  } else {
    /* the held frames keep the caps they came with; the next keyframe
     * starts holding with the new ones */
    hold->input = CG_SNAPSHOT_INPUT_ENCODED;
  }
}

/* The bytes of a byte-stream access unit before its first slice, and
 * whether they hold a sequence parameter set. Scans a keyframe's first few
 * NAL units only. */
static gsize
keyframe_header (GstBuffer * buf, gboolean h265, gboolean * has_sps)
{
  GstMapInfo map;
  gsize i, header = 0;

  *has_sps = FALSE;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return 0;
  for (i = 0; i + 3 < map.size; i++) {
    guint type;

    if (map.data[i] != 0 || map.data[i + 1] != 0 || map.data[i + 2] != 1)
      continue;
    type = h265 ? (map.data[i + 3] >> 1) & 0x3f : map.data[i + 3] & 0x1f;
    if (h265 ? type < 32 : (type >= 1 && type <= 5)) {
      /* the first slice; a 4-byte start code begins one byte earlier */
      header = i > 0 && map.data[i - 1] == 0 ? i - 1 : i;
      break;
    }
    if (h265 ? type == 33 : type == 7)
      *has_sps = TRUE;
    i += 2;
  }
  gst_buffer_unmap (buf, &map);
  return header;
}

/* Cameras often send the parameter sets once, in the SDP or before the
 * first keyframe only. A GOP held without them could not be decoded on its
 * own: its keyframe gets the last ones seen in front of it (memory shared,
 * nothing copied). Returns a reference. */
static GstBuffer *
keyframe_with_params (CgSnapshotHold * hold, GstBuffer * buf,
    CgSnapshotGarbage * garbage)
{
  gboolean has_sps;
  gsize header = keyframe_header (buf, hold->h265, &has_sps);

  if (has_sps) {
    g_assert (garbage->buffer == NULL);
    garbage->buffer = hold->param_sets;
    hold->param_sets = gst_buffer_copy_region (buf, GST_BUFFER_COPY_MEMORY, 0,
        header);
    return gst_buffer_ref (buf);
  }
  if (!hold->param_sets)
    return gst_buffer_ref (buf);
  return gst_buffer_append (gst_buffer_copy (hold->param_sets),
      gst_buffer_copy (buf));
}

/* A keyframe starts a new GOP; FALSE when it does not fit in @max_bytes. */
static gboolean
start_gop (CgSnapshotHold * hold, GstBuffer * buf, guint64 max_bytes,
    CgSnapshotGarbage * garbage)
{
  GstBuffer *held;

  drop_gop (hold, garbage);
  held = hold->annexb ? keyframe_with_params (hold, buf, garbage) :
      gst_buffer_ref (buf);
  if (gst_buffer_get_size (held) > max_bytes) {
    /* not even the keyframe fits: hold nothing rather than break the
     * bound the user set (the buffer is still referenced by the caller) */
    gst_buffer_unref (held);
    return FALSE;
  }
  hold->gop = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  hold->gop_caps = gst_caps_ref (hold->caps);
  g_ptr_array_add (hold->gop, held);
  hold->gop_bytes = gst_buffer_get_size (held);
  return TRUE;
}

/* Holds @buf; returns FALSE when a frame had to be left out (no keyframe
 * yet, or over @max_bytes). With @keyframes_only, delta frames are skipped
 * on purpose and TRUE is returned. */
gboolean
cg_snapshot_hold_push (CgSnapshotHold * hold, GstBuffer * buf,
    GstClockTime now, gboolean keyframes_only, guint64 max_bytes,
    CgSnapshotGarbage * garbage)
{
  gsize size = gst_buffer_get_size (buf);

  if (hold->input == CG_SNAPSHOT_INPUT_RAW) {
    garbage->buffer = hold->latest;
    hold->latest = gst_buffer_ref (buf);
    gst_caps_replace (&hold->latest_caps, hold->caps);
    hold->arrival = now;
    return TRUE;
  }
  if (hold->input != CG_SNAPSHOT_INPUT_ENCODED)
    return TRUE;

  if (hold->intra_only
      || !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT)) {
    if (!start_gop (hold, buf, max_bytes, garbage))
      return FALSE;
  } else if (!hold->gop) {
    /* no keyframe yet: nothing to decode from */
    return FALSE;
  } else if (keyframes_only) {
    return TRUE;
  } else if (hold->gop_full || hold->gop_bytes + size > max_bytes) {
    /* the GOP outgrew its budget: snapshots show the newest frame that
     * fitted (its age says how old) until the next keyframe */
    hold->gop_full = TRUE;
    return FALSE;
  } else {
    g_ptr_array_add (hold->gop, gst_buffer_ref (buf));
    hold->gop_bytes += size;
  }
  hold->arrival = now;
  return TRUE;
}

/* Frames after a flush do not continue the held GOP. */
void
cg_snapshot_hold_flush (CgSnapshotHold * hold, CgSnapshotGarbage * garbage)
{
  drop_gop (hold, garbage);
}

void
cg_snapshot_hold_clear (CgSnapshotHold * hold, CgSnapshotGarbage * garbage)
{
  drop_gop (hold, garbage);
  g_assert (garbage->buffer == NULL);
  garbage->buffer = g_steal_pointer (&hold->latest);
  gst_clear_caps (&hold->latest_caps);
  gst_clear_buffer (&hold->param_sets);
  gst_clear_caps (&hold->caps);
  hold->input = CG_SNAPSHOT_INPUT_NONE;
}

/* Takes references to what a snapshot needs; FALSE when nothing usable is
 * held. */
gboolean
cg_snapshot_hold_take (CgSnapshotHold * hold, CgSnapshotHeld * held)
{
  GstBuffer *last = NULL;
  guint i;

  if (hold->input == CG_SNAPSHOT_INPUT_RAW && hold->latest) {
    last = hold->latest;
    held->frame = gst_buffer_ref (last);
    held->caps = gst_caps_ref (hold->latest_caps);
  } else if (hold->input == CG_SNAPSHOT_INPUT_ENCODED && hold->gop
      && hold->gop->len > 0) {
    last = g_ptr_array_index (hold->gop, hold->gop->len - 1);
    held->n_gop = hold->gop->len;
    held->gop = g_new (GstBuffer *, held->n_gop);
    for (i = 0; i < held->n_gop; i++)
      held->gop[i] = gst_buffer_ref (g_ptr_array_index (hold->gop, i));
    held->caps = gst_caps_ref (hold->gop_caps);
    held->intra_only = hold->intra_only;
  }
  if (!last)
    return FALSE;
  held->pts = GST_BUFFER_PTS (last);
  held->arrival = hold->arrival;
  return TRUE;
}

void
cg_snapshot_hold_usage (CgSnapshotHold * hold, guint * frames, guint64 * bytes)
{
  *frames = 0;
  *bytes = 0;
  if (hold->latest) {
    *frames = 1;
    *bytes = gst_buffer_get_size (hold->latest);
  } else if (hold->gop) {
    *frames = hold->gop->len;
    *bytes = hold->gop_bytes;
  }
}

void
cg_snapshot_garbage_free (CgSnapshotGarbage * garbage)
{
  gst_clear_buffer (&garbage->buffer);
  g_clear_pointer (&garbage->gop, g_ptr_array_unref);
}

void
cg_snapshot_held_clear (CgSnapshotHeld * held)
{
  guint i;

  gst_clear_caps (&held->caps);
  gst_clear_buffer (&held->frame);
  for (i = 0; i < held->n_gop; i++)
    gst_buffer_unref (held->gop[i]);
  g_clear_pointer (&held->gop, g_free);
  held->n_gop = 0;
}

/* A JPEG picture's size from its frame header (SOFn), walking the marker
 * segments up to the start of scan. */
static gboolean
jpeg_size (const guint8 * data, gsize size, gint * width, gint * height)
{
  gsize i = 2;

  if (size < 4 || data[0] != 0xff || data[1] != 0xd8)
    return FALSE;
  while (i + 4 <= size) {
    guint8 marker;
    gsize len;

    if (data[i] != 0xff)
      return FALSE;
    marker = data[i + 1];
    if (marker == 0xff) {
      i++;                      /* fill byte */
      continue;
    }
    if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;                   /* no length */
      continue;
    }
    if (marker == 0xd9 || marker == 0xda)
      return FALSE;             /* end of image or scan before a frame */
    len = (data[i + 2] << 8) | data[i + 3];
    if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8
        && marker != 0xcc) {
      if (len < 7 || i + 9 > size)
        return FALSE;
      *height = (data[i + 5] << 8) | data[i + 6];
      *width = (data[i + 7] << 8) | data[i + 8];
      return *width > 0 && *height > 0;
    }
    i += 2 + len;
  }
  return FALSE;
}

/* The size of the newest held picture: from the caps, or for a JPEG
 * whose caps carry none, from its header. */
gboolean
cg_snapshot_held_size (CgSnapshotHeld * held, gint * width, gint * height)
{
  GstStructure *s = gst_caps_get_structure (held->caps, 0);
  GstMapInfo map;
  gboolean ok;

  init_debug ();
  if (gst_structure_get_int (s, "width", width)
      && gst_structure_get_int (s, "height", height))
    return TRUE;
  if (!held->intra_only || held->n_gop == 0)
    return FALSE;
  if (!gst_buffer_map (held->gop[held->n_gop - 1], &map, GST_MAP_READ))
    return FALSE;
  ok = jpeg_size (map.data, map.size, width, height);
  gst_buffer_unmap (held->gop[held->n_gop - 1], &map);
  GST_LOG ("size from the JPEG header: %s %dx%d", ok ? "found" : "none",
      ok ? *width : 0, ok ? *height : 0);
  return ok;
}
