/* camguard-gateway tests - a WHEP viewer built on webrtcbin, and a UDP
 * relay that makes its link lossy
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _WhepClient WhepClient;

WhepClient *whep_client_new (guint timeout_ms);
WhepClient *whep_client_new_full (guint timeout_ms, gboolean decode);
GstElement *whep_client_get_webrtcbin (WhepClient * c);
const gchar *whep_client_get_offer (WhepClient * c);
gboolean whep_client_set_answer (WhepClient * c, const gchar * sdp);
guint whep_client_get_frames (WhepClient * c);
void whep_client_get_size (WhepClient * c, gint * width, gint * height);
void whep_client_free (WhepClient * c);

/* For benchmarks: called on the streaming thread with every frame. */
typedef void (*WhepFrameFunc) (GstSample * sample, gpointer user_data);
void whep_client_set_frame_func (WhepClient * c, WhepFrameFunc func,
    gpointer user_data);

guint whep_sdp_candidate_port (const gchar * sdp);
gchar *whep_sdp_rewrite_candidates (const gchar * sdp, guint port);

typedef struct _WhepRelay WhepRelay;

WhepRelay *whep_relay_new (void);
guint whep_relay_get_port_for_gateway (WhepRelay * r);
guint whep_relay_get_port_for_client (WhepRelay * r);
void whep_relay_set_ends (WhepRelay * r, guint client_port,
    guint gateway_port);
void whep_relay_set_loss (WhepRelay * r, guint percent);
void whep_relay_get_counts (WhepRelay * r, guint64 * dropped,
    guint64 * forwarded);
void whep_relay_free (WhepRelay * r);

G_END_DECLS
