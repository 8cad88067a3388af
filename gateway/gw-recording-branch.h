/* camguard-gateway - one recording: a tee branch with splitmuxsink
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <camguard.h>

G_BEGIN_DECLS

/* How long a stop waits for the file to be finalized, by default. */
#define GW_REC_FINALIZE_TIMEOUT_MS 3000

/* Files being written end in this; the name loses it once finalized. */
#define GW_REC_PARTIAL_SUFFIX ".partial.mp4"
#define GW_REC_SUFFIX ".mp4"

typedef struct _GwRecBranch GwRecBranch;

typedef enum
{
  GW_REC_BRANCH_OPENED,         /* @path: the file now written */
  GW_REC_BRANCH_CLOSED,         /* @path: a finalized file, @size bytes */
  GW_REC_BRANCH_FAILED,         /* @error: why (a storage code) */
} GwRecBranchEvent;

typedef void (*GwRecBranchFunc) (GwRecBranch * branch, GwRecBranchEvent what,
    const gchar * path, guint64 size, const CgError * error,
    gpointer user_data);

typedef void (*GwRecBranchDone) (GwRecBranch * branch, gboolean in_time,
    gpointer user_data);

GwRecBranch *gw_rec_branch_attach (GstElement * tee, const gchar * dir,
    const gchar * prefix, guint64 segment_ns, GwRecBranchFunc func,
    gpointer user_data, GError ** error);
gboolean gw_rec_branch_finalize (GwRecBranch * branch, guint timeout_ms);
void gw_rec_branch_finalize_async (GwRecBranch * branch, guint timeout_ms,
    GwRecBranchDone done, gpointer user_data);
void gw_rec_branch_disconnect (GwRecBranch * branch);
GstElement *gw_rec_branch_get_tee (GwRecBranch * branch);
gboolean gw_rec_branch_has_failed (GwRecBranch * branch);
GwRecBranch *gw_rec_branch_ref (GwRecBranch * branch);
void gw_rec_branch_unref (GwRecBranch * branch);

gchar *gw_rec_final_path (const gchar * path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwRecBranch, gw_rec_branch_unref)

G_END_DECLS
