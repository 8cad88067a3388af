/* camguard - the camguard-code field: a CgError in GStreamer message details
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:cg-details
 * @title: Codes in message details
 *
 * A camguard element that posts an ERROR or WARNING puts the catalogue code
 * into the message's details structure (gst_message_parse_error_details()),
 * in the field #CG_DETAILS_CODE_FIELD, and usually the whole classified
 * error in #CG_DETAILS_ERROR_FIELD. A failed snapshot sample carries the
 * code in its info structure the same way. These helpers are the one place
 * that writes and reads that field, for the elements and for any
 * application or the gateway reading their messages.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-details.h"
#include "cg-render.h"

/**
 * cg_details_set_code:
 * @details: a writable #GstStructure
 * @code: a catalogue code
 *
 * Sets #CG_DETAILS_CODE_FIELD of @details to the name of @code.
 */
void
cg_details_set_code (GstStructure * details, CgCode code)
{
  g_return_if_fail (details != NULL);

  gst_structure_set (details, CG_DETAILS_CODE_FIELD, G_TYPE_STRING,
      cg_code_to_name (code), NULL);
}

/**
 * cg_details_get_code:
 * @details: (nullable): a details or info #GstStructure
 * @code: (out) (optional): where to store the code
 *
 * Reads #CG_DETAILS_CODE_FIELD of @details.
 *
 * Returns: %TRUE when @details names a known catalogue code
 */
gboolean
cg_details_get_code (const GstStructure * details, CgCode * code)
{
  const gchar *name;
  CgCode c;

  if (details == NULL)
    return FALSE;
  name = gst_structure_get_string (details, CG_DETAILS_CODE_FIELD);
  if (name == NULL || !cg_code_from_name (name, &c))
    return FALSE;
  if (code)
    *code = c;
  return TRUE;
}

/**
 * cg_details_new:
 * @code: a catalogue code
 *
 * A new `details` structure holding only #CG_DETAILS_CODE_FIELD, for
 * GST_ELEMENT_ERROR_WITH_DETAILS() and friends (which take ownership).
 *
 * Returns: (transfer full): a new #GstStructure named `details`
 */
GstStructure *
cg_details_new (CgCode code)
{
  GstStructure *s = gst_structure_new_empty ("details");

  cg_details_set_code (s, code);
  return s;
}

/**
 * cg_error_to_details:
 * @error: a #CgError
 *
 * A new `details` structure for an ERROR or WARNING message about @error:
 * #CG_DETAILS_CODE_FIELD names its code and #CG_DETAILS_ERROR_FIELD holds
 * cg_error_to_structure() of it (secrets redacted).
 *
 * Returns: (transfer full): a new #GstStructure named `details`
 */
GstStructure *
cg_error_to_details (const CgError * error)
{
  GstStructure *s, *es;

  g_return_val_if_fail (error != NULL, NULL);

  s = cg_details_new (cg_error_get_code (error));
  es = cg_error_to_structure (error);
  gst_structure_set (s, CG_DETAILS_ERROR_FIELD, GST_TYPE_STRUCTURE, es, NULL);
  gst_structure_free (es);
  return s;
}

/**
 * cg_error_from_details:
 * @details: (nullable): a details structure
 *
 * Reads back what cg_error_to_details() wrote: the whole error when
 * #CG_DETAILS_ERROR_FIELD is there, else a #CgError of the code in
 * #CG_DETAILS_CODE_FIELD with the catalogue's message.
 *
 * Returns: (transfer full) (nullable): a new #CgError, or %NULL when
 *   @details names no known code
 */
CgError *
cg_error_from_details (const GstStructure * details)
{
  const GValue *v;
  CgCode code;
  CgError *e = NULL;

  if (!cg_details_get_code (details, &code))
    return NULL;
  v = gst_structure_get_value (details, CG_DETAILS_ERROR_FIELD);
  if (v && GST_VALUE_HOLDS_STRUCTURE (v))
    e = cg_error_from_structure (gst_value_get_structure (v));
  if (e == NULL)
    e = cg_error_new (code, NULL);
  else
    cg_error_set_code (e, code);
  return e;
}

/**
 * cg_message_get_code:
 * @message: an ERROR, WARNING or INFO #GstMessage
 * @code: (out) (optional): where to store the code
 *
 * Reads #CG_DETAILS_CODE_FIELD from the details of @message, i.e. the code
 * a camguard element gave its own message.
 *
 * Returns: %TRUE when @message carries a known catalogue code
 */
gboolean
cg_message_get_code (GstMessage * message, CgCode * code)
{
  const GstStructure *details = NULL;

  g_return_val_if_fail (GST_IS_MESSAGE (message), FALSE);

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error_details (message, &details);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning_details (message, &details);
      break;
    case GST_MESSAGE_INFO:
      gst_message_parse_info_details (message, &details);
      break;
    default:
      return FALSE;
  }
  return cg_details_get_code (details, code);
}
