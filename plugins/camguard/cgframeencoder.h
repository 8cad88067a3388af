/* camguard - CgFrameEncoder: one raw video frame to a JPEG or PNG picture
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS typedef struct _CgFrameEncoder CgFrameEncoder;

CgFrameEncoder *cg_frame_encoder_new (void);
void cg_frame_encoder_free (CgFrameEncoder * encoder);

void cg_frame_fit_size (gint width, gint height, gint max_width,
    gint max_height, gint * out_width, gint * out_height);

GstBuffer *cg_frame_encoder_encode (CgFrameEncoder * encoder,
    GstSample * frame, const gchar * format, gint max_width, gint max_height,
    gint quality, GstCaps ** out_caps, GError ** error);

G_END_DECLS
