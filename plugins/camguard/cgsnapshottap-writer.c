/* camguard - snapshottap: the periodic writer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * While the element is PLAYING with a snapshot-interval and a location, a
 * task of its own waits on the pipeline clock (a periodic clock id, so a
 * GstTestClock drives it in tests) and writes a JPEG each interval. It
 * never writes into an existing file: the picture goes to a temporary file
 * next to the location and is renamed over it, so readers never see half
 * a picture. Only regular files are replaced: a location that is a
 * character or block device, a FIFO, a socket or a directory (directly or
 * behind a symbolic link) is refused with STORAGE_DENIED; the check is made
 * again right before the rename. Without that, `location=/dev/null` run as
 * root would turn the device node into a JPEG file.
 *
 * Each write posts a `camguard-snapshot` element message; the first
 * failure after a success posts one WARNING with a catalogued code
 * (STORAGE_FULL, STORAGE_DENIED, STORAGE_IO, SNAPSHOT_FAILED) that names
 * the location, not one per interval.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "cgsnapshottap-writer.h"
#include "cgelementutil.h"

GST_DEBUG_CATEGORY_STATIC (cg_snapshot_writer_debug);
#define GST_CAT_DEFAULT cg_snapshot_writer_debug

struct _CgSnapshotWriter
{
  GstElement *element;          /* owns the writer: not a reference */
  CgSnapshotWriterTake take;
  GstTask *task;
  GRecMutex task_lock;

  /* protected by lock */
  GMutex lock;
  GstClockID id;
  gboolean stopping;
  gchar *location;

  /* the task only */
  guint64 written;
  gboolean failing;
};

/* A location is a path with at most one integer conversion (%d, %05d,
 * ...): the index of the picture. */
gboolean
cg_snapshot_location_is_valid (const gchar * location)
{
  const gchar *p;
  guint conversions = 0;

  if (!location || !*location)
    return FALSE;
  for (p = location; *p; p++) {
    if (*p != '%')
      continue;
    if (p[1] == '%') {
      p++;
      continue;
    }
    p++;
    while (g_ascii_isdigit (*p))
      p++;
    if (*p != 'd' && *p != 'u')
      return FALSE;
    conversions++;
  }
  return conversions <= 1;
}

static const gchar *
file_kind (mode_t mode)
{
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISSOCK (mode))
    return "a socket";
  if (S_ISDIR (mode))
    return "a directory";
  return "not a regular file";
}

/* FALSE (STORAGE_DENIED's G_FILE_ERROR_PERM or _ISDIR) when @path exists
 * and is not a regular file, or is a link to something that is not. */
static gboolean
check_target (const gchar * path, GError ** error)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return TRUE;                /* a new file */
  /* a link is replaced by the rename, never written through; still, one
   * that points at a device says the location is not meant for pictures */
  if (S_ISLNK (st.st_mode) && g_stat (path, &st) != 0)
    return TRUE;
  if (S_ISREG (st.st_mode))
    return TRUE;
  g_set_error (error, G_FILE_ERROR, S_ISDIR (st.st_mode) ?
      G_FILE_ERROR_ISDIR : G_FILE_ERROR_PERM,
      "\"%s\" is %s, not a regular file: snapshots only replace regular "
      "files", path, file_kind (st.st_mode));
  return FALSE;
}

static gboolean
set_errno_error (GError ** error, const gchar * what, const gchar * path)
{
  int saved = errno;

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
      "Failed to %s \"%s\": %s", what, path, g_strerror (saved));
  return FALSE;
}

static gboolean
write_all (int fd, const guint8 * data, gsize size)
{
  while (size > 0) {
    gssize n = write (fd, data, size);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return FALSE;
    data += n;
    size -= n;
  }
  return TRUE;
}

/**
 * cg_snapshot_write_file:
 *
 * Writes @data to @path atomically (a temporary file next to it, renamed
 * over it), replacing only a regular file. Errors are #G_FILE_ERROR, for
 * cg_classify_file_error().
 */
gboolean
cg_snapshot_write_file (const gchar * path, gconstpointer data, gsize size,
    GError ** error)
{
  gchar *tmp;
  int fd;
  gboolean ok = FALSE;

  if (!check_target (path, error))
    return FALSE;
  tmp = g_strdup_printf ("%s.XXXXXX", path);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0) {
    set_errno_error (error, "create a file next to", path);
    g_free (tmp);
    return FALSE;
  }
  if (!write_all (fd, data, size)) {
    set_errno_error (error, "write", tmp);
    close (fd);
  } else if (close (fd) != 0) {
    set_errno_error (error, "close", tmp);
  } else if (!check_target (path, error)) {
    /* it became a device meanwhile: leave it alone */
  } else if (g_rename (tmp, path) != 0) {
    set_errno_error (error, "rename a file to", path);
  } else {
    ok = TRUE;
  }
  if (!ok)
    g_unlink (tmp);
  g_free (tmp);
  return ok;
}

static void
writer_warn (CgSnapshotWriter * w, CgCode code, const gchar * message)
{
  gchar *text;

  if (w->failing)
    return;
  w->failing = TRUE;
  text = g_strdup_printf ("Periodic snapshot failed: %s", message);
  CG_ELEMENT_WARNING_CODED (w->element, RESOURCE, WRITE, code, text, message);
  g_free (text);
}

static void
post_written (CgSnapshotWriter * w, const gchar * location,
    const GstStructure * info, gsize size)
{
  guint64 pts = GST_CLOCK_TIME_NONE, age = 0;
  gboolean stale = FALSE;

  gst_structure_get (info, "pts", G_TYPE_UINT64, &pts, "age", G_TYPE_UINT64,
      &age, "stale", G_TYPE_BOOLEAN, &stale, NULL);
  gst_element_post_message (w->element,
      gst_message_new_element (GST_OBJECT (w->element),
          gst_structure_new ("camguard-snapshot",
              "location", G_TYPE_STRING, location,
              "index", G_TYPE_UINT64, w->written,
              "pts", G_TYPE_UINT64, pts, "age", G_TYPE_UINT64, age,
              "stale", G_TYPE_BOOLEAN, stale,
              "size", G_TYPE_UINT64, (guint64) size, NULL)));
}

static void
write_snapshot (CgSnapshotWriter * w)
{
  GstSample *sample = w->take (w->element);
  const GstStructure *info = gst_sample_get_info (sample);
  GstBuffer *buf = gst_sample_get_buffer (sample);
  GError *err = NULL;
  gchar *location;
  GstMapInfo map;
  gboolean ok;

  if (!buf) {
    writer_warn (w, CG_CODE_SNAPSHOT_FAILED, gst_structure_get_string (info,
            "message"));
    gst_sample_unref (sample);
    return;
  }

  g_mutex_lock (&w->lock);
  /* validated by cg_snapshot_location_is_valid(): one %d at most */
  location = g_strdup_printf (w->location, (gint) w->written);
  g_mutex_unlock (&w->lock);

  gst_buffer_map (buf, &map, GST_MAP_READ);
  ok = cg_snapshot_write_file (location, map.data, map.size, &err);
  gst_buffer_unmap (buf, &map);
  if (ok) {
    w->failing = FALSE;
    post_written (w, location, info, map.size);
    w->written++;
  } else {
    GST_DEBUG_OBJECT (w->element, "writing %s failed: %s", location,
        err->message);
    writer_warn (w, cg_classify_file_error (err), err->message);
    g_error_free (err);
  }
  g_free (location);
  gst_sample_unref (sample);
}

static void
writer_loop (gpointer data)
{
  CgSnapshotWriter *w = data;
  GstClockID id;
  GstClockReturn ret;

  g_mutex_lock (&w->lock);
  if (w->stopping || !w->id) {
    g_mutex_unlock (&w->lock);
    gst_task_pause (w->task);
    return;
  }
  id = gst_clock_id_ref (w->id);
  g_mutex_unlock (&w->lock);

  ret = gst_clock_id_wait (id, NULL);
  gst_clock_id_unref (id);
  if (ret == GST_CLOCK_UNSCHEDULED)
    return;
  g_mutex_lock (&w->lock);
  if (w->stopping) {
    g_mutex_unlock (&w->lock);
    return;
  }
  g_mutex_unlock (&w->lock);
  write_snapshot (w);
}

CgSnapshotWriter *
cg_snapshot_writer_new (GstElement * element, CgSnapshotWriterTake take)
{
  CgSnapshotWriter *w = g_new0 (CgSnapshotWriter, 1);
  static gsize debug_done = 0;

  if (g_once_init_enter (&debug_done)) {
    GST_DEBUG_CATEGORY_INIT (cg_snapshot_writer_debug, "snapshottap-writer",
        0, "snapshottap periodic writer");
    g_once_init_leave (&debug_done, 1);
  }
  w->element = element;
  w->take = take;
  g_mutex_init (&w->lock);
  g_rec_mutex_init (&w->task_lock);
  w->task = gst_task_new (writer_loop, w, NULL);
  gst_object_set_name (GST_OBJECT (w->task), "snapshottap-writer");
  gst_task_set_lock (w->task, &w->task_lock);
  return w;
}

void
cg_snapshot_writer_free (CgSnapshotWriter * w)
{
  if (!w)
    return;
  gst_object_unref (w->task);
  g_rec_mutex_clear (&w->task_lock);
  g_mutex_clear (&w->lock);
  if (w->id)
    gst_clock_id_unref (w->id);
  g_free (w->location);
  g_free (w);
}

/* Starts writing to @location every @interval on the element's clock;
 * nothing when either is unset or there is no clock. An invalid location
 * posts a VALIDATION_ERROR WARNING. */
void
cg_snapshot_writer_start (CgSnapshotWriter * w, GstClockTime interval,
    const gchar * location)
{
  GstClock *clock = gst_element_get_clock (w->element);

  if (interval == 0 || !location || !clock) {
    gst_clear_object (&clock);
    return;
  }
  if (!cg_snapshot_location_is_valid (location)) {
    gchar *debug = g_strdup_printf ("location must hold at most one %%d, "
        "not \"%s\"", location);

    CG_ELEMENT_WARNING_CODED (w->element, RESOURCE, SETTINGS,
        CG_CODE_VALIDATION_ERROR, "Invalid snapshot location", debug);
    g_free (debug);
    gst_object_unref (clock);
    return;
  }
  g_mutex_lock (&w->lock);
  w->stopping = FALSE;
  g_free (w->location);
  w->location = g_strdup (location);
  if (w->id)
    gst_clock_id_unref (w->id);
  w->id = gst_clock_new_periodic_id (clock,
      gst_clock_get_time (clock) + interval, interval);
  g_mutex_unlock (&w->lock);
  gst_object_unref (clock);

  GST_DEBUG_OBJECT (w->element, "writing a snapshot every %" GST_TIME_FORMAT
      " to %s", GST_TIME_ARGS (interval), location);
  gst_task_start (w->task);
}

void
cg_snapshot_writer_stop (CgSnapshotWriter * w)
{
  g_mutex_lock (&w->lock);
  w->stopping = TRUE;
  if (w->id)
    gst_clock_id_unschedule (w->id);
  g_mutex_unlock (&w->lock);

  gst_task_stop (w->task);
  /* take the task lock: the loop body has returned once we hold it */
  g_rec_mutex_lock (&w->task_lock);
  g_rec_mutex_unlock (&w->task_lock);

  g_mutex_lock (&w->lock);
  if (w->id) {
    gst_clock_id_unref (w->id);
    w->id = NULL;
  }
  g_mutex_unlock (&w->lock);
}

void
cg_snapshot_writer_join (CgSnapshotWriter * w)
{
  gst_task_join (w->task);
}
