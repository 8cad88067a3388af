/* camguard-gateway - one shared JPEG branch on a camera pipeline
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/** GW_MJPEG_BOUNDARY: the multipart boundary of every MJPEG stream */
#define GW_MJPEG_BOUNDARY "camguard-mjpeg-frame"

/* How long removing a branch may wait for its tee pad to be idle before it
 * is unlinked anyway. */
#define GW_MJPEG_REMOVE_TIMEOUT_MS 2000

typedef struct _GwMjpegBranch GwMjpegBranch;

/**
 * GwMjpegFrameFunc:
 * @part: (transfer none): one multipart part: boundary line, part headers
 *   (Content-Type image/jpeg, Content-Length), the JPEG and CRLF
 * @user_data: the data given to gw_mjpeg_branch_new()
 *
 * Receives each encoded frame, on the branch's streaming thread.
 */
typedef void (*GwMjpegFrameFunc) (GBytes * part, gpointer user_data);

GwMjpegBranch *gw_mjpeg_branch_new (GstElement * tee, gboolean encoded,
    guint width, guint height, guint quality, GMainContext * context,
    GwMjpegFrameFunc func, gpointer user_data, GDestroyNotify notify,
    GError ** error);
void gw_mjpeg_branch_set_max_rate (GwMjpegBranch * branch, guint fps);
void gw_mjpeg_branch_remove (GwMjpegBranch * branch);

G_END_DECLS
