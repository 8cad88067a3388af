/* camguard - retrysrc: fallback frames (internal)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "cgretrysrc.h"

G_BEGIN_DECLS

typedef struct _CgFallback CgFallback;

/* The PTS the next fallback frame of @duration gets (it follows the last
 * output); with @commit, it is recorded as the last output. */
typedef GstClockTime (*CgFallbackPtsFunc) (gpointer user_data,
    GstClockTime duration, gboolean commit);

CgFallback *cg_fallback_new (GstElement * element, GstPad * srcpad,
    CgFallbackPtsFunc pts_func, gpointer user_data);
void cg_fallback_free (CgFallback * fallback);

void cg_fallback_start (CgFallback * fallback, CgRetrySrcFallback mode,
    GstCaps * caps, GstBuffer * last_frame, GstClockTime interval);
void cg_fallback_stop (CgFallback * fallback);
void cg_fallback_shutdown (CgFallback * fallback);

G_END_DECLS
