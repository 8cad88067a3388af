/* camguard-gateway tests - events as the camera pipelines produce them,
 * and main-context waits
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gw-event-store.h"

typedef gboolean (*Cond) (gpointer data);

/* Iterates the default context until @cond (bounded: only detects a hang). */
void iterate_until (Cond cond, gpointer data);
/* A Cond: *(gboolean *) data. */
gboolean is_true (gpointer data);
/* Iterates until nothing is pending (bounded). */
void drain (void);
/* A CgError with GStreamer facts, details and correlation id "req-42". */
CgError *error_for (CgCode code, const gchar * camera);
/* camguard-retry as retrysrc posts it. */
GstMessage *retry_message (const gchar * what, const CgError * cause);
/* camguard-quality as qualityladder posts it. */
GstMessage *quality_message (gboolean degraded);
/* An event of @kind for @camera, built the way the gateway builds it. */
GwEvent *event_of_kind (GwEventKind kind, const gchar * camera);
void remove_dir (const gchar * dir);
/* gw_event_store_flush_async(), waited for. */
void store_flush (GwEventStore * store);
/* gw_event_store_query_async(), waited for: the page (NULL on error). */
GPtrArray *store_query (GwEventStore * store, const GwEventQuery * q,
    gint64 * cursor, GError ** error);
