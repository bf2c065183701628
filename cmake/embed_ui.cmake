# Turns the UI's templates and static files into a C source that ui/embedded.h
# reads by base name: cmake -DOUT=f.c "-DFILES=a|b" -P embed_ui.cmake
string(REPLACE "|" ";" FILES "${FILES}")
set(body "#include <string.h>\n#include \"ui/embedded.h\"\n")
set(table "")
set(i 0)
foreach(f IN LISTS FILES)
    get_filename_component(base "${f}" NAME)
    file(READ "${f}" hex HEX)
    string(LENGTH "${hex}" hexlen)
    math(EXPR len "${hexlen} / 2")
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
    string(APPEND body "static const char file_${i}[] = {${bytes}0x00};\n")
    string(APPEND table "    {\"${base}\", file_${i}, ${len}},\n")
    math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "static const struct {\n    const char *name;\n    const char *data;\n    size_t len;\n} files[] = {\n${table}};\n")
string(APPEND body "
bool ui_embedded_get(const char *name, const char **data, size_t *len)
{
    size_t i;

    for (i = 0; i < sizeof files / sizeof files[0]; i++)
        if (strcmp(files[i].name, name) == 0) {
            *data = files[i].data;
            *len = files[i].len;
            return true;
        }
    return false;
}
")
file(WRITE "${OUT}.tmp" "${body}")
file(RENAME "${OUT}.tmp" "${OUT}")
