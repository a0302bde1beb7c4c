# Configures and builds tests/fuzz with clang, then runs the fuzzer for SECONDS (cmake -P), with a
# fixed seed so a test run is repeatable; run build/fuzz/TARGET by hand for random seeds.
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${BINARY} -G Ninja -DCMAKE_CXX_COMPILER=${CLANGXX}
                        -DCMAKE_BUILD_TYPE=RelWithDebInfo RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "configuring the fuzz project failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY} --parallel 2 RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "building the fuzz target failed")
endif()
# TARGET (default fuzz_logparsers) runs on CORPUS (default corpus), seeded with the files SEEDS
# (globs; default the format files, which hold every format's sample lines); DICT is optional.
if(NOT TARGET)
  set(TARGET fuzz_logparsers)
endif()
if(NOT CORPUS)
  set(CORPUS corpus)
endif()
if(NOT SEEDS)
  set(SEEDS ${SOURCE}/../../resources/formats/*.json)
endif()
file(MAKE_DIRECTORY ${BINARY}/${CORPUS})
file(GLOB seeds ${SEEDS})
set(i 0)
foreach(seed ${seeds})
  math(EXPR i "${i} + 1")
  configure_file(${seed} ${BINARY}/${CORPUS}/seed-${i} COPYONLY)
endforeach()
set(dictionary)
if(DICT)
  set(dictionary -dict=${DICT})
endif()
execute_process(COMMAND ${BINARY}/${TARGET} -max_total_time=${SECONDS} -seed=1 -rss_limit_mb=2048 -max_len=4096 ${dictionary}
                        ${BINARY}/${CORPUS}
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the fuzzer found a crash (see the output above)")
endif()
