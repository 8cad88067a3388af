/* camguard - CgFrameDecoder: decode a run of encoded frames on request
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS typedef struct _CgFrameDecoder CgFrameDecoder;

CgFrameDecoder *cg_frame_decoder_new (gboolean keep_warm);
void cg_frame_decoder_free (CgFrameDecoder * decoder);

GstSample *cg_frame_decoder_decode (CgFrameDecoder * decoder, GstCaps * caps,
    GstBuffer ** buffers, guint n_buffers, guint * n_decoded, GError ** error);

G_END_DECLS
