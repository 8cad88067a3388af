/* camguard-gateway - the web dashboard's files and GET /api/v1/whoami
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-routes-dashboard
 * @short_description: the dashboard's static files, and who the caller is
 *
 * The dashboard (gateway/www: HTML, CSS, JavaScript modules) is served
 * from the `www-dir` of the configuration (default: the installed
 * `DATADIR/camguard/www`) through the one request path, like every other
 * route:
 *
 * - `GET /` is `index.html`, `GET /{file}` one file of that directory.
 *   The directory is flat: a name is letters, digits, `.`, `_` and `-`,
 *   starts with a letter or a digit, has a known extension (which gives
 *   its Content-Type) and is opened with `O_NOFOLLOW` as a regular file,
 *   so no name reaches outside the directory (no `..`, no `/`, no encoded
 *   separator, no symlink). Anything else is 404 %CG_CODE_METHOD_NOT_FOUND,
 *   as for any unknown route: a one-segment path is no dashboard file and
 *   no route alike.
 *   The files need no key (action `dashboard.read`): the page itself logs
 *   in with an API key and sends it as `Authorization: Bearer`.
 * - `GET /api/v1/whoami` (viewer) answers the caller's key name, role,
 *   the actions of the one role table (gw-auth.c) that role may do, and
 *   the routes it may call, so that the page shows only the controls the
 *   key may use and only for the features this gateway has.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gw-routes-dashboard.h"

#define INDEX_FILE "index.html"
/* The dashboard's files are small; a bigger one is not ours. */
#define MAX_FILE_SIZE (4 * 1024 * 1024)

static const struct
{
  const gchar *ext;
  const gchar *type;
} content_types[] = {
  {".html", "text/html; charset=utf-8"},
  {".css", "text/css; charset=utf-8"},
  {".js", "text/javascript; charset=utf-8"},
  {".mjs", "text/javascript; charset=utf-8"},
  {".json", "application/json"},
  {".svg", "image/svg+xml"},
  {".png", "image/png"},
  {".ico", "image/x-icon"},
  {".txt", "text/plain; charset=utf-8"},
};

/**
 * gw_dashboard_content_type:
 * @name: a file name
 *
 * Returns: (nullable): the Content-Type the dashboard serves @name with,
 *   %NULL for an extension it does not serve
 */
const gchar *
gw_dashboard_content_type (const gchar * name)
{
  guint i;

  for (i = 0; name && i < G_N_ELEMENTS (content_types); i++)
    if (g_str_has_suffix (name, content_types[i].ext))
      return content_types[i].type;
  return NULL;
}

/**
 * gw_dashboard_name_is_safe:
 * @name: (nullable): the last segment of a request path
 *
 * Returns: %TRUE when @name may name a file of the dashboard's directory:
 *   letters, digits, `.`, `_`, `-`, a letter or digit first, no `..`, a
 *   served extension
 */
gboolean
gw_dashboard_name_is_safe (const gchar * name)
{
  const gchar *p;

  if (name == NULL || !g_ascii_isalnum (name[0]) || strlen (name) > 128)
    return FALSE;
  for (p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr ("._-", *p))
      return FALSE;
  return strstr (name, "..") == NULL && gw_dashboard_content_type (name);
}

/* The file's bytes, or NULL (not there, not a regular file, a symlink, too
 * big). */
static GBytes *
read_file (const gchar * dir, const gchar * name)
{
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  g_autoptr (GMappedFile) mapped = NULL;
  struct stat st;
  gint fd;

  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)
      || st.st_size > MAX_FILE_SIZE) {
    close (fd);
    return NULL;
  }
  if (st.st_size == 0) {
    close (fd);
    return g_bytes_new (NULL, 0);
  }
  mapped = g_mapped_file_new_from_fd (fd, FALSE, NULL);
  close (fd);
  return mapped ? g_mapped_file_get_bytes (mapped) : NULL;
}

static void
serve_file (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  const gchar *name = gw_request_get_param (req, "file");
  const gchar *dir = gw->config ? gw->config->www_dir : NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (CgError) error = NULL;

  if (name == NULL)
    name = INDEX_FILE;
  if (dir && gw_dashboard_name_is_safe (name))
    body = read_file (dir, name);
  if (body == NULL) {
    /* the same answer as any unknown route: /{file} claims no path */
    error = cg_error_new (CG_CODE_METHOD_NOT_FOUND, NULL);
    gw_request_reply_error (req, error);
    return;
  }
  gw_request_add_header (req, "Cache-Control", "no-cache");
  gw_request_add_header (req, "X-Content-Type-Options", "nosniff");
  gw_request_add_header (req, "Content-Security-Policy",
      "default-src 'self'; img-src 'self' blob: data:; "
      "media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'");
  gw_request_reply_bytes (req, SOUP_STATUS_OK,
      gw_dashboard_content_type (name), body);
}

static void
write_strings (CgJsonWriter * w, const gchar * member, GPtrArray * list)
{
  guint i;

  cg_json_writer_member (w, member);
  cg_json_writer_begin_array (w);
  for (i = 0; i < list->len; i++)
    cg_json_writer_string (w, g_ptr_array_index (list, i));
  cg_json_writer_end_array (w);
}

typedef struct
{
  GwKeyStore *store;
  GwRole role;
  const gchar *key_name;
  GPtrArray *list;
} AllowedRoutes;

static void
add_allowed (const gchar * method, const gchar * pattern, const gchar * action,
    GwRouteFlags flags, gpointer user_data)
{
  AllowedRoutes *a = user_data;

  if (gw_auth_may (a->store, a->role, a->key_name, action))
    g_ptr_array_add (a->list, g_strconcat (method, " ", pattern, NULL));
}

/* "METHOD PATTERN" of every route of @router the caller may call */
static GPtrArray *
allowed_routes (GwRouter * router, GwKeyStore * store, GwRole role,
    const gchar * key_name)
{
  AllowedRoutes a = { store, role, key_name,
    g_ptr_array_new_with_free_func (g_free)
  };

  gw_router_foreach_route (router, add_allowed, &a);
  return a.list;
}

static void
whoami (GwRequest * req, gpointer user_data)
{
  GwGateway *gw = user_data;
  GwRole role = gw_request_get_role (req);
  const gchar *name = gw_request_get_key_name (req);
  g_autoptr (GPtrArray) actions = gw_auth_list_actions (gw->keys, role, name);
  g_autoptr (GPtrArray) routes = allowed_routes (gw->router, gw->keys, role,
      name);
  CgJsonWriter *w = cg_json_writer_new ();

  cg_json_writer_begin_object (w);
  /* no key (auth off): null */
  cg_json_writer_member_string (w, "name", gw_request_get_key_name (req));
  cg_json_writer_member_string (w, "role", gw_role_to_nick (role));
  cg_json_writer_member_boolean (w, "auth", gw->keys != NULL);
  write_strings (w, "actions", actions);
  write_strings (w, "routes", routes);
  cg_json_writer_end_object (w);
  gw_request_reply_writer (req, SOUP_STATUS_OK, w);
}

/**
 * gw_routes_dashboard_add:
 * @router: the router
 * @gw: the gateway (its configuration's `www_dir`, its key store and
 *   router; outlives @router)
 *
 * Adds GET / and GET /{file} (the dashboard's files, no key needed) and
 * GET /api/v1/whoami.
 */
void
gw_routes_dashboard_add (GwRouter * router, GwGateway * gw)
{
  gw_router_add_route (router, "GET", "/", "dashboard.read", GW_ROUTE_NONE,
      serve_file, gw);
  gw_router_add_route (router, "GET", "/{file}", "dashboard.read",
      GW_ROUTE_NONE, serve_file, gw);
  gw_router_add_route (router, "GET", "/api/v1/whoami", "session.read",
      GW_ROUTE_NONE, whoami, gw);
}
