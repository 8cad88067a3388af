/* camguard-gateway - work handed to a main context's loop
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-hop
 * @title: Hops
 * @short_description: the one way work reaches the main context
 *
 * What a worker, a streaming thread or webrtcbin's thread hands to the
 * gateway's main context goes through here. Not g_main_context_invoke():
 * on a thread whose thread-default context is the target and that nobody
 * iterates at that moment (a GStreamer or GIO worker in a program whose
 * default context is the gateway's, before or after its loop runs, or in
 * a test), it runs the function at once, on the calling thread: a WHEP
 * viewer's answer once ran on webrtcbin's thread that way, before its
 * offer was recorded, and was lost.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-hop.h"

/**
 * gw_hop_later:
 * @context: the context whose loop runs @func
 * @func: called once (its return value is not looked at)
 * @data: for @func
 * @notify: (nullable): frees @data after @func
 *
 * Queues @func on @context from an idle source at default priority: hops
 * queued from one thread run in the order they were queued, and never
 * before the caller returns to its loop.
 */
void
gw_hop_later (GMainContext * context, GSourceFunc func, gpointer data,
    GDestroyNotify notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_attach (source, context);
  g_source_unref (source);
}

/**
 * gw_hop:
 * @context: the context whose loop runs @func
 * @func: called once (its return value is not looked at)
 * @data: for @func
 * @notify: (nullable): frees @data after @func
 *
 * Runs @func at once when the calling thread owns @context (a handler
 * answering on the main context), else as gw_hop_later().
 */
void
gw_hop (GMainContext * context, GSourceFunc func, gpointer data,
    GDestroyNotify notify)
{
  if (!g_main_context_is_owner (context)) {
    gw_hop_later (context, func, data, notify);
    return;
  }
  func (data);
  if (notify)
    notify (data);
}
