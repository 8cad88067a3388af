/* camguard - qualityladder: what camguard knows about each encoder
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * The encoder table: for each encoder qualityladder can drive, the property
 * that takes the bitrate and its unit, the settings that tune it for live
 * use and the property that takes the keyframe interval. Adding an encoder
 * is adding a row here.
 *
 * How a step reaches the encoder is the same for all of them:
 *
 * - the bitrate is written while PLAYING (each of these encoders
 *   reconfigures itself on the fly: x264enc and x265enc reconfigure the
 *   library encoder, openh264enc and vp8enc set the new target, jpegenc
 *   uses the new quality for the next frame);
 * - the keyframe at the new size comes from a downstream force-key-unit
 *   event sent into the encoder's sink pad before the first frame at the
 *   new size (cg_ladder_encoder_force_keyframe()), which every
 *   #GstVideoEncoder honours.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/video/video.h>

#include "cgqualityladder-encoders.h"

GST_DEBUG_CATEGORY_EXTERN (cg_quality_ladder_debug);
#define GST_CAT_DEFAULT cg_quality_ladder_debug

static const CgLadderEncoder encoders[] = {
  {"x264enc", "bitrate", CG_UNIT_KBPS,
        "tune=zerolatency speed-preset=ultrafast b-adapt=false bframes=0",
      "key-int-max"},
  {"x265enc", "bitrate", CG_UNIT_KBPS,
      "tune=zerolatency speed-preset=ultrafast", "key-int-max"},
  {"openh264enc", "bitrate", CG_UNIT_BPS,
      "rate-control=bitrate complexity=low usage-type=camera", "gop-size"},
  {"vp8enc", "target-bitrate", CG_UNIT_BPS,
        "deadline=1 cpu-used=-16 end-usage=cbr lag-in-frames=0",
      "keyframe-max-dist"},
  {"jpegenc", "quality", CG_UNIT_JPEG_QUALITY, NULL, NULL},
};

/* The encoder's row, or NULL when camguard does not know @factory. */
const CgLadderEncoder *
cg_ladder_encoder_lookup (const gchar * factory)
{
  guint i;

  for (i = 0; factory && i < G_N_ELEMENTS (encoders); i++)
    if (strcmp (encoders[i].factory, factory) == 0)
      return &encoders[i];
  return NULL;
}

/* "x264enc, x265enc, ...", for error messages. */
gchar *
cg_ladder_encoder_supported (void)
{
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (encoders); i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", encoders[i].factory);
  return g_string_free (s, FALSE);
}

/* The value to write into the encoder's bitrate property for @kbps at the
 * given size and frame rate, in that encoder's unit. */
static gint64
encoder_value (const CgLadderEncoder * info, guint kbps, gint width,
    gint height, gint fps_n, gint fps_d)
{
  switch (info->unit) {
    case CG_UNIT_KBPS:
      return kbps;
    case CG_UNIT_BPS:
      return (gint64) kbps *1000;
    case CG_UNIT_JPEG_QUALITY:{
      gdouble fps = (fps_n > 0 && fps_d > 0) ? (gdouble) fps_n / fps_d : 30.0;
      gdouble pixels = (width > 0 && height > 0) ? (gdouble) width * height :
          1280.0 * 720.0;
      gdouble bpp = kbps * 1000.0 / (pixels * fps);
      /* Baseline JPEG needs roughly 2 bit/pixel at quality 85 and 0.5 at
       * quality 25: interpolate linearly, clamped to 5..95. */
      return (gint64) CLAMP (25.0 + (bpp - 0.5) * 40.0, 5.0, 95.0);
    }
  }
  return kbps;
}

/* Write @value into an integer property of @obj, clamped to its range. */
static void
set_int_property (GObject * obj, const gchar * name, gint64 value)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (obj),
      name);
  GValue v = G_VALUE_INIT;

  if (!pspec)
    return;
  g_value_init (&v, pspec->value_type);
  if (G_IS_PARAM_SPEC_UINT (pspec)) {
    GParamSpecUInt *p = G_PARAM_SPEC_UINT (pspec);
    g_value_set_uint (&v, CLAMP (value, (gint64) p->minimum,
            (gint64) p->maximum));
  } else if (G_IS_PARAM_SPEC_INT (pspec)) {
    GParamSpecInt *p = G_PARAM_SPEC_INT (pspec);
    g_value_set_int (&v, CLAMP (value, p->minimum, p->maximum));
  } else if (G_IS_PARAM_SPEC_INT64 (pspec)) {
    GParamSpecInt64 *p = G_PARAM_SPEC_INT64 (pspec);
    g_value_set_int64 (&v, CLAMP (value, p->minimum, p->maximum));
  } else if (G_IS_PARAM_SPEC_UINT64 (pspec)) {
    g_value_set_uint64 (&v, MAX (value, 0));
  } else {
    g_value_unset (&v);
    return;
  }
  g_object_set_property (obj, name, &v);
  g_value_unset (&v);
}

/* Write the bitrate for @kbps (at this size and rate, for jpegenc). */
void
cg_ladder_encoder_set_bitrate (const CgLadderEncoder * info,
    GstElement * encoder, guint kbps, gint width, gint height, gint fps_n,
    gint fps_d)
{
  gint64 v;

  if (!info || !encoder)
    return;
  v = encoder_value (info, kbps, width, height, fps_n, fps_d);
  GST_DEBUG_OBJECT (encoder, "%s=%" G_GINT64_FORMAT, info->bitrate_prop, v);
  set_int_property (G_OBJECT (encoder), info->bitrate_prop, v);
}

void
cg_ladder_encoder_set_key_int_max (const CgLadderEncoder * info,
    GstElement * encoder, guint key_int_max)
{
  if (info && encoder && info->keyint_prop)
    set_int_property (G_OBJECT (encoder), info->keyint_prop, key_int_max);
}

/* A new encoder named "encoder", tuned for live use, with its keyframe
 * interval and (except jpegenc, whose quality needs the frame size) the
 * first bitrate. NULL when its plugin is not installed. */
GstElement *
cg_ladder_encoder_make (const CgLadderEncoder * info, guint key_int_max,
    guint kbps)
{
  GstElement *enc = gst_element_factory_make (info->factory, "encoder");
  gchar **kv;
  guint i;

  if (!enc)
    return NULL;
  kv = g_strsplit (info->live_settings ? info->live_settings : "", " ", -1);
  for (i = 0; kv[i]; i++) {
    gchar *eq = strchr (kv[i], '=');

    if (!eq)
      continue;
    *eq = '\0';
    if (g_object_class_find_property (G_OBJECT_GET_CLASS (enc), kv[i]))
      gst_util_set_object_arg (G_OBJECT (enc), kv[i], eq + 1);
  }
  g_strfreev (kv);
  cg_ladder_encoder_set_key_int_max (info, enc, key_int_max);
  if (info->unit != CG_UNIT_JPEG_QUALITY)
    cg_ladder_encoder_set_bitrate (info, enc, kbps, 0, 0, 0, 0);
  return enc;
}

/* Ask the encoder for a keyframe on the next frame it encodes. */
void
cg_ladder_encoder_force_keyframe (GstPad * encoder_sinkpad)
{
  gst_pad_send_event (encoder_sinkpad,
      gst_video_event_new_downstream_force_key_unit (GST_CLOCK_TIME_NONE,
          GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE, TRUE, 0));
}
