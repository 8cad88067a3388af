/* camguard-gateway - the event store's parts: writer and queries
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private to gw-event-store.c (open, append, the writer thread, retention)
 * and gw-event-store-query.c (the read connection and the queries).
 */
#pragma once

#include <sqlite3.h>
#include "gw-event-store.h"

G_BEGIN_DECLS

#define GW_EVENT_STORE_DB_NAME "events.db"

/* The store. Each part says which thread or lock owns it. */
struct _GwEventStore
{
  gint ref_count;
  gchar *path;
  GwEventStoreConfig config;
  GMainContext *context;
  GwEventStoreErrorFunc error_func;
  gpointer error_data;

  /* writer thread only */
  sqlite3 *wdb;
  sqlite3_stmt *insert;
  sqlite3_stmt *set_last_id;
  sqlite3_stmt *delete_old;
  sqlite3_stmt *delete_over;
  GThread *writer;
  GAsyncQueue *queue;
  gint queued;                  /* atomic: appended, not yet written */

  /* query threads, under read_lock */
  GMutex read_lock;
  sqlite3 *rdb;
  sqlite3_stmt *select;
  sqlite3_stmt *select_camera;

  /* under lock */
  GMutex lock;
  gint64 last_id;
  gint64 last_written_id;
  gint64 lost;
  gint64 written;
  CgError *error;
  gboolean unavailable;
  GCond writer_done_cond;
  gboolean writer_done;         /* the writer thread has returned */
};

GwEventStore *gw_event_store_ref_internal (GwEventStore * store);
void gw_event_store_unref_internal (GwEventStore * store);
CgError *gw_event_store_storage_error (GwEventStore * store, sqlite3 * db,
    int rc);
int gw_event_store_prepare (sqlite3 * db, const gchar * sql,
    sqlite3_stmt ** stmt);
int gw_event_store_open_reader (GwEventStore * store);
void gw_event_store_close_reader (GwEventStore * store);

G_END_DECLS
