// libpng; the include path comes from pkg-config (libpng).
#include <png.h>
