/* camguard - qualityladder: what camguard knows about each encoder
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/*
 * CgBitrateUnit:
 * @CG_UNIT_KBPS: the bitrate property is in kbit/s
 * @CG_UNIT_BPS: the bitrate property is in bit/s
 * @CG_UNIT_JPEG_QUALITY: no bitrate: a quality 0..100 derived from the
 *   bits per pixel
 */
typedef enum
{
  CG_UNIT_KBPS,
  CG_UNIT_BPS,
  CG_UNIT_JPEG_QUALITY,
} CgBitrateUnit;

/*
 * CgLadderEncoder:
 * @factory: the encoder's factory name
 * @bitrate_prop: the property that takes the bitrate (or quality)
 * @unit: its unit
 * @live_settings: space-separated prop=value pairs set once when the
 *   encoder is created, tuning it for live use
 * @keyint_prop: the property taking the keyframe interval in frames, or
 *   %NULL
 *
 * One row of the encoder table.
 */
typedef struct
{
  const gchar *factory;
  const gchar *bitrate_prop;
  CgBitrateUnit unit;
  const gchar *live_settings;
  const gchar *keyint_prop;
} CgLadderEncoder;

const CgLadderEncoder *cg_ladder_encoder_lookup (const gchar * factory);
gchar *cg_ladder_encoder_supported (void);
GstElement *cg_ladder_encoder_make (const CgLadderEncoder * info,
    guint key_int_max, guint kbps);
void cg_ladder_encoder_set_bitrate (const CgLadderEncoder * info,
    GstElement * encoder, guint kbps, gint width, gint height, gint fps_n,
    gint fps_d);
void cg_ladder_encoder_set_key_int_max (const CgLadderEncoder * info,
    GstElement * encoder, guint key_int_max);
void cg_ladder_encoder_force_keyframe (GstPad * encoder_sinkpad);

G_END_DECLS
