/* pack_image.h — writes a loaded pack (pack.h) as C source: static
 * initializers that rebuild the same tact_pack with no parsing at run time.
 *
 * The built-in packs are compiled into libtact this way (the build runs
 * lib/packs/mkimage.c on the XML packs), so creating an engine costs no XML
 * parse. The image is written from what the loader built, never from a
 * second reading of the XML, so the two cannot disagree; the unit tests
 * compare the writer's output for the image with its output for a fresh
 * parse. A field added to pack.h must be added to the writer too. */
#ifndef TACT_PACK_IMAGE_H
#define TACT_PACK_IMAGE_H

#include <stdio.h>

#include "pack.h"

/* Writes `p` as static C definitions whose names start with `prefix`
 * (an identifier), ending with `static tact_pack <prefix>` itself. Returns
 * 0, or -1 when writing to `out` failed. */
int tact_pack_image_write(FILE *out, const tact_pack *p, const char *prefix);

/* The built-in packs, bottom layer first (generated builtin_packs.c). Their
 * arenas are empty: they are never freed. */
extern const tact_pack *const tact_builtin_packs[];
extern const size_t tact_builtin_pack_count;

#endif
