/* camguard-gateway tests - MJPEG clients for test-mjpeg: bounded waits on
 * the default main context, a libsoup client reading the multipart stream
 * (each part decoded with TurboJPEG), plain requests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <turbojpeg.h>

#include "mjpeg-test-client.h"

static SoupSession *session;
static gchar *base;

/* The session the clients use and http://HOST:PORT of the gateway. */
void
mjpeg_client_init (SoupSession * s, const gchar * url)
{
  session = s;
  g_free (base);
  base = g_strdup (url);
}

/* ------------------------------------------------------------------ */
/* waiting                                                              */

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the default main context until @cond holds (bounded: only
 * detects a hang). */
gboolean
wait_for (Cond cond, gpointer data)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  guint tick = g_timeout_add (10, wake, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return ok;
}

/* ------------------------------------------------------------------ */
/* an MJPEG viewer: a real libsoup client reading multipart parts       */


static void next_part (Viewer * v);

static void
check_jpeg (Viewer * v)
{
  tjhandle tj = tjInitDecompress ();
  int w = 0, h = 0, sub = 0, cs = 0;
  guint8 *pixels;
  guint8 *d = v->buf->data;
  gsize n = v->buf->len;

  if (n < 4 || d[0] != 0xff || d[1] != 0xd8 || d[n - 2] != 0xff
      || d[n - 1] != 0xd9) {
    v->bad = v->bad ? v->bad : g_strdup ("no SOI/EOI");
  } else if (tjDecompressHeader3 (tj, d, n, &w, &h, &sub, &cs) != 0) {
    v->bad = v->bad ? v->bad : g_strdup (tjGetErrorStr2 (tj));
  } else {
    pixels = g_malloc ((gsize) w * h * 3);
    if (tjDecompress2 (tj, d, n, pixels, w, 0, h, TJPF_RGB, 0) != 0)
      v->bad = v->bad ? v->bad : g_strdup (tjGetErrorStr2 (tj));
    g_free (pixels);
    v->width = w;
    v->height = h;
  }
  tjDestroy (tj);
  v->max_part = MAX (v->max_part, n);
  v->bytes += n;
  v->frames++;
}

static void
read_cb (GObject * src, GAsyncResult * res, gpointer data)
{
  Viewer *v = data;
  g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish
      (G_INPUT_STREAM (src), res, NULL);

  v->pending--;
  if (bytes == NULL || g_cancellable_is_cancelled (v->cancel)) {
    v->failed = TRUE;
    return;
  }
  if (g_bytes_get_size (bytes) > 0) {
    g_byte_array_append (v->buf, g_bytes_get_data (bytes, NULL),
        g_bytes_get_size (bytes));
    v->pending++;
    g_input_stream_read_bytes_async (v->part, 256 * 1024, G_PRIORITY_DEFAULT,
        v->cancel, read_cb, v);
    return;
  }
  check_jpeg (v);
  g_clear_object (&v->part);
  next_part (v);
}

static void
part_cb (GObject * src, GAsyncResult * res, gpointer data)
{
  Viewer *v = data;
  g_autoptr (GError) err = NULL;

  v->part = soup_multipart_input_stream_next_part_finish
      (SOUP_MULTIPART_INPUT_STREAM (src), res, &err);
  v->pending--;
  if (v->part == NULL || g_cancellable_is_cancelled (v->cancel)) {
    if (err)
      v->failed = TRUE;
    else
      v->ended = TRUE;
    return;
  }
  g_byte_array_set_size (v->buf, 0);
  v->pending++;
  g_input_stream_read_bytes_async (v->part, 256 * 1024, G_PRIORITY_DEFAULT,
      v->cancel, read_cb, v);
}

static void
next_part (Viewer * v)
{
  v->pending++;
  soup_multipart_input_stream_next_part_async (v->multi, G_PRIORITY_DEFAULT,
      v->cancel, part_cb, v);
}

static void
sent_cb (GObject * src, GAsyncResult * res, gpointer data)
{
  Viewer *v = data;
  g_autoptr (GInputStream) body = soup_session_send_finish (session, res, NULL);

  v->pending--;
  v->status = soup_message_get_status (v->msg);
  v->content_type = g_strdup (soup_message_headers_get_one
      (soup_message_get_response_headers (v->msg), "Content-Type"));
  if (body == NULL || v->status != SOUP_STATUS_OK) {
    v->failed = TRUE;
    return;
  }
  v->multi = soup_multipart_input_stream_new (v->msg, body);
  next_part (v);
}

Viewer *
viewer_new (const gchar * camera, const gchar * query, const gchar * key)
{
  Viewer *v = g_new0 (Viewer, 1);
  g_autofree gchar *url = g_strdup_printf ("%s/api/v1/cameras/%s/mjpeg%s%s",
      base, camera, query ? "?" : "", query ? query : "");

  v->msg = soup_message_new ("GET", url);
  soup_message_headers_replace (soup_message_get_request_headers (v->msg),
      "X-API-Key", key);
  v->cancel = g_cancellable_new ();
  v->buf = g_byte_array_new ();
  v->pending++;
  soup_session_send_async (session, v->msg, G_PRIORITY_DEFAULT, v->cancel,
      sent_cb, v);
  return v;
}

gboolean
viewer_idle (gpointer data)
{
  return ((Viewer *) data)->pending == 0;
}

/* Disconnects: the client goes away mid-stream. */
void
viewer_free (Viewer * v)
{
  g_cancellable_cancel (v->cancel);
  g_assert_true (wait_for (viewer_idle, v));
  if (v->part)
    g_input_stream_close (v->part, NULL, NULL);
  if (v->multi)
    g_input_stream_close (G_INPUT_STREAM (v->multi), NULL, NULL);
  g_clear_object (&v->part);
  g_clear_object (&v->multi);
  g_object_unref (v->msg);
  g_object_unref (v->cancel);
  g_byte_array_unref (v->buf);
  g_free (v->content_type);
  g_free (v->bad);
  g_free (v);
}

typedef struct
{
  Viewer **v;
  guint n;
  guint frames;
} Frames;

static gboolean
viewers_have_frames (gpointer data)
{
  Frames *f = data;
  guint i;

  for (i = 0; i < f->n; i++)
    if (f->v[i]->frames < f->frames || f->v[i]->failed || f->v[i]->ended)
      return f->v[i]->failed || f->v[i]->ended;
  return TRUE;
}

void
assert_frames (Viewer ** v, guint n, guint frames, guint width, guint height)
{
  Frames f = { v, n, frames };
  guint i;

  g_assert_true (wait_for (viewers_have_frames, &f));
  for (i = 0; i < n; i++) {
    g_assert_cmpuint (v[i]->status, ==, 200);
    g_assert_false (v[i]->failed);
    g_assert_cmpstr (v[i]->bad, ==, NULL);
    g_assert_cmpuint (v[i]->frames, >=, frames);
    g_assert_cmpuint (v[i]->width, ==, width);
    g_assert_cmpuint (v[i]->height, ==, height);
  }
}

/* ------------------------------------------------------------------ */
/* plain requests                                                       */


static void
reply_cb (GObject * src, GAsyncResult * res, gpointer data)
{
  Reply *r = data;
  SoupMessage *msg = soup_session_get_async_result_message (session, res);
  g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (session, res,
      NULL);
  SoupMessageHeaders *h = soup_message_get_response_headers (msg);

  r->status = soup_message_get_status (msg);
  r->frame_age = g_strdup (soup_message_headers_get_one (h, "X-Frame-Age-Ms"));
  r->content_type = g_strdup (soup_message_headers_get_one (h, "Content-Type"));
  if (bytes) {
    r->size = g_bytes_get_size (bytes);
    r->body = g_strndup (g_bytes_get_data (bytes, NULL), r->size);
  }
  r->done = TRUE;
}

static gboolean
reply_done (gpointer data)
{
  return ((Reply *) data)->done;
}

Reply *
request (const gchar * path, const gchar * key)
{
  Reply *r = g_new0 (Reply, 1);
  g_autofree gchar *url = g_strconcat (base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);

  if (key)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "X-API-Key", key);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
      reply_cb, r);
  g_assert_true (wait_for (reply_done, r));
  return r;
}

void
reply_free (Reply * r)
{
  g_free (r->body);
  g_free (r->frame_age);
  g_free (r->content_type);
  g_free (r);
}

void
assert_error (const gchar * path, const gchar * key, guint status,
    const gchar * code)
{
  g_autoptr (Reply) r = request (path, key);
  g_autofree gchar *quoted = g_strdup_printf ("\"%s\"", code);

  g_assert_cmpuint (r->status, ==, status);
  g_assert_nonnull (strstr (r->body, quoted));
}
