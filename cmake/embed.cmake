# veyra_embed(TARGET NAME BASE_DIR FILES...)
# Compiles FILES into TARGET as veyra::embedded::NAME(), a span of {path, data} pairs where
# path is relative to BASE_DIR. Regenerated whenever one of the files changes.
set(VEYRA_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_files.cmake)

function(veyra_embed target name base)
  set(files ${ARGN})
  set(out ${CMAKE_BINARY_DIR}/embedded/${name}.cpp)
  string(REPLACE ";" "|" files_arg "${files}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DNAME=${name} -DOUT=${out} -DBASE=${base} "-DFILES=${files_arg}"
            -P ${VEYRA_EMBED_SCRIPT}
    DEPENDS ${files} ${VEYRA_EMBED_SCRIPT}
    COMMENT "Embedding ${name}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
