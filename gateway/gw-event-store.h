/* camguard-gateway - the event history in SQLite
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include "gw-event.h"

G_BEGIN_DECLS

typedef struct _GwEventStore GwEventStore;

/**
 * GwEventStoreClockFunc:
 * @user_data: the clock's data
 *
 * The wall clock retention by age reads, in microseconds since the epoch
 * (g_get_real_time() unless a test injects another).
 *
 * Returns: the current time
 */
typedef gint64 (*GwEventStoreClockFunc) (gpointer user_data);

/**
 * GwEventStoreErrorFunc:
 * @store: the store
 * @error: STORAGE_FULL, STORAGE_DENIED or STORAGE_IO, with details
 * @user_data: the data given to gw_event_store_new()
 *
 * Called on the store's main context when the store starts failing (and
 * again when the failure changes code); events that could not be written
 * are counted (gw_event_store_get_lost()).
 */
typedef void (*GwEventStoreErrorFunc) (GwEventStore * store,
    const CgError * error, gpointer user_data);

/**
 * GwEventStoreConfig:
 * @max_age_us: events older than this are deleted (0: no age limit)
 * @max_count: at most this many newest events are kept (0: no limit)
 * @batch_interval_ms: the writer commits a batch this long after its first
 *   event at the latest
 * @batch_size: ... or as soon as it holds this many events
 * @clock_func: (nullable): the clock retention by age uses
 * @clock_data: its data
 * @max_queued: at most this many events wait for the writer; beyond, new
 *   events are counted as lost (a stalled disk costs no unbounded memory)
 *
 * Fill with gw_event_store_config_init() first.
 */
typedef struct
{
  gint64 max_age_us;
  guint max_count;
  guint batch_interval_ms;
  guint batch_size;
  GwEventStoreClockFunc clock_func;
  gpointer clock_data;
  guint max_queued;
} GwEventStoreConfig;

/**
 * GwEventQuery:
 * @camera_id: (nullable): only this camera's events
 * @severity: (nullable): only this severity
 * @code: (nullable): only this catalogue code
 * @kind: (nullable): only this kind ("error", "retry", ...)
 * @since_us: only events at or after this time (0: no bound)
 * @until_us: only events before this time (0: no bound)
 * @before_id: the cursor: only events with a smaller id (0: from the newest)
 * @limit: page size (0: 100; at most 1000)
 *
 * A `GET /events` query. Fill with gw_event_query_init() first.
 */
typedef struct
{
  const gchar *camera_id;
  const gchar *severity;
  const gchar *code;
  const gchar *kind;
  gint64 since_us;
  gint64 until_us;
  gint64 before_id;
  guint limit;
} GwEventQuery;

#define GW_EVENT_QUERY_MAX_LIMIT 1000
/* How long gw_event_store_close() waits for the last batch. */
#define GW_EVENT_STORE_CLOSE_TIMEOUT_MS 5000

void gw_event_store_config_init (GwEventStoreConfig * config);
void gw_event_query_init (GwEventQuery * query);

GwEventStore *gw_event_store_new (const gchar * data_dir,
    const GwEventStoreConfig * config, GwEventStoreErrorFunc error_func,
    gpointer user_data);
void gw_event_store_close (GwEventStore * store);

gint64 gw_event_store_append (GwEventStore * store, GwEvent * event);

void gw_event_store_flush_async (GwEventStore * store,
    GCancellable * cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
gboolean gw_event_store_flush_finish (GwEventStore * store,
    GAsyncResult * result, GError ** error);

void gw_event_store_query_async (GwEventStore * store,
    const GwEventQuery * query, GCancellable * cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *gw_event_store_query_finish (GwEventStore * store,
    GAsyncResult * result, gint64 * next_cursor, GError ** error);

CgError *gw_event_store_get_error (GwEventStore * store);
guint64 gw_event_store_get_lost (GwEventStore * store);
guint64 gw_event_store_get_written (GwEventStore * store);
gint64 gw_event_store_get_last_id (GwEventStore * store);

G_END_DECLS
