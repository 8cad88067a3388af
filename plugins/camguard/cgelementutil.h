/* camguard - what every camguard element does the same way
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <camguard.h>

G_BEGIN_DECLS

/* The element metadata key under which each camguard element lists the
 * messages it posts, one per line: gst-inspect-1.0 shows it under "Factory
 * Details", and docs/elements.md (tools/camguard-plugin-doc) too. */
#define CG_ELEMENT_METADATA_MESSAGES "messages"
/* Between two messages of CG_ELEMENT_METADATA_MESSAGES: a new line, lined
 * up under the first one in gst-inspect-1.0's column of values. */
#define CG_MESSAGES_NEXT "\n                           "

void cg_element_post_coded (GstElement * element, GstMessageType type,
    GQuark domain, gint code, CgCode cg_code, const gchar * text,
    const gchar * debug, const gchar * file, const gchar * function,
    gint line);

/* A WARNING whose details carry @cg_code (cg-details), as
 * GST_ELEMENT_WARNING_WITH_DETAILS would post it. */
#define CG_ELEMENT_WARNING_CODED(el, domain, code, cg_code, text, debug) \
  cg_element_post_coded (GST_ELEMENT (el), GST_MESSAGE_WARNING, \
      GST_ ## domain ## _ERROR, GST_ ## domain ## _ERROR_ ## code, cg_code, \
      text, debug, __FILE__, GST_FUNCTION, __LINE__)

/* Sets @prop_id from @value; the object lock is held. Returns NULL, or
 * why the value was refused (a new string). */
typedef gchar *(*CgPropertySetter) (GstElement * element, guint prop_id,
    const GValue * value);

GstState cg_element_get_state_locked (GstElement * element);

void cg_element_set_property (GstElement * element, GParamSpec * pspec,
    guint prop_id, const GValue * value, CgPropertySetter set_locked);

/* Where the value of property @prop_id lives in an element's Settings
 * struct (G_STRUCT_OFFSET); a table ends with prop_id 0. */
typedef struct
{
  guint prop_id;
  glong offset;
} CgSettingsField;

gboolean cg_settings_set_field (const CgSettingsField * fields,
    gpointer settings, guint prop_id, const GValue * value);
gboolean cg_settings_get_field (const CgSettingsField * fields,
    gconstpointer settings, guint prop_id, GValue * value);

GType cg_element_register_enum (gsize * type, const gchar * name,
    const GEnumValue * values);

G_END_DECLS
