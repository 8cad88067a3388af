/* camguard-gateway - a WHEP offer checked and its H.264 payload type
 * chosen (gw-whep-sdp)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include <gw-whep-sdp.h>

#define HEAD "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

/* what a browser offers: high profile first, constrained baseline with
 * packetization-mode 0 and 1, VP8 */
#define BROWSER HEAD \
  "m=video 9 UDP/TLS/RTP/SAVPF 96 100 104 102\r\nc=IN IP4 0.0.0.0\r\n" \
  "a=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n" \
  "a=rtpmap:96 VP8/90000\r\n" \
  "a=rtpmap:100 H264/90000\r\n" \
  "a=fmtp:100 level-asymmetry-allowed=1;packetization-mode=1;" \
  "profile-level-id=640c1f\r\n" \
  "a=rtpmap:104 H264/90000\r\n" \
  "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;" \
  "profile-level-id=42e01f\r\n" \
  "a=rtpmap:102 H264/90000\r\n" \
  "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;" \
  "profile-level-id=42e01f\r\n" \
  "a=rtcp-fb:102 nack pli\r\n"

static GwWhepOffer *
parse (const gchar * text, CgError ** error)
{
  return gw_whep_offer_parse (text, strlen (text), error);
}

/* Constrained baseline with packetization-mode 1 wins, wherever it is. */
static void
test_picks_constrained_baseline (void)
{
  g_autoptr (CgError) error = NULL;
  g_autoptr (GwWhepOffer) offer = parse (BROWSER, &error);
  const GstStructure *s;

  g_assert_null (error);
  g_assert_nonnull (offer);
  g_assert_cmpint (offer->pt, ==, 102);
  g_assert_cmpuint (offer->mline, ==, 0);
  s = gst_caps_get_structure (offer->caps, 0);
  g_assert_true (gst_structure_has_name (s, "application/x-rtp"));
  g_assert_cmpstr (gst_structure_get_string (s, "encoding-name"), ==, "H264");
  g_assert_cmpstr (gst_structure_get_string (s, "profile"), ==,
      "constrained-baseline");
}

/* Any H.264 when there is no constrained baseline. */
static void
test_any_h264 (void)
{
  g_autoptr (CgError) error = NULL;
  g_autoptr (GwWhepOffer) offer = parse (HEAD
      "m=video 9 UDP/TLS/RTP/SAVPF 98\r\nc=IN IP4 0.0.0.0\r\n"
      "a=rtpmap:98 H264/90000\r\na=fmtp:98 profile-level-id=640c1f\r\n",
      &error);

  g_assert_null (error);
  g_assert_cmpint (offer->pt, ==, 98);
}

static void
expect_error (const gchar * text, CgCode code)
{
  g_autoptr (CgError) error = NULL;
  g_autoptr (GwWhepOffer) offer = parse (text, &error);

  g_assert_null (offer);
  g_assert_nonnull (error);
  g_assert_cmpint (cg_error_get_code (error), ==, code);
}

static void
test_refused (void)
{
  expect_error ("", CG_CODE_INVALID_REQUEST);
  expect_error ("hello", CG_CODE_INVALID_REQUEST);
  expect_error ("{\"sdp\":1}", CG_CODE_INVALID_REQUEST);
  expect_error (HEAD, CG_CODE_INVALID_REQUEST);
  expect_error (HEAD "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
      "a=rtpmap:96 VP8/90000\r\n", CG_CODE_UNSUPPORTED_FORMAT);
  expect_error (HEAD "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
      "a=rtpmap:111 opus/48000/2\r\n", CG_CODE_UNSUPPORTED_FORMAT);
  /* the viewer would send, not receive */
  expect_error (HEAD "m=video 9 UDP/TLS/RTP/SAVPF 102\r\na=sendonly\r\n"
      "a=rtpmap:102 H264/90000\r\n", CG_CODE_UNSUPPORTED_FORMAT);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gw/whep-sdp/constrained-baseline",
      test_picks_constrained_baseline);
  g_test_add_func ("/gw/whep-sdp/any-h264", test_any_h264);
  g_test_add_func ("/gw/whep-sdp/refused", test_refused);
  return g_test_run ();
}
