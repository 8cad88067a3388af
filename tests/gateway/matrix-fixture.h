/* camguard-gateway tests - the real binary with a key per role, its route
 * table read from `--list-routes`, and requests with every credential form
 * (shared by the role and error matrix tests)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gateway-process.h"
#include "gw-auth.h"

G_BEGIN_DECLS

/* The credentials a request carries. */
typedef enum
{
  MX_CRED_NONE,
  MX_CRED_UNKNOWN,              /* a well-formed key the gateway never made */
  MX_CRED_VIEWER,
  MX_CRED_OPERATOR,
  MX_CRED_ADMIN,
  MX_N_CREDS
} MxCred;

/* How the key is sent. */
typedef enum
{
  MX_FORM_BEARER,               /* Authorization: Bearer KEY */
  MX_FORM_API_KEY,              /* X-API-Key: KEY */
  MX_N_FORMS
} MxForm;

/* One line of --list-routes */
typedef struct
{
  gchar *method;                /* "GET", ..., or "JSONRPC" */
  gchar *pattern;               /* the path pattern, or the method name */
  gchar *action;                /* NULL for "-" */
  GwRole role;                  /* the least role it lists */
  gboolean json_body;
  gboolean raw_body;            /* not JSON (an SDP offer): not parsed */
} MxRoute;

typedef struct
{
  gchar *tmpdir;
  gchar *config;
  gchar *data_dir;
  gchar *keys[MX_N_CREDS];      /* NULL for NONE; a made-up one for UNKNOWN */
  GPtrArray *routes;            /* MxRoute, REST */
  GPtrArray *methods;           /* MxRoute, JSON-RPC */
  GwProcess gw;
} MxGateway;

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
  JsonNode *json;
  gchar *path;
} MxReply;

/* A request: any method, path (with query), credentials, body, headers. */
typedef struct
{
  const gchar *method;
  const gchar *path;
  MxCred cred;
  MxForm form;
  const gchar *body;            /* NULL: none */
  const gchar *accept;          /* NULL: none */
  const gchar *request_id;      /* NULL: none */
} MxRequest;

extern const gchar *const mx_cred_names[MX_N_CREDS];
extern const gchar *const mx_form_names[MX_N_FORMS];

void mx_gateway_setup (MxGateway * g, const gchar * gateway,
    const gchar * gateway_keys, const gchar * cameras);
void mx_gateway_start (MxGateway * g, const gchar * gateway);
const gchar *mx_gateway_start_demo (MxGateway * g, gint * argc,
    gchar *** argv);
void mx_gateway_teardown (MxGateway * g);
gchar *mx_gateway_run_tool (MxGateway * g, const gchar * gateway,
    gint * exit_status, ...) G_GNUC_NULL_TERMINATED;
GPtrArray *mx_list_routes (const gchar * gateway, const gchar * config,
    gboolean jsonrpc);

MxReply *mx_send (MxGateway * g, const MxRequest * r);
MxReply *mx_do (MxGateway * g, const gchar * method, const gchar * path,
    MxCred cred, const gchar * body);
void mx_reply_free (MxReply * r);
const gchar *mx_reply_code (MxReply * r);
JsonObject *mx_reply_object (MxReply * r);
void mx_expect_error (MxReply * r, guint status, const gchar * code,
    const gchar * what);
gchar *mx_path_for (const MxRoute * route, const gchar * id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MxReply, mx_reply_free)

G_END_DECLS
