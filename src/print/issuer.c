/* issuer.c -- who issues a document and who signs it (see print.h, "the issuing body"):
 * one place for the names of the Decree 30/2020 header (Ô 1–2) and the signer's caption
 * (Ô 7a), used by the one-stop forms and by the letters alike. */
#include <glib.h>
#include <string.h>

#include "../core/text.h"
#include "print.h"

static bool blank(const char *s)
{
    return !s || text_is_blank(s);
}

const char *pdoc_unit_parent(arena *a, const pdoc_unit *u)
{
    /* a Ủy ban nhân dân has no cơ quan chủ quản line; a department sits under its province */
    if (u->council || blank(u->parent_name)) return NULL;
    return arena_printf(a, "UBND %s", u->parent_name);
}

const char *pdoc_unit_body(arena *a, const pdoc_unit *u)
{
    const char *name = u->name ? u->name : "";
    return u->council ? arena_printf(a, "Ủy ban nhân dân\n%s", name) : arena_strdup(a, name);
}

const char *pdoc_unit_short(arena *a, const pdoc_unit *u)
{
    const char *name = u->name ? u->name : "";
    return u->council ? arena_printf(a, "UBND %s", name) : arena_strdup(a, name);
}

/* The locality's name without its kind ("Phường ", "Đặc khu "), except for a unit named by a
 * number ("Phường 1" stays whole). */
static const char *place_of(arena *a, const char *name)
{
    static const char *const KINDS[] = {"Phường ", "Xã ", "Đặc khu ", "Thị trấn ", "Thị xã ", "Thành phố ",
                                        "Tỉnh ",   "Huyện ", "Quận "};
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++) {
        size_t n = strlen(KINDS[i]);
        if (!strncmp(name, KINDS[i], n) && name[n] && strspn(name + n, "0123456789") != strlen(name + n))
            return arena_strdup(a, name + n);
    }
    return arena_strdup(a, name);
}

const char *pdoc_unit_place(arena *a, const pdoc_unit *u)
{
    /* a department dates its papers at the province's seat */
    const char *where = (!u->council && !blank(u->parent_name)) ? u->parent_name : u->name;
    return place_of(a, where ? where : "");
}

const char *pdoc_signer_caption(arena *a, bool council, const char *title)
{
    const char *t = text_fold(a, blank(title) ? "" : title);
    if (council && (!*t || !strncmp(t, "chu tich", 8))) return "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH";
    if (council && !strncmp(t, "pho chu tich", 12)) return "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH";
    if (council && (!strncmp(t, "q. chu tich", 11) || !strncmp(t, "quyen chu tich", 14)))
        return "TM. ỦY BAN NHÂN DÂN\nQ. CHỦ TỊCH";
    return blank(title) ? "THỦ TRƯỞNG CƠ QUAN" : text_trim(a, title);
}
