# Turns a JavaScript file into a C++ header holding it as a raw string literal, so the
# bootstrap ships inside the binary and is edited as plain JavaScript.
file(READ "${INPUT}" content)
file(WRITE "${OUTPUT}" "// Generated from ${INPUT} by embed.cmake; edit the .js file.\n#pragma once\nnamespace duet {\ninline constexpr const char* ${NAME} = R\"DUETJS(${content})DUETJS\";\n}  // namespace duet\n")
