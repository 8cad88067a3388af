/* camguard-gateway - what a WHEP offer asks for
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gw-whep-sdp
 * @short_description: check a WHEP offer and choose its H.264 payload type
 *
 * The offer must be SDP (starting with `v=0`) with at least one video
 * media that the viewer receives (not `sendonly` or `inactive`); among its
 * H.264 payload types the one to answer with is, best first: constrained
 * baseline (`profile-level-id=42e01f`, which
 * gst_sdp_media_get_caps_from_media() turns into
 * `profile=constrained-baseline`, what the gateway's encoder produces) with
 * `packetization-mode=1`, then any constrained baseline, then any
 * `packetization-mode=1`, then the first H.264 one.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-whep-sdp.h"

#include <stdlib.h>
#include <string.h>

/* How well a payload type fits what the gateway sends; -1: not H.264. */
static gint
score_caps (const GstCaps * caps)
{
  const GstStructure *s = gst_caps_get_structure (caps, 0);
  const gchar *name = gst_structure_get_string (s, "encoding-name");
  const gchar *profile = gst_structure_get_string (s, "profile");
  const gchar *mode = gst_structure_get_string (s, "packetization-mode");
  gint score = 0;

  if (name == NULL || g_ascii_strcasecmp (name, "H264") != 0)
    return -1;
  if (profile && g_str_equal (profile, "constrained-baseline"))
    score += 2;
  if (mode && g_str_equal (mode, "1"))
    score += 1;
  return score;
}

static gboolean
media_receives (const GstSDPMedia * media)
{
  return gst_sdp_media_get_attribute_val (media, "sendonly") == NULL
      && gst_sdp_media_get_attribute_val (media, "inactive") == NULL
      && gst_sdp_media_get_port (media) != 0;
}

/* The best H.264 payload type of the offer's video medias, into @offer. */
static gboolean
pick_h264 (GwWhepOffer * offer)
{
  gint best = -1;
  guint i, j;

  for (i = 0; i < gst_sdp_message_medias_len (offer->sdp); i++) {
    const GstSDPMedia *media = gst_sdp_message_get_media (offer->sdp, i);

    if (g_strcmp0 (gst_sdp_media_get_media (media), "video") != 0
        || !media_receives (media))
      continue;
    for (j = 0; j < gst_sdp_media_formats_len (media); j++) {
      gint pt = atoi (gst_sdp_media_get_format (media, j));
      GstCaps *caps = gst_sdp_media_get_caps_from_media (media, pt);
      gint score = caps ? score_caps (caps) : -1;

      if (score > best) {
        best = score;
        offer->mline = i;
        offer->pt = pt;
        gst_caps_replace (&offer->caps, caps);
      }
      gst_clear_caps (&caps);
    }
    if (best >= 0)
      break;                    /* one video media is enough */
  }
  if (best < 0)
    return FALSE;
  offer->caps = gst_caps_make_writable (offer->caps);
  gst_structure_set_name (gst_caps_get_structure (offer->caps, 0),
      "application/x-rtp");
  return TRUE;
}

/**
 * gw_whep_offer_parse:
 * @text: the request body
 * @len: its length
 * @error: (out): %CG_CODE_INVALID_REQUEST for a body that is not SDP,
 *   %CG_CODE_UNSUPPORTED_FORMAT for an offer with no H.264 video the
 *   viewer receives
 *
 * Returns: (transfer full) (nullable): the offer and its chosen payload type
 */
GwWhepOffer *
gw_whep_offer_parse (const gchar * text, gsize len, CgError ** error)
{
  g_autoptr (GwWhepOffer) offer = g_new0 (GwWhepOffer, 1);

  if (text == NULL || len < 4 || strncmp (text, "v=0", 3) != 0
      || memchr (text, '\0', len) != NULL
      || gst_sdp_message_new (&offer->sdp) != GST_SDP_OK
      || gst_sdp_message_parse_buffer ((const guint8 *) text, (guint) len,
          offer->sdp) != GST_SDP_OK
      || gst_sdp_message_medias_len (offer->sdp) == 0) {
    *error = cg_error_new (CG_CODE_INVALID_REQUEST,
        "The body is not an SDP offer with a media");
    return NULL;
  }
  if (!pick_h264 (offer)) {
    *error = cg_error_new (CG_CODE_UNSUPPORTED_FORMAT,
        "The offer has no H.264 video the viewer can receive");
    gst_structure_set (cg_error_get_details_writable (*error), "expected",
        G_TYPE_STRING, "H264", NULL);
    return NULL;
  }
  return g_steal_pointer (&offer);
}

/**
 * gw_whep_offer_free:
 * @offer: (transfer full) (nullable): an offer
 */
void
gw_whep_offer_free (GwWhepOffer * offer)
{
  if (offer == NULL)
    return;
  if (offer->sdp)
    gst_sdp_message_free (offer->sdp);
  gst_clear_caps (&offer->caps);
  g_free (offer);
}
