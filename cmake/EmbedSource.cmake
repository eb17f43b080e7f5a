# Turns a source file (the JavaScript Node layer) into a C++ header
# holding it as a raw string literal, so it ships inside the binary and is edited as itself.
file(READ "${INPUT}" content)
file(WRITE "${OUTPUT}" "// Generated from ${INPUT} by EmbedSource.cmake; edit that file.\n#pragma once\nnamespace duet {\ninline constexpr const char* ${NAME} = R\"DUETSRC(${content})DUETSRC\";\n}  // namespace duet\n")
