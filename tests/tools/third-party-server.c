/* camguard - real third-party servers (VLC's RTSP server, ffmpeg's MJPEG
 * over HTTP) for integration tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Starts a server nobody here wrote on 127.0.0.1 and a given port, waits
 * until it listens, kills it with SIGKILL and starts it again on the same
 * port. Every wait is bounded and runs the thread-default main context
 * (cg_iterate_until). Readiness is read from /proc/net/tcp and the
 * server's own file descriptors, never by connecting: ffmpeg's -listen 1
 * serves the first connection only (and stops listening once it has it).
 *
 * VLC refuses to run as root: as root the server runs as nobody (uid and
 * gid 65534, no supplementary groups), with a HOME of its own that nobody
 * owns. Each server gets PR_SET_PDEATHSIG after its credentials changed
 * (a change of credentials clears it), so a test that aborts leaves none
 * behind.
 */

/* setresuid, setresgid */
#define _GNU_SOURCE

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "fake-camera-client.h"
#include "third-party-server.h"

#define NOBODY 65534
#define POLL_MS 20

/**
 * cg_server_program:
 *
 * Returns: the program @kind runs ("cvlc", "ffmpeg")
 */
const gchar *
cg_server_program (CgServerKind kind)
{
  return kind == CG_SERVER_VLC_RTSP ? "cvlc" : "ffmpeg";
}

/**
 * cg_server_available:
 * @reason: (out) (optional): why not, for g_test_skip()
 *
 * Returns: %TRUE when the server's program is installed
 */
gboolean
cg_server_available (CgServerKind kind, gchar ** reason)
{
  g_autofree gchar *path = g_find_program_in_path (cg_server_program (kind));

  if (path == NULL && reason)
    *reason = g_strdup_printf ("%s is not installed (Debian package %s)",
        cg_server_program (kind), kind == CG_SERVER_VLC_RTSP ?
        "vlc-bin and vlc-plugin-base" : "ffmpeg");
  return path != NULL;
}

/**
 * cg_free_tcp_port:
 *
 * Binds 127.0.0.1:0, reads the port the kernel chose and closes the socket:
 * a port nobody listens on.
 *
 * Returns: the port
 */
guint
cg_free_tcp_port (void)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &err);
  g_autoptr (GInetAddress) lo =
      g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  g_assert_no_error (err);
  g_assert_true (g_socket_bind (s, any, FALSE, &err));
  g_assert_no_error (err);
  bound = g_socket_get_local_address (s, &err);
  g_assert_no_error (err);
  g_socket_close (s, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The inodes of @pid's sockets. */
static GHashTable *
socket_inodes (const gchar * pid)
{
  g_autofree gchar *fds = g_build_filename ("/proc", pid, "fd", NULL);
  g_autoptr (GDir) dir = g_dir_open (fds, 0, NULL);
  GHashTable *inodes =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree gchar *fd = g_build_filename (fds, name, NULL);
    g_autofree gchar *target = g_file_read_link (fd, NULL);
    guint64 inode;

    if (target && sscanf (target, "socket:[%" G_GUINT64_FORMAT "]",
            &inode) == 1) {
      gint64 *key = g_new (gint64, 1);

      *key = inode;
      g_hash_table_add (inodes, key);
    }
  }
  return inodes;
}

/* Does @pid listen on 127.0.0.1:@port (or on every address), or hold a
 * connection it accepted there? ffmpeg -listen 1 closes its listening
 * socket as soon as it accepted its one client, which may come at once. */
static gboolean
serving (const gchar * pid, guint port)
{
  g_autofree gchar *table = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GHashTable) inodes = NULL;
  guint i;

  if (pid == NULL || !g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL))
    return FALSE;
  inodes = socket_inodes (pid);
  lines = g_strsplit (table, "\n", -1);
  for (i = 1; lines[i]; i++) {
    guint addr, lport, state;
    gint64 inode;

    if (sscanf (lines[i], " %*u: %8x:%4x %*8x:%*4x %2x %*x:%*x %*x:%*x "
            "%*x %*u %*u %" G_GINT64_FORMAT, &addr, &lport, &state,
            &inode) != 4)
      continue;
    /* the address is printed in network byte order read as a host word;
     * 0A is LISTEN, 01 ESTABLISHED */
    if (lport == port && (state == 0x0A || state == 0x01)
        && (addr == htonl (INADDR_LOOPBACK) || addr == 0)
        && g_hash_table_contains (inodes, &inode))
      return TRUE;
  }
  return FALSE;
}

static void
child_setup (gpointer user_data)
{
  gboolean drop_root = GPOINTER_TO_INT (user_data);

  if (drop_root && (setgroups (0, NULL) != 0
          || setresgid (NOBODY, NOBODY, NOBODY) != 0
          || setresuid (NOBODY, NOBODY, NOBODY) != 0))
    _exit (126);
  /* after the change of credentials, which clears it */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
exited_cb (GObject * source, GAsyncResult * res, gpointer user_data)
{
  CgServer *server = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
  server->exited = TRUE;
}

/* VLC listens before its stream is set up, and answers DESCRIBE with 500
 * until it is: the server is ready when DESCRIBE gets 200. (ffmpeg's
 * -listen serves one client only, so it is never probed this way.) */
static gboolean
rtsp_describe_ok (const gchar * url, guint port)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autofree gchar *request = NULL;
  gchar answer[64] = { 0 };

  g_socket_client_set_timeout (client, 2);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL,
      NULL);
  if (conn == NULL)
    return FALSE;
  request = g_strdup_printf ("DESCRIBE %s RTSP/1.0\r\nCSeq: 1\r\n"
      "Accept: application/sdp\r\n\r\n", url);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM
              (conn)), request, strlen (request), NULL, NULL, NULL))
    return FALSE;
  /* the status line comes in the first read */
  if (g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
          answer, sizeof (answer) - 1, NULL, NULL) <= 0)
    return FALSE;
  return g_str_has_prefix (answer, "RTSP/1.0 200");
}

/* Spawns server->argv and waits until it listens on server->port. */
static gboolean
spawn_and_wait (CgServer * server, guint timeout_ms, GError ** error)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  gint64 deadline =
      g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  gint fd;

  g_subprocess_launcher_setenv (launcher, "HOME", server->tmpdir, TRUE);
  /* libpulse (VLC) makes its runtime directory there, not in /tmp */
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", server->tmpdir,
      TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_set_cwd (launcher, server->tmpdir);
  fd = open (server->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
        "%s: %s", server->log, g_strerror (errno));
    return FALSE;
  }
  /* every run appends to the one log */
  g_subprocess_launcher_take_stdout_fd (launcher, fd);
  g_subprocess_launcher_set_child_setup (launcher, child_setup,
      GINT_TO_POINTER (server->drop_root), NULL);
  server->exited = FALSE;
  server->proc = g_subprocess_launcher_spawnv (launcher,
      (const gchar * const *) server->argv, error);
  if (server->proc == NULL)
    return FALSE;
  g_subprocess_wait_async (server->proc, NULL, exited_cb, server);

  while (!serving (g_subprocess_get_identifier (server->proc), server->port)
      || (server->kind == CG_SERVER_VLC_RTSP
          && !rtsp_describe_ok (server->url, server->port))) {
    gboolean never = FALSE;

    if (server->exited) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
          "%s exited before listening on port %u", server->argv[0],
          server->port);
      return FALSE;
    }
    if (g_get_monotonic_time () > deadline) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
          "%s did not listen on port %u within %u ms", server->argv[0],
          server->port, timeout_ms);
      return FALSE;
    }
    cg_iterate_until (&never, POLL_MS);
  }
  return TRUE;
}

/* A fresh directory for the server: nobody's when it drops root. */
static gboolean
server_init (CgServer * server, CgServerKind kind, guint port, GError ** error)
{
  memset (server, 0, sizeof (*server));
  server->kind = kind;
  server->port = port ? port : cg_free_tcp_port ();
  server->drop_root = geteuid () == 0;
  server->tmpdir = g_dir_make_tmp ("camguard-server-XXXXXX", error);
  if (server->tmpdir == NULL)
    return FALSE;
  server->log = g_build_filename (server->tmpdir, "server.log", NULL);
  if (server->drop_root && chown (server->tmpdir, NOBODY, NOBODY) != 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
        "chown %s: %s", server->tmpdir, g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

/**
 * cg_server_vlc_media:
 *
 * Makes, once per process, an H.264 MPEG-TS file for VLC to serve
 * (320x240, 15 fps, 30 s, a key frame every second) in the build directory
 * ($G_TEST_BUILDDIR), with GStreamer's x264enc. Aborts the test when it
 * cannot.
 *
 * Returns: (transfer none): its path
 */
const gchar *
cg_server_vlc_media (void)
{
  static gchar *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) p = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) m = NULL;
  g_autofree gchar *desc = NULL;

  if (path)
    return path;
  path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?
      g_getenv ("G_TEST_BUILDDIR") : g_get_tmp_dir (),
      "camguard-vlc-media.ts", NULL);
  desc = g_strdup_printf ("videotestsrc num-buffers=450 is-live=false ! "
      "video/x-raw,width=320,height=240,framerate=15/1 ! "
      "x264enc tune=zerolatency key-int-max=15 speed-preset=ultrafast ! "
      "h264parse ! mpegtsmux ! filesink location=%s", path);
  p = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  bus = gst_element_get_bus (p);
  g_assert_cmpint (gst_element_set_state (p, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  m = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (m);
  g_assert_cmpint (GST_MESSAGE_TYPE (m), ==, GST_MESSAGE_EOS);
  gst_element_set_state (p, GST_STATE_NULL);
  return path;
}

/**
 * cg_server_start_vlc_rtsp:
 * @media: a file VLC can play (copied into the server's directory)
 * @port: the RTSP port, 0 for a free one
 *
 * Starts VLC's RTSP server (stream_out_rtp) serving @media, looped, at
 * rtsp://127.0.0.1:PORT/cam (server->url).
 *
 * Returns: %TRUE when it listens within @timeout_ms
 */
gboolean
cg_server_start_vlc_rtsp (CgServer * server, const gchar * media, guint port,
    guint timeout_ms, GError ** error)
{
  g_autofree gchar *copy = NULL;
  g_autofree gchar *sout = NULL;
  g_autoptr (GFile) from = g_file_new_for_path (media);
  g_autoptr (GFile) to = NULL;

  if (!server_init (server, CG_SERVER_VLC_RTSP, port, error))
    return FALSE;
  copy = g_build_filename (server->tmpdir, "media.ts", NULL);
  to = g_file_new_for_path (copy);
  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    return FALSE;
  if (server->drop_root && chown (copy, NOBODY, NOBODY) != 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
        "chown %s: %s", copy, g_strerror (errno));
    return FALSE;
  }
  server->url = g_strdup_printf ("rtsp://127.0.0.1:%u/cam", server->port);
  sout = g_strdup_printf ("#rtp{sdp=%s}", server->url);
  server->argv = g_strdupv ((gchar *[]) {
      (gchar *) "cvlc", (gchar *) "--no-stats", (gchar *) "--no-audio",
        (gchar *) "--loop",
        copy, (gchar *) "--sout", sout, (gchar *) "--sout-keep", NULL}
  );
  return spawn_and_wait (server, timeout_ms, error);
}

/**
 * cg_server_start_ffmpeg_mjpeg:
 * @port: the HTTP port, 0 for a free one
 *
 * Starts ffmpeg serving a 320x240 15 fps test pattern as MJPEG over HTTP
 * (multipart/x-mixed-replace) to one client at
 * http://127.0.0.1:PORT/video.mjpg (server->url).
 *
 * Returns: %TRUE when it listens within @timeout_ms
 */
gboolean
cg_server_start_ffmpeg_mjpeg (CgServer * server, guint port,
    guint timeout_ms, GError ** error)
{
  if (!server_init (server, CG_SERVER_FFMPEG_MJPEG, port, error))
    return FALSE;
  server->url = g_strdup_printf ("http://127.0.0.1:%u/video.mjpg",
      server->port);
  server->argv = g_strdupv ((gchar *[]) {
      (gchar *) "ffmpeg", (gchar *) "-nostdin", (gchar *) "-hide_banner",
        (gchar *) "-loglevel", (gchar *) "warning", (gchar *) "-re",
        (gchar *) "-f", (gchar *) "lavfi", (gchar *) "-i",
        (gchar *) "testsrc=size=320x240:rate=15", (gchar *) "-c:v",
        (gchar *) "mjpeg", (gchar *) "-q:v", (gchar *) "5", (gchar *) "-f",
        (gchar *) "mpjpeg", (gchar *) "-listen", (gchar *) "1", server->url,
        NULL}
  );
  return spawn_and_wait (server, timeout_ms, error);
}

/**
 * cg_server_restart:
 *
 * Starts the server again with the same arguments on the same port, after
 * cg_server_kill().
 *
 * Returns: %TRUE when it listens within @timeout_ms
 */
gboolean
cg_server_restart (CgServer * server, guint timeout_ms, GError ** error)
{
  if (server->proc != NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
        "%s still runs: cg_server_kill() it first", server->argv[0]);
    return FALSE;
  }
  return spawn_and_wait (server, timeout_ms, error);
}

/**
 * cg_server_kill:
 *
 * Kills the server with SIGKILL (if it runs) and reaps it.
 *
 * Returns: %TRUE when it was gone within @timeout_ms
 */
gboolean
cg_server_kill (CgServer * server, guint timeout_ms)
{
  gboolean gone;

  if (server->proc == NULL)
    return TRUE;
  g_subprocess_force_exit (server->proc);
  gone = cg_iterate_until (&server->exited, timeout_ms);
  if (!gone) {
    /* the pending wait refers to @server: do not let it outlive it */
    g_critical ("%s (pid %s) survived SIGKILL for %u ms", server->argv[0],
        g_subprocess_get_identifier (server->proc), timeout_ms);
    return FALSE;
  }
  g_clear_object (&server->proc);
  return TRUE;
}

/**
 * cg_server_log_tail:
 *
 * Returns: (transfer full): the last @max_bytes of what the server printed
 */
gchar *
cg_server_log_tail (CgServer * server, gsize max_bytes)
{
  g_autofree gchar *text = NULL;
  gsize len = 0;

  if (server->log == NULL
      || !g_file_get_contents (server->log, &text, &len, NULL))
    return g_strdup ("");
  return g_strdup (len > max_bytes ? text + len - max_bytes : text);
}

/**
 * cg_remove_tree:
 * @path: a directory
 *
 * Removes @path and everything under it (symbolic links are removed, never
 * followed).
 */
void
cg_remove_tree (const gchar * path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);

    if (g_file_test (child, G_FILE_TEST_IS_DIR)
        && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
      cg_remove_tree (child);
    else
      g_unlink (child);
  }
  g_rmdir (path);
}

/**
 * cg_server_clear:
 *
 * Kills the server and removes its directory. Safe on a server that failed
 * to start and on a zeroed one.
 */
void
cg_server_clear (CgServer * server)
{
  if (server->proc && !cg_server_kill (server, 5000))
    return;                     /* leaked rather than freed under a wait */
  if (server->tmpdir)
    cg_remove_tree (server->tmpdir);
  g_clear_pointer (&server->tmpdir, g_free);
  g_clear_pointer (&server->log, g_free);
  g_clear_pointer (&server->argv, g_strfreev);
  g_clear_pointer (&server->url, g_free);
}
