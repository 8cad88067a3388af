/* bench-bare-soup: the baseline of bench/gateway/http.sh
 *
 * A bare libsoup 3.2 server on 127.0.0.1 (port 0, or the one given) with
 * one handler that answers every request with the same small JSON body:
 * what libsoup alone costs per request, with none of the gateway's
 * routing, auth, logging or metrics. Prints "port N" on stdout once
 * listening, then serves until SIGINT/SIGTERM.
 *
 *   bench-bare-soup [PORT]
 */
#include <glib.h>
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const gchar body[] = "{\"status\":\"ok\",\"cameras\":1}";

static void
handle (SoupServer * server, SoupServerMessage * msg, const gchar * path,
    GHashTable * query, gpointer user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json",
      SOUP_MEMORY_STATIC, body, strlen (body));
}

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketAddress) addr = NULL;
  GSList *uris;
  guint port = argc > 1 ? (guint) atoi (argv[1]) : 0;

  server = soup_server_new ("server-header", "bench-bare-soup", NULL);
  soup_server_add_handler (server, NULL, handle, NULL, NULL);
  addr = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  if (!soup_server_listen (server, addr, 0, &error)) {
    fprintf (stderr, "listen: %s\n", error->message);
    return 1;
  }
  uris = soup_server_get_uris (server);
  printf ("port %u\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_unix_signal_add (SIGINT, quit, loop);
  g_unix_signal_add (SIGTERM, quit, loop);
  g_main_loop_run (loop);
  soup_server_disconnect (server);
  return 0;
}
