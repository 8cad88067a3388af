/* camguard-gateway - what a WHEP offer asks for
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <camguard.h>

G_BEGIN_DECLS

/**
 * GwWhepOffer:
 * @sdp: the parsed offer
 * @mline: the index of the video media the answer sends on
 * @pt: the H.264 payload type chosen in it
 * @caps: the RTP caps of that payload type (for the transceiver's codec
 *   preferences and the payloader)
 *
 * A WHEP offer checked and its H.264 payload type chosen.
 */
typedef struct
{
  GstSDPMessage *sdp;
  guint mline;
  gint pt;
  GstCaps *caps;
} GwWhepOffer;

GwWhepOffer *gw_whep_offer_parse (const gchar * text, gsize len,
    CgError ** error);
void gw_whep_offer_free (GwWhepOffer * offer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GwWhepOffer, gw_whep_offer_free)

G_END_DECLS
