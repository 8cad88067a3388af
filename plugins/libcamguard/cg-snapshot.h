/* camguard - asynchronous snapshot requests to a snapshottap
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * CG_SNAPSHOT_MIN_SIZE:
 *
 * The smallest maximum width or height a snapshot may ask for (0 asks for
 * no limit); smaller ones are a VALIDATION_ERROR (snapshottap's rule, here
 * so that callers such as the gateway check requests the same way).
 */
#define CG_SNAPSHOT_MIN_SIZE 16

    void cg_snapshot_request_async (GstElement * tap, const gchar * format,
    gint max_width, gint max_height, gint quality, GCancellable * cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
GstSample *cg_snapshot_request_finish (GstElement * tap, GAsyncResult * result,
    GError ** error);
GstSample *cg_snapshot_request (GstElement * tap, const gchar * format,
    gint max_width, gint max_height, gint quality, GError ** error);

G_END_DECLS
