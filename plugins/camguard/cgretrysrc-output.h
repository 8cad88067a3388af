/* camguard - retrysrc: one continuous output for many sources (internal)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* All fields are protected by the owning element's object lock; every
 * function is called with it held. */
typedef struct
{
  gchar *stream_id;             /* the one stream-id of the element's life */
  gboolean started;             /* stream-start and segment were sent */
  GstCaps *caps;                /* last caps sent downstream */
  gboolean raw;                 /* caps are raw (audio or video) */
  gboolean raw_video;           /* caps are raw video */
  GstSegment in_segment;        /* segment of the current source */
  GstClockTimeDiff offset;      /* added to the current source's times */
  gboolean offset_set;
  gboolean need_keyframe;       /* drop delta units until a keyframe */
  GstClockTime last_pts;        /* last PTS sent downstream */
  GstClockTime last_duration;
  gboolean keep_last_frame;
  GstBuffer *last_frame;        /* last raw video frame, for fallback */
} CgOutput;

void cg_output_init (CgOutput * out);
void cg_output_clear (CgOutput * out);
void cg_output_reset (CgOutput * out, gchar * stream_id,
    gboolean keep_last_frame);
void cg_output_new_source (CgOutput * out);

gboolean cg_output_event (CgOutput * out, GstEvent ** event);

static inline gboolean
cg_output_wants_clock (CgOutput * out, GstBuffer * buf)
{
  return G_UNLIKELY (!out->offset_set) && GST_BUFFER_PTS_IS_VALID (buf);
}

void cg_output_set_offset (CgOutput * out, GstBuffer * buf,
    GstClockTime running_now);
gboolean cg_output_buffer (CgOutput * out, GstBuffer ** buf);
GstClockTime cg_output_gap (CgOutput * out, GstClockTime duration,
    gboolean commit);

G_END_DECLS
