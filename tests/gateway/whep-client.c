/* camguard-gateway tests - a WHEP viewer built on webrtcbin, and a UDP
 * relay that makes its link lossy
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The viewer: a receive-only webrtcbin (H.264, constrained baseline, the
 * offer a browser makes) whose ICE gathers on 127.0.0.1 only; its offer is
 * complete (every candidate) before it is sent, like a WHEP client without
 * trickle. What arrives is depayloaded, decoded and counted in an appsink.
 * It sends receiver reports about every second, like a browser.
 *
 * The relay: two UDP sockets on 127.0.0.1 between the viewer and the
 * gateway. The offer's candidates are rewritten to the relay's socket for
 * the gateway, the answer's to its socket for the viewer, so both ICE
 * directions go through it and no direct pair exists; while lossy it drops
 * that share of the RTP packets (not RTCP, STUN or DTLS) from the gateway
 * to the viewer, deterministically and evenly spread (n of every 100, never
 * in bursts).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#define GST_USE_UNSTABLE_API
#include <gio/gio.h>
#include <gst/app/gstappsink.h>
#include <gst/webrtc/webrtc.h>

#include "whep-client.h"

#define OFFER_CAPS "application/x-rtp,media=video,encoding-name=H264," \
  "payload=102,clock-rate=90000,packetization-mode=(string)1," \
  "profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1," \
  "rtcp-fb-nack-pli=(boolean)true"

struct _WhepClient
{
  GstElement *pipeline;
  GstElement *webrtc;
  gboolean decode;
  GMutex lock;
  GCond cond;
  gchar *offer;
  gboolean gathered;
  gboolean failed;
  gint frames;                  /* atomic */
  gint width, height;           /* under lock */
  WhepFrameFunc frame_func;
  gpointer frame_data;
};

static void
on_offer_created (GstPromise * promise, gpointer user_data)
{
  WhepClient *c = user_data;
  GstWebRTCSessionDescription *offer = NULL;
  const GstStructure *reply = gst_promise_get_reply (promise);

  if (reply)
    gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
        &offer, NULL);
  gst_promise_unref (promise);
  if (offer == NULL) {
    g_mutex_lock (&c->lock);
    c->failed = TRUE;
    g_cond_broadcast (&c->cond);
    g_mutex_unlock (&c->lock);
    return;
  }
  g_signal_emit_by_name (c->webrtc, "set-local-description", offer, NULL);
  gst_webrtc_session_description_free (offer);
}

static void
on_gathering (GObject * webrtc, GParamSpec * pspec, gpointer user_data)
{
  WhepClient *c = user_data;
  GstWebRTCICEGatheringState state;
  GstWebRTCSessionDescription *local = NULL;

  g_object_get (webrtc, "ice-gathering-state", &state, NULL);
  if (state != GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
    return;
  g_object_get (webrtc, "local-description", &local, NULL);
  g_mutex_lock (&c->lock);
  if (local && c->offer == NULL)
    c->offer = gst_sdp_message_as_text (local->sdp);
  c->gathered = TRUE;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
  if (local)
    gst_webrtc_session_description_free (local);
}

static GstFlowReturn
on_frame (GstAppSink * sink, gpointer user_data)
{
  WhepClient *c = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstCaps *caps = sample ? gst_sample_get_caps (sample) : NULL;

  if (sample == NULL)
    return GST_FLOW_EOS;
  if (caps) {
    const GstStructure *s = gst_caps_get_structure (caps, 0);

    g_mutex_lock (&c->lock);
    gst_structure_get_int (s, "width", &c->width);
    gst_structure_get_int (s, "height", &c->height);
    g_mutex_unlock (&c->lock);
  }
  g_atomic_int_inc (&c->frames);
  if (c->frame_func)
    c->frame_func (sample, c->frame_data);
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

static void
on_pad_added (GstElement * webrtc, GstPad * pad, gpointer user_data)
{
  WhepClient *c = user_data;
  GstAppSinkCallbacks callbacks = {.new_sample = on_frame };
  g_autoptr (GError) err = NULL;
  GstElement *bin, *sink;
  GstPad *sinkpad;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  /* without decoding (benchmarks), each access unit counts as a frame */
  bin = gst_parse_bin_from_description (c->decode ? "rtph264depay ! "
      "h264parse ! avdec_h264 ! videoconvert ! appsink name=frames "
      "sync=false caps=video/x-raw,format=I420" : "rtph264depay ! "
      "appsink name=frames sync=false", TRUE, &err);
  g_assert_no_error (err);
  sink = gst_bin_get_by_name (GST_BIN (bin), "frames");
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, c, NULL);
  gst_object_unref (sink);
  gst_bin_add (GST_BIN (c->pipeline), bin);
  gst_element_sync_state_with_parent (bin);
  sinkpad = gst_element_get_static_pad (bin, "sink");
  g_assert_cmpint (gst_pad_link (pad, sinkpad), ==, GST_PAD_LINK_OK);
  gst_object_unref (sinkpad);
}

/* Receiver reports every second or so, as a browser sends them (RTP's
 * default minimum is 5 s). */
static void
on_element_added (GstBin * bin, GstBin * sub, GstElement * element,
    gpointer user_data)
{
  GstElementFactory *f = gst_element_get_factory (element);

  if (f && g_str_equal (GST_OBJECT_NAME (f), "rtpsession"))
    g_object_set (element, "rtcp-min-interval", (guint64) GST_SECOND, NULL);
}

static gboolean
wait_for (WhepClient * c, gboolean * flag, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  gboolean ok;

  g_mutex_lock (&c->lock);
  while (!*flag && !c->failed)
    if (!g_cond_wait_until (&c->cond, &c->lock, end))
      break;
  ok = *flag;
  g_mutex_unlock (&c->lock);
  return ok;
}

/* Only 127.0.0.1, only UDP (the relay test rewrites UDP host candidates),
 * no UPnP (no SSDP to the LAN; gupnp's warning when its port is taken
 * would be fatal in a test). */
static void
client_restrict_ice (WhepClient * c)
{
  GObject *ice = NULL, *agent = NULL;
  gboolean added = FALSE;

  g_object_get (c->webrtc, "ice-agent", &ice, NULL);
  g_assert_nonnull (ice);
  g_object_get (ice, "agent", &agent, NULL);
  g_assert_nonnull (agent);
  g_object_set (agent, "upnp", FALSE, NULL);
  g_object_unref (agent);
  g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &added);
  g_assert_true (added);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "ice-tcp"))
    g_object_set (ice, "ice-tcp", FALSE, NULL);
  g_object_unref (ice);
}

/**
 * whep_client_new:
 * @timeout_ms: bound on making the offer and gathering (a hang detector)
 *
 * Returns: a receive-only viewer with its complete offer, or NULL when it
 *   could not make one in time
 */
WhepClient *
whep_client_new (guint timeout_ms)
{
  return whep_client_new_full (timeout_ms, TRUE);
}

/**
 * whep_client_get_webrtcbin:
 * @c: a viewer
 *
 * Returns: (transfer none): its webrtcbin (for benchmarks' probes)
 */
GstElement *
whep_client_get_webrtcbin (WhepClient * c)
{
  return c->webrtc;
}

/**
 * whep_client_new_full:
 * @timeout_ms: bound on making the offer and gathering (a hang detector)
 * @decode: decode what arrives (else only depayload it)
 *
 * Returns: a receive-only viewer with its complete offer, or NULL
 */
WhepClient *
whep_client_new_full (guint timeout_ms, gboolean decode)
{
  WhepClient *c = g_new0 (WhepClient, 1);
  GstWebRTCRTPTransceiver *trans = NULL;
  GstCaps *caps = gst_caps_from_string (OFFER_CAPS);

  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  c->decode = decode;
  c->pipeline = gst_pipeline_new ("whep-client");
  c->webrtc = gst_element_factory_make ("webrtcbin", "recv");
  g_assert_nonnull (c->webrtc);
  g_object_set (c->webrtc, "bundle-policy", 3 /* max-bundle */ , NULL);
  g_signal_connect (c->pipeline, "deep-element-added",
      G_CALLBACK (on_element_added), NULL);
  gst_bin_add (GST_BIN (c->pipeline), c->webrtc);
  client_restrict_ice (c);
  g_signal_connect (c->webrtc, "notify::ice-gathering-state",
      G_CALLBACK (on_gathering), c);
  g_signal_connect (c->webrtc, "pad-added", G_CALLBACK (on_pad_added), c);
  g_signal_emit_by_name (c->webrtc, "add-transceiver",
      GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &trans);
  gst_caps_unref (caps);
  g_assert_nonnull (trans);
  gst_object_unref (trans);
  g_assert_cmpint (gst_element_set_state (c->pipeline, GST_STATE_PLAYING),
      !=, GST_STATE_CHANGE_FAILURE);
  g_signal_emit_by_name (c->webrtc, "create-offer", NULL,
      gst_promise_new_with_change_func (on_offer_created, c, NULL));
  if (!wait_for (c, &c->gathered, timeout_ms) || c->offer == NULL) {
    whep_client_free (c);
    return NULL;
  }
  return c;
}

const gchar *
whep_client_get_offer (WhepClient * c)
{
  return c->offer;
}

/* Sets the gateway's answer (synchronously: webrtcbin's promise is waited
 * for, bounded by webrtcbin itself). */
gboolean
whep_client_set_answer (WhepClient * c, const gchar * sdp)
{
  GstSDPMessage *msg = NULL;
  GstWebRTCSessionDescription *desc;
  GstPromise *promise;
  gboolean ok;

  if (gst_sdp_message_new_from_text (sdp, &msg) != GST_SDP_OK)
    return FALSE;
  desc = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER, msg);
  promise = gst_promise_new ();
  g_signal_emit_by_name (c->webrtc, "set-remote-description", desc, promise);
  ok = gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED;
  if (ok && gst_promise_get_reply (promise))
    ok = !gst_structure_has_field (gst_promise_get_reply (promise), "error");
  gst_promise_unref (promise);
  gst_webrtc_session_description_free (desc);
  return ok;
}

guint
whep_client_get_frames (WhepClient * c)
{
  return (guint) g_atomic_int_get (&c->frames);
}

void
whep_client_get_size (WhepClient * c, gint * width, gint * height)
{
  g_mutex_lock (&c->lock);
  *width = c->width;
  *height = c->height;
  g_mutex_unlock (&c->lock);
}

/**
 * whep_client_set_frame_func:
 * @c: a viewer, before its answer is set
 * @func: called on the streaming thread with every frame (decoded I420, or
 *   an H.264 access unit without decoding)
 * @user_data: for @func
 */
void
whep_client_set_frame_func (WhepClient * c, WhepFrameFunc func,
    gpointer user_data)
{
  c->frame_func = func;
  c->frame_data = user_data;
}

/* Stops the viewer without telling the gateway (a closed tab). */
void
whep_client_free (WhepClient * c)
{
  if (c == NULL)
    return;
  gst_element_set_state (c->pipeline, GST_STATE_NULL);
  gst_object_unref (c->pipeline);
  g_free (c->offer);
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
  g_free (c);
}

/* ------------------------------------------------------------------ */
/* candidates                                                           */

/* a=candidate:FOUNDATION COMPONENT TRANSPORT PRIORITY ADDRESS PORT typ ... */
static gboolean
candidate_fields (const gchar * line, gchar *** fields)
{
  if (!g_str_has_prefix (line, "a=candidate:"))
    return FALSE;
  *fields = g_strsplit (line, " ", -1);
  return g_strv_length (*fields) >= 8;
}

/**
 * whep_sdp_candidate_port:
 * @sdp: an SDP
 *
 * Returns: the port of its first UDP candidate, 0 if none
 */
guint
whep_sdp_candidate_port (const gchar * sdp)
{
  g_auto (GStrv) lines = g_strsplit (sdp, "\r\n", -1);
  guint i;

  for (i = 0; lines[i]; i++) {
    g_auto (GStrv) f = NULL;

    if (candidate_fields (lines[i], &f)
        && g_ascii_strcasecmp (f[2], "UDP") == 0)
      return (guint) atoi (f[5]);
  }
  return 0;
}

/**
 * whep_sdp_rewrite_candidates:
 * @sdp: an SDP
 * @port: the relay's port
 *
 * Returns: @sdp with every UDP candidate moved to 127.0.0.1:@port and
 *   every other candidate dropped
 */
gchar *
whep_sdp_rewrite_candidates (const gchar * sdp, guint port)
{
  g_auto (GStrv) lines = g_strsplit (sdp, "\r\n", -1);
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; lines[i]; i++) {
    g_auto (GStrv) f = NULL;

    if (!candidate_fields (lines[i], &f)) {
      if (*lines[i])
        g_string_append_printf (out, "%s\r\n", lines[i]);
      continue;
    }
    if (g_ascii_strcasecmp (f[2], "UDP") != 0)
      continue;
    g_free (f[4]);
    f[4] = g_strdup ("127.0.0.1");
    g_free (f[5]);
    f[5] = g_strdup_printf ("%u", port);
    g_autofree gchar *joined = g_strjoinv (" ", f);
    g_string_append_printf (out, "%s\r\n", joined);
  }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */
/* the relay                                                            */

struct _WhepRelay
{
  GSocket *for_gateway;         /* the gateway sends here (offer's port) */
  GSocket *for_client;          /* the viewer sends here (answer's port) */
  GSocketAddress *client;       /* the viewer's real address */
  GSocketAddress *gateway;      /* the gateway's real address */
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  GMutex lock;
  guint loss;                   /* percent, under lock */
  guint credit;                 /* loss spread evenly, under lock */
  guint64 dropped, forwarded;   /* under lock */
};

static GSocket *
relay_socket (void)
{
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (lo, 0);
  g_autoptr (GError) err = NULL;
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, &err);

  g_assert_no_error (err);
  g_assert_true (g_socket_bind (s, sa, FALSE, &err));
  g_socket_set_blocking (s, FALSE);
  return s;
}

static guint
socket_port (GSocket * s)
{
  g_autoptr (GSocketAddress) sa = g_socket_get_local_address (s, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (sa));
}

/* RTP, not RTCP (RFC 5761: RTCP packet types 192..223 in the 2nd byte),
 * STUN (first byte 0..3) or DTLS (20..63). */
static gboolean
is_rtp (const guint8 * data, gssize len)
{
  return len >= 12 && (data[0] & 0xc0) == 0x80
      && !(data[1] >= 192 && data[1] <= 223);
}

static gboolean
on_readable (GSocket * socket, GIOCondition cond, gpointer user_data)
{
  WhepRelay *r = user_data;
  guint8 buf[65536];
  gssize len;
  gboolean from_gateway = socket == r->for_gateway;
  GSocket *out = from_gateway ? r->for_client : r->for_gateway;
  GSocketAddress *to;
  gboolean drop = FALSE;

  while ((len = g_socket_receive_from (socket, NULL, (gchar *) buf,
              sizeof (buf), NULL, NULL)) > 0) {
    g_mutex_lock (&r->lock);
    to = from_gateway ? r->client : r->gateway;
    if (from_gateway && is_rtp (buf, len)) {
      r->credit += r->loss;
      drop = r->credit >= 100;
      if (drop)
        r->credit -= 100;
      if (drop)
        r->dropped++;
      else
        r->forwarded++;
    }
    if (to)
      g_object_ref (to);
    g_mutex_unlock (&r->lock);
    if (to && !drop)
      g_socket_send_to (out, to, (const gchar *) buf, len, NULL, NULL);
    g_clear_object (&to);
    drop = FALSE;
  }
  return G_SOURCE_CONTINUE;
}

static gpointer
relay_run (gpointer data)
{
  WhepRelay *r = data;

  g_main_context_push_thread_default (r->context);
  g_main_loop_run (r->loop);
  g_main_context_pop_thread_default (r->context);
  return NULL;
}

static void
relay_watch (WhepRelay * r, GSocket * s)
{
  GSource *src = g_socket_create_source (s, G_IO_IN, NULL);

  g_source_set_callback (src, (GSourceFunc) (GCallback) on_readable, r, NULL);
  g_source_attach (src, r->context);
  g_source_unref (src);
}

WhepRelay *
whep_relay_new (void)
{
  WhepRelay *r = g_new0 (WhepRelay, 1);

  g_mutex_init (&r->lock);
  r->for_gateway = relay_socket ();
  r->for_client = relay_socket ();
  r->context = g_main_context_new ();
  r->loop = g_main_loop_new (r->context, FALSE);
  relay_watch (r, r->for_gateway);
  relay_watch (r, r->for_client);
  r->thread = g_thread_new ("whep-relay", relay_run, r);
  return r;
}

guint
whep_relay_get_port_for_gateway (WhepRelay * r)
{
  return socket_port (r->for_gateway);
}

guint
whep_relay_get_port_for_client (WhepRelay * r)
{
  return socket_port (r->for_client);
}

static GSocketAddress *
loopback_port (guint port)
{
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);

  return g_inet_socket_address_new (lo, port);
}

/* Where the viewer and the gateway really are (their candidates). */
void
whep_relay_set_ends (WhepRelay * r, guint client_port, guint gateway_port)
{
  g_mutex_lock (&r->lock);
  g_clear_object (&r->client);
  g_clear_object (&r->gateway);
  r->client = loopback_port (client_port);
  r->gateway = loopback_port (gateway_port);
  g_mutex_unlock (&r->lock);
}

void
whep_relay_set_loss (WhepRelay * r, guint percent)
{
  g_mutex_lock (&r->lock);
  r->loss = MIN (percent, 100);
  g_mutex_unlock (&r->lock);
}

/* RTP packets from the gateway dropped and forwarded so far. */
void
whep_relay_get_counts (WhepRelay * r, guint64 * dropped, guint64 * forwarded)
{
  g_mutex_lock (&r->lock);
  *dropped = r->dropped;
  *forwarded = r->forwarded;
  g_mutex_unlock (&r->lock);
}

void
whep_relay_free (WhepRelay * r)
{
  g_main_loop_quit (r->loop);
  g_thread_join (r->thread);
  g_main_loop_unref (r->loop);
  g_main_context_unref (r->context);
  g_socket_close (r->for_gateway, NULL);
  g_socket_close (r->for_client, NULL);
  g_object_unref (r->for_gateway);
  g_object_unref (r->for_client);
  g_clear_object (&r->client);
  g_clear_object (&r->gateway);
  g_mutex_clear (&r->lock);
  g_free (r);
}
