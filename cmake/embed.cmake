# Turns a text file into a C translation unit: const char cpuhp_default_profile_yaml[] and its
# length. Hex bytes, so any content embeds verbatim.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE ${OUT} "/* generated from ${IN} by cmake/embed.cmake */\n#include <stddef.h>\n"
  "const char cpuhp_default_profile_yaml[] = {${body} 0};\n"
  "const size_t cpuhp_default_profile_yaml_len = ${len};\n")
