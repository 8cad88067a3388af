/* camguard - snapshot over HTTP on a running gateway camera
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-gw-snapshot URL KEY [N] [WIDTH HEIGHT]
 *
 * N (default 100) sequential `GET URL` (the snapshot route of a running
 * raw camera of camguard-gateway, bench/gateway/snapshot.sh starts it) with
 * `Authorization: Bearer KEY` on one kept-alive SoupSession connection,
 * each timed from the request to the last byte of the JPEG; then, in the
 * same run, N plain TurboJPEG encodes of one WIDTHxHEIGHT (default
 * 1920x1080) videotestsrc smpte frame (bench/common/bench-tj.c, the
 * baseline of bench-snapshottap). Prints p50/p99 of both and the p50
 * ratio (target <= 1.5).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <gst/gst.h>
#include <libsoup/soup.h>
#include <turbojpeg.h>

#include "../common/bench-tj.h"

/* the size of a JPEG, or aborts */
static void
jpeg_size (GBytes * jpeg, gint * w, gint * h)
{
  tjhandle tj = tjInitDecompress ();
  gsize len;
  const guchar *data = g_bytes_get_data (jpeg, &len);
  int sub, cs;

  if (tjDecompressHeader3 (tj, data, len, w, h, &sub, &cs) != 0)
    g_error ("not a JPEG: %s", tjGetErrorStr2 (tj));
  tjDestroy (tj);
}

/* one GET; ms, or aborts on anything but a 200 image/jpeg */
static gdouble
get_snapshot (SoupSession * session, const gchar * url, const gchar * auth,
    gsize * size, gint * w, gint * h)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  const gchar *ct;
  gdouble t0, t;

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Authorization", auth);
  t0 = bench_now_ms ();
  body = soup_session_send_and_read (session, msg, NULL, &error);
  t = bench_now_ms () - t0;
  if (body == NULL)
    g_error ("GET %s: %s", url, error->message);
  ct = soup_message_headers_get_content_type (soup_message_get_response_headers
      (msg), NULL);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK
      || g_strcmp0 (ct, "image/jpeg") != 0)
    g_error ("GET %s: %u %s: %.*s", url, soup_message_get_status (msg), ct,
        (int) g_bytes_get_size (body),
        (const gchar *) g_bytes_get_data (body, NULL));
  *size = g_bytes_get_size (body);
  jpeg_size (body, w, h);
  return t;
}

int
main (int argc, char **argv)
{
  g_autoptr (SoupSession) session = NULL;
  g_autofree gchar *auth = NULL;
  g_autofree gdouble *http = NULL, *plain = NULL;
  GstSample *frame;
  guint n, i;
  gint width = 1920, height = 1080;
  gsize size = 0;
  gint jw = 0, jh = 0;
  gdouble h50, h99, p50, p99;

  gst_init (&argc, &argv);
  if (argc < 3) {
    g_printerr ("usage: %s URL KEY [N] [WIDTH HEIGHT]\n", argv[0]);
    return 2;
  }
  n = argc > 3 ? (guint) atoi (argv[3]) : 100;
  if (argc > 5) {
    width = atoi (argv[4]);
    height = atoi (argv[5]);
  }
  if (n == 0 || width <= 0 || height <= 0) {
    g_printerr ("N, WIDTH and HEIGHT must be positive\n");
    return 2;
  }
  auth = g_strdup_printf ("Bearer %s", argv[2]);
  session = soup_session_new_with_options ("timeout", 10, NULL);
  http = g_new (gdouble, n);
  plain = g_new (gdouble, n);

  get_snapshot (session, argv[1], auth, &size, &jw, &jh);       /* connect, warm up */
  for (i = 0; i < n; i++)
    http[i] = get_snapshot (session, argv[1], auth, &size, &jw, &jh);

  frame = bench_test_frame ("smpte", width, height);
  for (i = 0; i < n; i++)
    plain[i] = bench_tj_encode_ms (frame);
  gst_sample_unref (frame);

  h50 = bench_percentile (http, n, 50);
  h99 = bench_percentile (http, n, 99);
  p50 = bench_percentile (plain, n, 50);
  p99 = bench_percentile (plain, n, 99);
  g_print ("%u requests, last JPEG %dx%d, %" G_GSIZE_FORMAT " bytes\n\n", n,
      jw, jh, size);
  g_print ("| | p50 (ms) | p99 (ms) | p50 ratio |\n|---|---|---|---|\n");
  g_print ("| snapshot over HTTP | %.2f | %.2f | %.2f |\n", h50, h99,
      h50 / p50);
  g_print ("| plain TurboJPEG %dx%d | %.2f | %.2f | 1.00 |\n", width, height,
      p50, p99);
  g_print ("\np50 ratio to one plain TurboJPEG encode %.2f (target <= 1.5)\n",
      h50 / p50);
  return 0;
}
