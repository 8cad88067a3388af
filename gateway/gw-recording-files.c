/* camguard-gateway - the files of the recordings directory
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-recording-files
 * @title: Recording files
 * @short_description: names, listing, opening, free space and retention
 *
 * Each camera records into `<data-dir>/recordings/<camera-id>/`, files
 * named `KIND-YYYYMMDD-HHMMSS-mmm[-N].mp4` (UTC start; `.partial.mp4`
 * while written, or when the gateway was killed while writing it).
 *
 * A name given by a client is accepted only if it could be one of those
 * files' names: letters, digits, `.`, `_` and `-`, starting with a letter
 * or digit, no `..`, ending in `.mp4`; so no `/`, no `%`, nothing absolute.
 * The file is then opened relative to the camera's directory with
 * `O_NOFOLLOW` and must be a regular file: a symlink placed in the
 * directory is refused too. Downloads are served from a read-only mapping
 * of the file (never read into memory on the main loop).
 *
 * Durations come from the mp4 header (`mvhd`), which robust muxing keeps
 * at the start of the file and rewrites every second.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gw-recording-branch.h"
#include "gw-recording-files.h"

#define NAME_MAX_LEN 128

/**
 * gw_rec_file_free:
 * @file: (transfer full) (nullable): a file entry
 */
void
gw_rec_file_free (GwRecFile * file)
{
  if (file == NULL)
    return;
  g_free (file->name);
  g_free (file);
}

/**
 * gw_rec_name_is_valid:
 * @name: (nullable): a recording name from a client
 *
 * Returns: whether @name can be a recording's file name: `[A-Za-z0-9]`
 *   then `[A-Za-z0-9._-]`, at most 128 characters, no `..`, ending in
 *   `.mp4`
 */
gboolean
gw_rec_name_is_valid (const gchar * name)
{
  gsize n;

  if (name == NULL || !g_ascii_isalnum (name[0]))
    return FALSE;
  n = strspn (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
      "0123456789._-");
  return n == strlen (name) && n <= NAME_MAX_LEN
      && strstr (name, "..") == NULL && g_str_has_suffix (name, GW_REC_SUFFIX);
}

/* The start time in a name KIND-YYYYMMDD-HHMMSS-mmm..., or 0. */
static gint64
start_from_name (const gchar * name)
{
  const gchar *p = strchr (name, '-');
  gint y, mo, d, h, mi, s, ms;
  g_autoptr (GDateTime) t = NULL;

  if (p == NULL || sscanf (p + 1, "%4d%2d%2d-%2d%2d%2d-%3d", &y, &mo, &d, &h,
          &mi, &s, &ms) != 7)
    return 0;
  t = g_date_time_new_utc (y, mo, d, h, mi, s);
  return t ? g_date_time_to_unix (t) * G_USEC_PER_SEC + ms * 1000 : 0;
}

static guint32
be32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
      ((guint32) p[2] << 8) | p[3];
}

static guint64
be64 (const guint8 * p)
{
  return ((guint64) be32 (p) << 32) | be32 (p + 4);
}

/* The duration in an mvhd box's payload (@p, @len bytes), or -1. */
static gdouble
mvhd_duration (const guint8 * p, gsize len)
{
  guint32 timescale;
  guint64 duration;

  if (len >= 32 && p[0] == 1) {
    timescale = be32 (p + 20);
    duration = be64 (p + 24);
  } else if (len >= 20 && p[0] == 0) {
    timescale = be32 (p + 12);
    duration = be32 (p + 16);
  } else {
    return -1;
  }
  return timescale ? (gdouble) duration / timescale : -1;
}

/**
 * gw_rec_mp4_duration:
 * @fd: an open mp4 file
 *
 * Reads the movie duration from the `mvhd` box of the top-level `moov`.
 *
 * Returns: the duration in seconds, or -1 when there is no readable header
 */
gdouble
gw_rec_mp4_duration (gint fd)
{
  guint8 h[16], buf[256];
  guint64 off = 0, size;
  gssize n;
  guint i;

  for (i = 0; i < 64; i++, off += size) {
    if (pread (fd, h, sizeof h, off) < 8)
      return -1;
    size = be32 (h);
    if (size == 1)
      size = be64 (h + 8);
    if (memcmp (h + 4, "moov", 4) == 0)
      break;
    if (size < 8)
      return -1;
  }
  if (i == 64)
    return -1;
  n = pread (fd, buf, sizeof buf, off + 8);
  for (off = 0; n > 0 && off + 8 <= (guint64) n; off += size) {
    size = be32 (buf + off);
    if (memcmp (buf + off + 4, "mvhd", 4) == 0)
      return mvhd_duration (buf + off + 8, n - off - 8);
    if (size < 8)
      break;
  }
  return -1;
}

static GwRecFile *
file_entry (const gchar * dir, const gchar * name)
{
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  GwRecFile *f;
  GStatBuf st;
  gint fd;

  if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return NULL;
  f = g_new0 (GwRecFile, 1);
  f->name = g_strdup (name);
  f->size = st.st_size;
  f->mtime_us = (gint64) st.st_mtime * G_USEC_PER_SEC;
  f->start_us = start_from_name (name);
  f->finalized = !g_str_has_suffix (name, GW_REC_PARTIAL_SUFFIX);
  f->duration = -1;
  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    f->duration = gw_rec_mp4_duration (fd);
    close (fd);
  }
  return f;
}

static gint
by_start (gconstpointer a, gconstpointer b)
{
  const GwRecFile *fa = *(GwRecFile **) a, *fb = *(GwRecFile **) b;

  if (fa->start_us != fb->start_us)
    return fa->start_us < fb->start_us ? -1 : 1;
  return strcmp (fa->name, fb->name);
}

/**
 * gw_rec_dir_scan:
 * @dir: a camera's recordings directory
 *
 * Lists the recordings in @dir (regular files with a valid name; symlinks
 * and anything else are left out), oldest first. Blocks on the disk: call
 * it off the main loop.
 *
 * Returns: (transfer full) (element-type GwRecFile): the files, empty when
 *   @dir does not exist
 */
GPtrArray *
gw_rec_dir_scan (const gchar * dir)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gw_rec_file_free);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d && (name = g_dir_read_name (d))) {
    GwRecFile *f;

    if (!gw_rec_name_is_valid (name))
      continue;
    f = file_entry (dir, name);
    if (f)
      g_ptr_array_add (files, f);
  }
  g_ptr_array_sort (files, by_start);
  return files;
}

/* @us as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC), null when unknown. */
static void
write_time (CgJsonWriter * w, const gchar * member, gint64 us)
{
  g_autoptr (GDateTime) t = NULL;
  g_autofree gchar *text = NULL, *base = NULL;

  cg_json_writer_member (w, member);
  if (us <= 0) {
    cg_json_writer_null (w);
    return;
  }
  t = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  base = g_date_time_format (t, "%Y-%m-%dT%H:%M:%S");
  text = g_strdup_printf ("%s.%03dZ", base, (gint) (us / 1000 % 1000));
  cg_json_writer_string (w, text);
}

/**
 * gw_rec_file_write_json:
 * @file: a file entry
 * @current: whether it is being written now
 * @w: where the object is written, as a value
 *
 * Writes `{name, start, duration, size, finalized, current}`; `duration`
 * is null when the header is not readable. A plain function of its
 * arguments: callable on any thread.
 */
void
gw_rec_file_write_json (const GwRecFile * file, gboolean current,
    CgJsonWriter * w)
{
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "name", file->name);
  write_time (w, "start", file->start_us);
  cg_json_writer_member (w, "duration");
  if (file->duration >= 0)
    cg_json_writer_double (w, file->duration);
  else
    cg_json_writer_null (w);
  cg_json_writer_member_int (w, "size", (gint64) file->size);
  cg_json_writer_member_boolean (w, "finalized", file->finalized && !current);
  cg_json_writer_member_boolean (w, "current", current);
  cg_json_writer_end_object (w);
}

/**
 * gw_rec_open:
 * @dir: a camera's recordings directory
 * @name: a recording name from a client
 * @error: return location: %CG_CODE_VALIDATION_ERROR for a name that
 *   cannot be a recording's, %CG_CODE_RESOURCE_NOT_FOUND when there is no
 *   such regular file (a symlink is not one)
 *
 * Opens @name in @dir without following symlinks and maps it read-only.
 *
 * Returns: (transfer full) (nullable): the mapping
 */
GMappedFile *
gw_rec_open (const gchar * dir, const gchar * name, CgError ** error)
{
  g_autoptr (GError) err = NULL;
  GMappedFile *map = NULL;
  struct stat st;
  gint dfd, fd = -1;

  if (!gw_rec_name_is_valid (name)) {
    *error = cg_error_new (CG_CODE_VALIDATION_ERROR, "Not a recording name");
    gst_structure_set (cg_error_get_details_writable (*error), "field",
        G_TYPE_STRING, "name", NULL);
    return NULL;
  }
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fd = openat (dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    close (dfd);
  }
  if (fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    map = g_mapped_file_new_from_fd (fd, FALSE, &err);
  if (fd >= 0)
    close (fd);
  if (map == NULL) {
    *error = cg_error_new (CG_CODE_RESOURCE_NOT_FOUND, "No such recording");
    gst_structure_set (cg_error_get_details_writable (*error), "name",
        G_TYPE_STRING, name, NULL);
  }
  return map;
}

static CgError *
errno_error (gint errsv, const gchar * what, const gchar * dir)
{
  g_autoptr (GError) err = g_error_new (G_FILE_ERROR,
      g_file_error_from_errno (errsv), "%s %s: %s", what, dir,
      g_strerror (errsv));
  CgError *e = cg_error_new (cg_classify_file_error (err), err->message);

  gst_structure_set (cg_error_get_details_writable (e), "directory",
      G_TYPE_STRING, dir, NULL);
  return e;
}

/**
 * gw_rec_check_storage:
 * @dir: a camera's recordings directory
 * @free_bytes: (out) (optional): the space left for unprivileged writers
 *
 * Creates @dir if needed and checks that a recording can be written
 * there: %CG_CODE_STORAGE_DENIED when it cannot be created or written (a
 * missing parent that cannot be made, a read-only mount),
 * %CG_CODE_STORAGE_FULL when less than %GW_REC_MIN_FREE_BYTES are left.
 * Blocks on the disk (briefly).
 *
 * Returns: (transfer full) (nullable): the problem, %NULL when writable
 */
CgError *
gw_rec_check_storage (const gchar * dir, guint64 * free_bytes)
{
  struct statvfs vfs;
  guint64 avail;
  CgError *e;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    return errno_error (errno, "cannot create", dir);
  if (statvfs (dir, &vfs) != 0)
    return errno_error (errno, "cannot stat", dir);
  if ((vfs.f_flag & ST_RDONLY) != 0)
    return errno_error (EROFS, "cannot write to", dir);
  if (access (dir, W_OK) != 0)
    return errno_error (errno, "cannot write to", dir);
  avail = (guint64) vfs.f_bavail * vfs.f_frsize;
  if (free_bytes)
    *free_bytes = avail;
  if (avail >= GW_REC_MIN_FREE_BYTES)
    return NULL;
  e = errno_error (ENOSPC, "no space left in", dir);
  gst_structure_set (cg_error_get_details_writable (e), "free_bytes",
      G_TYPE_UINT64, avail, NULL);
  return e;
}

/**
 * gw_rec_apply_retention:
 * @dir: a camera's recordings directory
 * @prefix: only files whose name starts with this (`continuous-`)
 * @keep: (nullable): a name never deleted (the file being written)
 * @max_age_s: delete files that started longer ago than this; 0: no limit
 * @max_bytes: then delete the oldest until the files of @prefix take at
 *   most this much; 0: no limit
 *
 * Blocks on the disk: call it off the main loop.
 *
 * Returns: how many files were deleted
 */
guint
gw_rec_apply_retention (const gchar * dir, const gchar * prefix,
    const gchar * keep, gint64 max_age_s, guint64 max_bytes)
{
  g_autoptr (GPtrArray) files = gw_rec_dir_scan (dir);
  gint64 now = g_get_real_time ();
  guint64 total = 0;
  guint i, deleted = 0;

  for (i = files->len; i-- > 0;) {
    GwRecFile *f = g_ptr_array_index (files, i);

    if (!g_str_has_prefix (f->name, prefix) || g_strcmp0 (f->name, keep) == 0)
      g_ptr_array_remove_index (files, i);
    else
      total += f->size;
  }
  for (i = 0; i < files->len; i++) {
    GwRecFile *f = g_ptr_array_index (files, i);
    g_autofree gchar *path = NULL;
    gboolean old = max_age_s > 0 && f->start_us > 0
        && now - f->start_us > max_age_s * G_USEC_PER_SEC;

    if (!old && (max_bytes == 0 || total <= max_bytes))
      continue;
    path = g_build_filename (dir, f->name, NULL);
    if (g_unlink (path) == 0) {
      deleted++;
      total -= f->size;
    }
  }
  return deleted;
}
