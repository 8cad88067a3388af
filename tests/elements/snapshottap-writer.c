/* camguard - snapshottap tests: the periodic writer (location, snapshot-
 * interval)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *
 * Frames carry their identity in their luma: frame n of a test is a flat
 * picture of value 16 + 4n. A snapshot is decoded back with TurboJPEG and
 * its mean luma says which frame it shows.
 */

#define _GNU_SOURCE             /* unshare */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <glib/gstdio.h>
#include <gio/gunixsocketaddress.h>

#include "cgsnapshottap.h"
#include "snapshottap-harness.h"

/* ------------------------------------------------------------------ */
/* the periodic writer                                                 */

static GstMessage *
wait_message (GstBus * bus, GstMessageType type)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, type);

  fail_unless (msg != NULL, "no %s message", gst_message_type_get_name (type));
  return msg;
}

GST_START_TEST (test_periodic_writer)
{
  g_autofree gchar *dir = g_dir_make_tmp ("snapshottap-XXXXXX", NULL);
  g_autofree gchar *launch = g_strdup_printf ("snapshottap max-age=0 "
      "snapshot-interval=1000 location=%s/snap-%%03d.jpg", dir);
  GstHarness *h = gst_harness_new_parse (launch);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  guint i;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, RAW_CAPS);
  for (i = 0; i < 3; i++) {
    g_autofree gchar *path = NULL;
    const GstStructure *s;
    gchar *data;
    gsize len;
    GstBuffer *jpeg;

    gst_harness_push (h, make_frame (W, H, 20 + i));
    /* the writer waits on the pipeline clock; one interval passes */
    fail_unless (gst_harness_crank_single_clock_wait (h));
    msg = wait_message (bus, GST_MESSAGE_ELEMENT);
    s = gst_message_get_structure (msg);
    fail_unless (gst_structure_has_name (s, "camguard-snapshot"));
    path = g_strdup_printf ("%s/snap-%03u.jpg", dir, i);
    fail_unless_equals_string (gst_structure_get_string (s, "location"), path);
    gst_message_unref (msg);

    fail_unless (g_file_get_contents (path, &data, &len, NULL));
    jpeg = gst_buffer_new_wrapped (data, len);
    fail_unless (ABS (jpeg_mean_luma (jpeg, NULL, NULL) - LUMA (20 + i)) < 1.5);
    gst_buffer_unref (jpeg);
    g_unlink (path);
  }
  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  g_rmdir (dir);
  gst_object_unref (bus);
}

GST_END_TEST;

GST_START_TEST (test_periodic_writer_missing_dir)
{
  GstHarness *h = gst_harness_new_parse ("snapshottap max-age=0 "
      "snapshot-interval=500 location=/nonexistent-camguard/snap.jpg");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GstStructure *details = NULL;
  GError *err = NULL;
  guint i;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, RAW_CAPS);
  gst_harness_push (h, make_frame (W, H, 1));
  fail_unless (gst_harness_crank_single_clock_wait (h));
  msg = wait_message (bus, GST_MESSAGE_WARNING);
  gst_message_parse_warning (msg, &err, NULL);
  gst_message_parse_warning_details (msg, (const GstStructure **) &details);
  fail_unless (details != NULL);
  fail_unless_equals_int (message_code (msg), CG_CODE_STORAGE_DENIED);
  g_clear_error (&err);
  gst_message_unref (msg);

  /* still failing: no warning per interval */
  for (i = 0; i < 3; i++) {
    gst_harness_push (h, make_frame (W, H, 2 + i));
    fail_unless (gst_harness_crank_single_clock_wait (h));
  }
  /* a snapshot on request still works meanwhile */
  {
    GstSample *sample = snapshot (tap_of (h), "image/jpeg", 0, 0);

    assert_shows (sample, 4, W, H);
    gst_sample_unref (sample);
  }
  gst_harness_teardown (h);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING) == NULL);
  gst_object_unref (bus);
}

GST_END_TEST;

/* Runs the writer once on @location and returns its WARNING, or NULL when
 * it wrote (a camguard-snapshot message) instead. */
static GstMessage *
write_once (const gchar * location)
{
  GstHarness *h = gst_harness_new ("snapshottap");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;

  gst_harness_set_src_caps_str (h, RAW_CAPS);
  gst_harness_play (h);
  /* the writer's properties are set before PLAYING, as gst-launch does */
  gst_element_set_state (h->element, GST_STATE_READY);
  g_object_set (h->element, "max-age", 0, "snapshot-interval", 500,
      "location", location, NULL);
  gst_element_set_bus (h->element, bus);
  gst_harness_play (h);
  gst_harness_push (h, make_frame (W, H, 1));
  fail_unless (gst_harness_crank_single_clock_wait (h));
  msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_WARNING | GST_MESSAGE_ELEMENT);
  fail_unless (msg != NULL, "neither written nor refused: %s", location);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT)
    gst_clear_message (&msg);
  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  gst_object_unref (bus);
  return msg;
}

/* Asserts @msg is a STORAGE_DENIED WARNING that names @location. */
static void
assert_denied (GstMessage * msg, const gchar * location)
{
  GError *err = NULL;
  gchar *debug = NULL;

  fail_unless (msg != NULL, "%s was written to", location);
  fail_unless_equals_int (message_code (msg), CG_CODE_STORAGE_DENIED);
  gst_message_parse_warning (msg, &err, &debug);
  fail_unless (strstr (err->message, location) != NULL, "%s not named in: %s",
      location, err->message);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);
}

/* Only the entries in @dir named in @expected (NULL-terminated): no
 * temporary file is left behind. */
static void
assert_dir_holds (const gchar * dir, const gchar * const *expected)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  fail_unless (d != NULL);
  while ((name = g_dir_read_name (d)))
    fail_unless (g_strv_contains (expected, name), "unexpected %s", name);
  g_dir_close (d);
}

/* A location that is a device, a FIFO, a socket or a directory is never
 * replaced: issue 14 item 11 (as root, location=/dev/null became a JPEG
 * file). The nodes are the test's own: /dev is never touched. */
GST_START_TEST (test_periodic_writer_not_regular)
{
  g_autofree gchar *dir = g_dir_make_tmp ("snapshottap-XXXXXX", NULL);
  g_autofree gchar *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree gchar *null = g_build_filename (dir, "null", NULL);
  g_autofree gchar *sock = g_build_filename (dir, "socket", NULL);
  g_autofree gchar *sub = g_build_filename (dir, "subdir", NULL);
  g_autofree gchar *link = g_build_filename (dir, "link", NULL);
  const gchar *const entries[] = { "fifo", "null", "socket", "subdir", "link",
    NULL
  };
  GSocketAddress *addr = g_unix_socket_address_new (sock);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_UNIX,
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL);
  gboolean have_device;
  GStatBuf st;

  fail_unless_equals_int (mkfifo (fifo, 0600), 0);
  fail_unless (g_socket_bind (socket, addr, TRUE, NULL));
  fail_unless_equals_int (g_mkdir (sub, 0700), 0);
  /* a character device of our own, a twin of /dev/null (root only) */
  have_device = mknod (null, S_IFCHR | 0600, makedev (1, 3)) == 0;
  fail_unless_equals_int (symlink (have_device ? null : fifo, link), 0);

  assert_denied (write_once (fifo), fifo);
  fail_unless (g_lstat (fifo, &st) == 0 && S_ISFIFO (st.st_mode));
  assert_denied (write_once (sock), sock);
  fail_unless (g_lstat (sock, &st) == 0 && S_ISSOCK (st.st_mode));
  assert_denied (write_once (sub), sub);
  fail_unless (g_lstat (sub, &st) == 0 && S_ISDIR (st.st_mode));
  assert_denied (write_once (link), link);
  fail_unless (g_lstat (link, &st) == 0 && S_ISLNK (st.st_mode));
  if (have_device) {
    assert_denied (write_once (null), null);
    fail_unless (g_lstat (null, &st) == 0 && S_ISCHR (st.st_mode));
    fail_unless_equals_int (st.st_rdev, makedev (1, 3));
  } else {
    g_test_message ("no mknod (not root): device case not run");
    g_file_set_contents (null, "", 0, NULL);
  }
  assert_dir_holds (dir, entries);

  g_object_unref (socket);
  g_object_unref (addr);
  g_unlink (link);
  g_unlink (null);
  g_unlink (sock);
  g_unlink (fifo);
  g_rmdir (sub);
  g_rmdir (dir);
}

GST_END_TEST;

/* A regular file is still replaced, and so is a link to one (the link, not
 * its target). */
GST_START_TEST (test_periodic_writer_replaces_regular)
{
  g_autofree gchar *dir = g_dir_make_tmp ("snapshottap-XXXXXX", NULL);
  g_autofree gchar *file = g_build_filename (dir, "latest.jpg", NULL);
  g_autofree gchar *target = g_build_filename (dir, "target", NULL);
  g_autofree gchar *link = g_build_filename (dir, "link.jpg", NULL);
  const gchar *const entries[] = { "latest.jpg", "target", "link.jpg", NULL };
  gchar *data;
  gsize len;
  GStatBuf st;

  fail_unless (g_file_set_contents (file, "old", 3, NULL));
  fail_unless (write_once (file) == NULL);
  fail_unless (g_file_get_contents (file, &data, &len, NULL));
  fail_unless (len > 4 && (guint8) data[0] == 0xff);
  g_free (data);

  fail_unless (g_file_set_contents (target, "keep", 4, NULL));
  fail_unless_equals_int (symlink (target, link), 0);
  fail_unless (write_once (link) == NULL);
  fail_unless (g_lstat (link, &st) == 0 && S_ISREG (st.st_mode));
  fail_unless (g_file_get_contents (target, &data, &len, NULL));
  fail_unless_equals_string (data, "keep");
  g_free (data);
  assert_dir_holds (dir, entries);

  g_unlink (file);
  g_unlink (target);
  g_unlink (link);
  g_rmdir (dir);
}

GST_END_TEST;

/* The number of threads of this process. */
static guint
n_threads (void)
{
  GDir *d = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  while (d && g_dir_read_name (d))
    n++;
  if (d)
    g_dir_close (d);
  return n;
}

/* Makes @dir unwritable: when root, a read-only tmpfs over it in a new
 * mount namespace, which only works while this (forked) test process has
 * a single thread; its mode otherwise. */
static gboolean
make_read_only (const gchar * dir)
{
  if (geteuid () != 0)
    return g_chmod (dir, 0555) == 0;
  if (n_threads () != 1) {
    g_test_message ("%u threads: cannot change the mount namespace",
        n_threads ());
    return FALSE;
  }
  if (unshare (CLONE_NEWNS) != 0) {
    g_test_message ("unshare: %s", g_strerror (errno));
    return FALSE;
  }
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
      || mount ("tmpfs", dir, "tmpfs", MS_RDONLY, "size=64k") != 0) {
    g_test_message ("mount: %s", g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

/* A missing directory, a path through a regular file and a read-only
 * location are STORAGE_DENIED. */
GST_START_TEST (test_periodic_writer_denied_locations)
{
  g_autofree gchar *dir = g_dir_make_tmp ("snapshottap-XXXXXX", NULL);
  g_autofree gchar *file = g_build_filename (dir, "file", NULL);
  g_autofree gchar *through = g_build_filename (file, "snap.jpg", NULL);
  g_autofree gchar *missing = g_build_filename (dir, "missing", "snap.jpg",
      NULL);
  g_autofree gchar *ro = g_build_filename (dir, "ro", NULL);
  g_autofree gchar *in_ro = g_build_filename (ro, "snap.jpg", NULL);

  /* first, while this process has one thread: a mount namespace is a
   * thread's, and the writer's thread must be created in the new one */
  fail_unless_equals_int (g_mkdir (ro, 0700), 0);
  if (make_read_only (ro)) {
    assert_denied (write_once (in_ro), in_ro);
    fail_if (g_file_test (in_ro, G_FILE_TEST_EXISTS));
    if (geteuid () == 0)
      umount (ro);
  } else {
    g_test_message ("could not make a read-only location: case not run");
  }

  fail_unless (g_file_set_contents (file, "x", 1, NULL));
  assert_denied (write_once (missing), missing);
  assert_denied (write_once (through), through);
  g_chmod (ro, 0700);
  g_rmdir (ro);
  g_unlink (file);
  g_rmdir (dir);
}

GST_END_TEST;


static Suite *
snapshottap_writer_suite (void)
{
  Suite *s = suite_create ("snapshottap-writer");
  TCase *tc = tcase_create ("writer");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_periodic_writer);
  tcase_add_test (tc, test_periodic_writer_missing_dir);
  tcase_add_test (tc, test_periodic_writer_not_regular);
  tcase_add_test (tc, test_periodic_writer_replaces_regular);
  tcase_add_test (tc, test_periodic_writer_denied_locations);
  return s;
}

GST_CHECK_MAIN (snapshottap_writer);
