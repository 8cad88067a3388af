/* camguard - snapshottap: the periodic writer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Returns a snapshot sample of @element (a JPEG, or a failed sample with
 * only its info structure), as the `snapshot` signal does. */
typedef GstSample *(*CgSnapshotWriterTake) (GstElement * element);

typedef struct _CgSnapshotWriter CgSnapshotWriter;

CgSnapshotWriter *cg_snapshot_writer_new (GstElement * element,
    CgSnapshotWriterTake take);
void cg_snapshot_writer_free (CgSnapshotWriter * writer);

void cg_snapshot_writer_start (CgSnapshotWriter * writer,
    GstClockTime interval, const gchar * location);
void cg_snapshot_writer_stop (CgSnapshotWriter * writer);
void cg_snapshot_writer_join (CgSnapshotWriter * writer);

gboolean cg_snapshot_location_is_valid (const gchar * location);
gboolean cg_snapshot_write_file (const gchar * path, gconstpointer data,
    gsize size, GError ** error);

G_END_DECLS
