/* camguard - cg_redact(): secrets out of every text camguard shows
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:cg-redact
 * @title: Redaction
 * @short_description: camera passwords, tokens and keys out of any text
 *
 * cg_redact() is the one place that knows what a secret looks like in the
 * texts camguard handles: URIs, gst-launch descriptions, GStreamer debug
 * strings and serialised structures. Every renderer (cg-render) and every
 * log or message path runs its strings through it.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "cg-redact.h"

#define MASK CG_REDACT_MASK

static gboolean
is_name_char (gchar c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-' || c == '.';
}

/* Characters that end a secret value that is not quoted. */
static gboolean
ends_value (gchar c)
{
  return c == '\0' || g_ascii_isspace (c) || strchr ("&#;,\"'<>)]}", c);
}

/* Characters that end the authority part of a URI. */
static gboolean
ends_authority (gchar c)
{
  return c == '\0' || g_ascii_isspace (c) || strchr ("/?#\"'<>", c);
}

/* How many names cg_redact_is_secret_name() remembers. */
#define SECRET_VERDICTS_MAX 1024

/* Names are compared lowercased with '_' read as '-'. */
static const gchar *const secret_names[] = {
  "password", "passwd", "pass", "pwd", "pw", "token", "access-token",
  "api-key", "apikey", "x-api-key", "key", "secret", "auth", "signature",
  "sig", "jwt", "authorization", "proxy-authorization", "client-secret",
  "refresh-token", "id-token", "credentials", "passphrase", "cookie",
  "cookies", "set-cookie",
  /* the credential properties of rtspsrc and souphttpsrc: user names too */
  "user-id", "user-pw", "proxy-id", "proxy-pw", NULL
};

static const gchar *const secret_substrings[] = {
  "password", "passwd", "secret", "token", "api-key", "apikey",
  "credential", NULL
};

/* @a and @b compared lowercased with '_' read as '-'. */
static inline gchar
fold (gchar c)
{
  return c == '_' ? '-' : g_ascii_tolower (c);
}

/* Whether @name (@len bytes), folded, starts at @off with @word. */
static gboolean
folded_at (const gchar * name, gsize len, gsize off, const gchar * word)
{
  gsize i;

  for (i = 0; word[i]; i++)
    if (off + i >= len || fold (name[off + i]) != word[i])
      return FALSE;
  return TRUE;
}

/* Whether a field, parameter, property or header called @name (@len bytes)
 * holds a secret. No allocation: this runs for every field of every
 * structure a renderer writes. */
static gboolean
is_secret_name (const gchar * name, gsize len)
{
  guint i;
  gsize off;

  for (i = 0; secret_names[i]; i++)
    if (strlen (secret_names[i]) == len && folded_at (name, len, 0,
            secret_names[i]))
      return TRUE;
  for (i = 0; secret_substrings[i]; i++)
    for (off = 0; off + strlen (secret_substrings[i]) <= len; off++)
      if (folded_at (name, len, off, secret_substrings[i]))
        return TRUE;
  /* user-pw, proxy-pw and the like */
  return len > 3 && folded_at (name, len, len - 3, "-pw");
}

/**
 * cg_redact_is_secret_name:
 * @name: the name of a field, parameter, property or header
 *
 * Whether a value called @name is a secret as a whole (`password`,
 * `user-pw`, `token`, `Authorization` ...): renderers replace such a value
 * by %CG_REDACT_MASK whatever its type.
 *
 * Returns: %TRUE when @name names a secret
 */
gboolean
cg_redact_is_secret_name (const gchar * name)
{
  /* The verdicts on names already seen: renderers ask about the same few
   * field names for every structure they write. Bounded, since names may
   * come from clients. */
  static GMutex lock;
  static GHashTable *verdicts;
  gpointer found;
  gboolean secret;

  g_return_val_if_fail (name != NULL, FALSE);
  g_mutex_lock (&lock);
  if (verdicts == NULL)
    verdicts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  found = g_hash_table_lookup (verdicts, name);
  g_mutex_unlock (&lock);
  if (found)
    return GPOINTER_TO_INT (found) == 2;
  secret = is_secret_name (name, strlen (name));
  g_mutex_lock (&lock);
  if (g_hash_table_size (verdicts) < SECRET_VERDICTS_MAX)
    g_hash_table_insert (verdicts, g_strdup (name),
        GINT_TO_POINTER (secret ? 2 : 1));
  g_mutex_unlock (&lock);
  return secret;
}

/* The verdicts on quarks (field names of structures), by quark number:
 * 0 not known yet, 1 plain, 2 secret. Quarks are small numbers given in
 * order; the ones past the table ask cg_redact_is_secret_name(). */
#define QUARK_VERDICTS 4096
static gint quark_verdicts[QUARK_VERDICTS];

/**
 * cg_redact_is_secret_quark: (skip)
 * @name: the name of a field, as a quark
 *
 * cg_redact_is_secret_name() for a structure's field name, without a lock
 * or a string hash: renderers ask it for every field they write.
 *
 * Returns: %TRUE when @name names a secret
 */
gboolean
cg_redact_is_secret_quark (GQuark name)
{
  gint v;

  if (name >= QUARK_VERDICTS)
    return cg_redact_is_secret_name (g_quark_to_string (name));
  v = g_atomic_int_get (&quark_verdicts[name]);
  if (v == 0) {
    const gchar *s = g_quark_to_string (name);

    v = is_secret_name (s, strlen (s)) ? 2 : 1;
    g_atomic_int_set (&quark_verdicts[name], v);
  }
  return v == 2;
}

static gboolean
is_authorization (const gchar * name, gsize len)
{
  return (len == 13 && g_ascii_strncasecmp (name, "authorization", 13) == 0)
      || (len == 19
      && g_ascii_strncasecmp (name, "proxy-authorization", 19) == 0);
}

/* The number of backslashes right before @p, not looking before @start. */
static guint
backslashes_before (const gchar * start, const gchar * p)
{
  guint n = 0;

  while (p > start && p[-1] == '\\') {
    p--;
    n++;
  }
  return n;
}

/* At @p, a quote (@q) opened after @level backslashes: returns the closing
 * quote of the same level, or %NULL. At level 0 a quote closes unless it is
 * escaped (an odd number of backslashes before it); inside an escaped
 * string (`\"...\"`, a structure inside a quoted gst-launch property) the
 * closing quote has exactly @level backslashes before it. */
static const gchar *
find_closing_quote (const gchar * p, gchar q, guint level)
{
  const gchar *start = p;

  for (p = p + 1; *p; p++) {
    guint n;

    if (*p != q)
      continue;
    n = backslashes_before (start, p);
    if ((level == 0 && n % 2 == 0) || (level > 0 && n == level))
      return p;
  }
  return NULL;
}

/* Masks a value starting at @p (after the separator and blanks); returns the
 * position after it. A quoted value, escaped quotes included (`"a \"b\""`,
 * `\"a b\"`), is masked up to its closing quote; an unquoted one up to the
 * first character that ends a value and is not escaped by a backslash. */
static const gchar *
mask_value (GString * out, const gchar * p)
{
  guint level = 0;

  while (p[level] == '\\')
    level++;
  if (p[level] == '"' || p[level] == '\'') {
    gchar q = p[level];
    const gchar *end = find_closing_quote (p + level, q, level);

    g_string_append_len (out, p, level + 1);
    g_string_append (out, MASK);
    if (end == NULL)
      return p + strlen (p);    /* unterminated: hide the rest */
    g_string_append_len (out, end - level, level + 1);
    return end + 1;
  }
  level = 0;
  if (ends_value (*p))
    return p;                   /* empty value: nothing to hide */
  while (!ends_value (*p)) {
    if (*p == '\\' && p[1] != '\0')
      p++;
    p++;
  }
  g_string_append (out, MASK);
  return p;
}

/* An Authorization value: keep the scheme, mask the credentials. */
static const gchar *
mask_authorization (GString * out, const gchar * p)
{
  const gchar *w = p, *after;

  if (*p == '"' || *p == '\'' || *p == '\\')
    return mask_value (out, p);
  while (g_ascii_isalnum (*w) || *w == '-' || *w == '_')
    w++;
  after = w;
  while (*after == ' ' || *after == '\t')
    after++;
  if (w == p || after == w || ends_value (*after))
    return mask_value (out, p); /* no scheme: the whole value is secret */

  g_string_append_len (out, p, after - p);
  if (w - p == 6 && g_ascii_strncasecmp (p, "digest", 6) == 0) {
    /* Digest parameters run to the end of the line. */
    const gchar *eol = strpbrk (after, "\r\n");

    g_string_append (out, MASK);
    return eol ? eol : after + strlen (after);
  }
  return mask_value (out, after);
}

static const gchar *
skip_backslashes (const gchar * p)
{
  while (*p == '\\')
    p++;
  return p;
}

/* After `name=` in a serialised #GstStructure: the length of a type
 * annotation such as `(string)` or `(gchararray)`, escaped as in a nested
 * structure (`\\(string\\)`) or not; 0 if there is none. */
static gsize
type_annotation_length (const gchar * p)
{
  const gchar *open = skip_backslashes (p), *q = open + 1;

  if (*open != '(')
    return 0;
  while (g_ascii_isalnum (*q) || *q == '_')
    q++;
  if (q == open + 1)
    return 0;
  q = skip_backslashes (q);
  if (*q != ')')
    return 0;
  return q + 1 - p;
}

/* At @p just after a secret's name: the position of its value when a
 * separator follows (an optional closing quote of a JSON member, blanks,
 * '=' or ':', blanks, a type annotation; quotes and separators may be
 * escaped, as in nested structures), or %NULL. */
static const gchar *
find_value (const gchar * p)
{
  const gchar *q = skip_backslashes (p);

  if (*q == '"' || *q == '\'')
    q++;
  else
    q = p;
  while (*q == ' ' || *q == '\t')
    q++;
  q = skip_backslashes (q);
  if (*q != '=' && *q != ':')
    return NULL;
  q++;
  while (*q == ' ' || *q == '\t')
    q++;
  return q + type_annotation_length (q);
}

/* At @p just after "://": copies the authority with any password masked;
 * returns the position after the authority. */
static const gchar *
redact_authority (GString * out, const gchar * p)
{
  const gchar *end = p, *at = NULL, *colon;

  while (!ends_authority (*end)) {
    if (*end == '@')
      at = end;
    end++;
  }
  if (at == NULL) {
    g_string_append_len (out, p, end - p);
    return end;
  }
  colon = memchr (p, ':', at - p);
  if (colon) {
    g_string_append_len (out, p, colon - p);
    g_string_append (out, ":" MASK);
  } else {
    g_string_append_len (out, p, at - p);
  }
  g_string_append_len (out, at, end - at);
  return end;
}

/**
 * cg_redact:
 * @text: (nullable): text that may contain secrets
 *
 * Returns a copy of @text with secrets masked as `***`:
 *
 * - the password of a URI's user information
 *   (`rtsp://admin:secret@cam/` becomes `rtsp://admin:***@cam/`; a user
 *   without password is kept);
 * - the value of any `name=value` or `name: value` pair, query parameter,
 *   header, property or JSON member whose name looks secret (password,
 *   passwd, pass, pwd, pw, token, access_token, api_key, apikey, key,
 *   secret, auth, signature, sig, jwt, passphrase, cookie, cookies, any
 *   name ending in `-pw`, or containing password, secret, token, api_key,
 *   credential; case-insensitive, `_` and `-` alike);
 * - the credential properties of the sources camguard wraps: rtspsrc's and
 *   souphttpsrc's `user-id`, `user-pw`, `proxy-id` and `proxy-pw`. User
 *   names are masked there: a property line names the account right next
 *   to its password and the pair is one credential. The user of a URI and
 *   a generic `user=` stay visible, to tell which account was used;
 * - the credentials of `Authorization:` (and `Proxy-Authorization:`)
 *   values, keeping the scheme (`Authorization: Bearer ***`), also inside
 *   souphttpsrc's `extra-headers` structure, and `X-API-Key:` and `Cookie`
 *   header values.
 *
 * Values are found in every form they are written in: bare
 * (`user-pw=hunter2`), quoted (`user-pw="a b c"`, with escaped quotes
 * inside), escaped inside a quoted property (`extra-headers="h,
 * Authorization=\"Bearer abc\""`), with backslash-escaped blanks, and
 * typed as #GstStructure serialises them (`user-pw=(string)"a\ b"`).
 *
 * Redaction errs on the side of hiding: a harmless value of a field called
 * `key` is masked too, and an unterminated quoted secret is masked to the
 * end of @text.
 *
 * Returns: (transfer full) (nullable): the redacted copy, or %NULL if @text
 *   is %NULL
 */
gchar *
cg_redact (const gchar * text)
{
  GString *out;
  const gchar *p;

  if (text == NULL)
    return NULL;
  /* every secret this function finds follows a '=' or a ':' */
  if (strpbrk (text, "=:") == NULL)
    return g_strdup (text);

  out = g_string_sized_new (strlen (text) + 8);
  p = text;
  while (*p) {
    const gchar *name, *q;
    gsize len;

    if (!is_name_char (*p) || (p > text && is_name_char (p[-1]))) {
      g_string_append_c (out, *p++);
      continue;
    }

    /* A word: a URI scheme, a secret's name, or plain text. */
    name = p;
    while (is_name_char (*p))
      p++;
    len = p - name;
    g_string_append_len (out, name, len);

    if (strncmp (p, "://", 3) == 0) {
      g_string_append (out, "://");
      p = redact_authority (out, p + 3);
      continue;
    }
    /* the separator first: it is cheaper to look for than the name */
    q = find_value (p);
    if (q == NULL || !is_secret_name (name, len))
      continue;
    g_string_append_len (out, p, q - p);
    if (is_authorization (name, len))
      p = mask_authorization (out, q);
    else
      p = mask_value (out, q);
  }
  return g_string_free (out, FALSE);
}
