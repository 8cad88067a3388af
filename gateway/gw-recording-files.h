/* camguard-gateway - the files of the recordings directory
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <camguard.h>

G_BEGIN_DECLS

/* Below this much free space a recording does not start: STORAGE_FULL. */
#define GW_REC_MIN_FREE_BYTES (1024 * 1024)

/* One file of a camera's recordings directory. */
typedef struct
{
  gchar *name;
  gint64 start_us;              /* from the name (UTC), 0 if unknown */
  gint64 mtime_us;
  gdouble duration;             /* seconds from the mp4 header, < 0 unknown */
  guint64 size;
  gboolean finalized;           /* not a .partial file */
} GwRecFile;

void gw_rec_file_free (GwRecFile * file);

gboolean gw_rec_name_is_valid (const gchar * name);
GPtrArray *gw_rec_dir_scan (const gchar * dir);
void gw_rec_file_write_json (const GwRecFile * file, gboolean current,
    CgJsonWriter * w);
gdouble gw_rec_mp4_duration (gint fd);

GMappedFile *gw_rec_open (const gchar * dir, const gchar * name,
    CgError ** error);
CgError *gw_rec_check_storage (const gchar * dir, guint64 * free_bytes);
guint gw_rec_apply_retention (const gchar * dir, const gchar * prefix,
    const gchar * keep, gint64 max_age_s, guint64 max_bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwRecFile, gw_rec_file_free)

G_END_DECLS
