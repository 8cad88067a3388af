/* camguard - renderers: one CgError, every wire format
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include "cg-error.h"
#include "cg-json-writer.h"
#include "cg-redact.h"

G_BEGIN_DECLS

void cg_error_write_json (const CgError * error, const gchar * request_id,
    CgJsonWriter * writer);
void cg_error_write_problem (const CgError * error, const gchar * request_id,
    const gchar * instance, CgJsonWriter * writer);
void cg_error_write_jsonrpc_error (const CgError * error,
    const gchar * request_id, CgJsonWriter * writer);
void cg_error_write_event (const CgError * error, CgJsonWriter * writer);
void cg_error_write_details (const CgError * error, CgJsonWriter * writer);
void cg_structure_write_json (const GstStructure * structure,
    CgJsonWriter * writer);

JsonNode *cg_error_to_json_node (const CgError * error,
    const gchar * request_id);
gchar *cg_error_to_json (const CgError * error, const gchar * request_id);

JsonNode *cg_error_to_problem_node (const CgError * error,
    const gchar * request_id, const gchar * instance);
gchar *cg_error_to_problem_json (const CgError * error,
    const gchar * request_id, const gchar * instance);
gchar *cg_code_problem_type_uri (CgCode code);

JsonNode *cg_error_to_jsonrpc_error_node (const CgError * error,
    const gchar * request_id);
gchar *cg_error_to_jsonrpc_response (const CgError * error,
    JsonNode * id, const gchar * request_id);

JsonNode *cg_error_to_event_node (const CgError * error);
gchar *cg_error_to_event_json (const CgError * error);

JsonNode *cg_error_details_to_json_node (const CgError * error);
JsonNode *cg_structure_to_json_node (const GstStructure * structure);
GstStructure *cg_error_to_structure (const CgError * error);
CgError *cg_error_from_structure (const GstStructure * structure);


G_END_DECLS
