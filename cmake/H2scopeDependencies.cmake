# System dependencies, each as an imported target.
find_package(OpenSSL 3.0 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(NGHTTP2 REQUIRED IMPORTED_TARGET libnghttp2>=1.52)
# Internationalised host names in certificates, as browsers compute them (UTS #46).
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2>=2.0)
find_package(Threads REQUIRED)
# Reading JSON written by other tools (push manifests, capture files).
find_package(nlohmann_json 3.9 REQUIRED)

find_path(ASIO_INCLUDE_DIR asio.hpp)
if(NOT ASIO_INCLUDE_DIR)
  message(FATAL_ERROR "standalone asio not found: install libasio-dev")
endif()
add_library(h2scope_asio INTERFACE)
target_include_directories(h2scope_asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
target_compile_definitions(h2scope_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
target_link_libraries(h2scope_asio INTERFACE Threads::Threads)

find_path(HTTP_PARSER_INCLUDE_DIR http_parser.h)
find_library(HTTP_PARSER_LIBRARY http_parser)
if(NOT HTTP_PARSER_INCLUDE_DIR OR NOT HTTP_PARSER_LIBRARY)
  message(FATAL_ERROR "http_parser not found: install libhttp-parser-dev")
endif()
add_library(h2scope_http_parser INTERFACE)
target_include_directories(h2scope_http_parser SYSTEM INTERFACE ${HTTP_PARSER_INCLUDE_DIR})
target_link_libraries(h2scope_http_parser INTERFACE ${HTTP_PARSER_LIBRARY})

find_package(Qt6 6.2 REQUIRED COMPONENTS Core Gui Widgets Network Test)

# mimalloc, the allocator of the h2scope program (not of the libraries or
# tests): the I/O threads allocate and free small blocks per request, and
# the inspector frees on its own thread what the I/O threads allocated; with
# glibc's malloc that was about a fifth of the server's CPU time. Off under
# sanitizers and fuzzing, which bring their own allocator; where mimalloc is
# not installed, the system malloc is used.
option(H2SCOPE_MIMALLOC "Link the h2scope program with mimalloc when it is available" ON)
set(H2SCOPE_USE_MIMALLOC OFF)
if(H2SCOPE_MIMALLOC AND NOT H2SCOPE_FUZZ AND NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
  find_package(mimalloc CONFIG QUIET)
  if(TARGET mimalloc)
    set(H2SCOPE_USE_MIMALLOC ON)
    message(STATUS "h2scope: linking the program with mimalloc ${mimalloc_VERSION}")
  else()
    message(STATUS "h2scope: mimalloc not found (libmimalloc-dev); the program uses the system malloc")
  endif()
endif()
