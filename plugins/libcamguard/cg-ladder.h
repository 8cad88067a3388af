/* camguard - CgLadder: the quality ladder grammar
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CG_LADDER_MAX_RUNGS:
 *
 * The most rungs a ladder may have.
 */
#define CG_LADDER_MAX_RUNGS 16

/**
 * CG_LADDER_DEFAULT:
 *
 * The default ladder: 4K at 16 Mbit/s, 1080p at 6 Mbit/s, 720p at
 * 2.5 Mbit/s.
 */
#define CG_LADDER_DEFAULT "2160p:16000,1080p:6000,720p:2500"

/**
 * CgLadder:
 *
 * A parsed quality ladder: up to #CG_LADDER_MAX_RUNGS rungs, best first,
 * each a name, a size (a height, or a bounding box) and a bitrate. Made by
 * cg_ladder_parse(), printed back by cg_ladder_to_string(). A boxed type
 * that is copied, not shared.
 */
typedef struct _CgLadder CgLadder;

GType cg_ladder_get_type (void);
#define CG_TYPE_LADDER (cg_ladder_get_type ())

CgLadder *cg_ladder_parse (const gchar * text, GError ** error);
CgLadder *cg_ladder_copy (const CgLadder * ladder);
void cg_ladder_free (CgLadder * ladder);
gchar *cg_ladder_to_string (const CgLadder * ladder);

guint cg_ladder_get_n_rungs (const CgLadder * ladder);
const gchar *cg_ladder_get_rung_name (const CgLadder * ladder, guint index);
guint cg_ladder_get_rung_bitrate (const CgLadder * ladder, guint index);
void cg_ladder_get_rung_box (const CgLadder * ladder, guint index,
    gint * width, gint * height);
gint cg_ladder_find_rung (const CgLadder * ladder, const gchar * name);
gboolean cg_ladder_check_index (const CgLadder * ladder, gint index,
    GError ** error);
gboolean cg_ladder_resolve_rung (const CgLadder * ladder, guint index,
    gint in_width, gint in_height, gint * width, gint * height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CgLadder, cg_ladder_free)

G_END_DECLS
