/* camguard - retrysrc: one source instance (internal)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <camguard.h>

G_BEGIN_DECLS

#define CG_TYPE_RETRY_SRC_SOURCE (cg_retry_src_source_get_type ())
G_DECLARE_FINAL_TYPE (CgRetrySrcSource, cg_retry_src_source, CG,
    RETRY_SRC_SOURCE, GstBin)

/* Called with the one free src pad of @source, at once or from pad-added. */
typedef void (*CgRetrySrcSourcePadFunc) (CgRetrySrcSource * source,
    GstPad * pad, gpointer user_data);

gboolean cg_retry_src_source_check (const gchar * description,
    GstElement * user_source, CgError ** error);

CgRetrySrcSource *cg_retry_src_source_new (const gchar * description,
    GstElement * user_source, guint generation, CgError ** error);

guint cg_retry_src_source_get_generation (CgRetrySrcSource * source);

void cg_retry_src_source_find_pad (CgRetrySrcSource * source,
    CgRetrySrcSourcePadFunc func, gpointer user_data);

void cg_retry_src_source_release (CgRetrySrcSource * source);

G_END_DECLS
