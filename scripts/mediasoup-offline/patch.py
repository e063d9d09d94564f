#!/usr/bin/env python3
"""Patch the mediasoup 3.19.x npm package so its worker builds offline against
Debian 12's libraries instead of meson wrap subprojects (which download sources),
and runs with them (see fix_dtls_bio_callback).

Idempotent: each step leaves an already patched tree as it is.
Usage: python3 patch.py node_modules/mediasoup
"""
import re
import sys
from pathlib import Path

MARK = 'OFFLINE BUILD'
worker = Path(sys.argv[1]) / 'worker'


def patch_worker_meson() -> None:
    mb = worker / 'meson.build'
    s = mb.read_text()
    start = s.index('openssl_proj = subproject(')
    end = s.index('# flatbuffers schemas subdirectory.')
    system_deps = f'''# {MARK}: Debian system libraries instead of wrap subprojects.
openssl_dep = dependency('openssl', version: '>= 1.1.1')
libuv_dep = dependency('libuv', version: '>= 1.44')
libsrtp_sys_dep = dependency('libsrtp2', version: '>= 2.4')
libsrtp_dep = declare_dependency(
  dependencies: libsrtp_sys_dep,
  compile_args: '-I' + (libsrtp_sys_dep.get_variable(pkgconfig: 'includedir') / 'srtp2'),
)
usrsctp_dep = dependency('usrsctp')
flatbuffers_dep = dependency('flatbuffers')
absl_deps = []
foreach absl_name : ['absl_flat_hash_map', 'absl_flat_hash_set', 'absl_btree', 'absl_inlined_vector', 'absl_memory', 'absl_strings', 'absl_optional']
  absl_deps += dependency(absl_name)
endforeach
catch2_dep = dependency('catch2-with-main', version: '>= 3', required: false)

'''
    s = s[:start] + system_deps + s[end:]
    s = re.sub(r"dependencies = \[\n  abseil_cpp_proj.*?\n\]\n",
               "dependencies = absl_deps + [\n  openssl_dep,\n  libuv_dep,\n  libsrtp_dep,\n  usrsctp_dep,\n"
               "  flatbuffers_dep,\n  flatbuffers_generator_dep,\n  libwebrtc_dep,\n]\n", s, flags=re.S)
    s = re.sub(r"link_whole = \[\n  abseil_cpp_proj.*?\n\]\n", "link_whole = [\n  libwebrtc,\n]\n", s, flags=re.S)
    s = s.replace("catch2_proj.get_variable('catch2_dep')", 'catch2_dep')
    # Debian 12 has meson 1.0.1.
    s = s.replace("meson_version: '>= 1.1.0'", "meson_version: '>= 1.0.0'")
    assert '_proj.get_variable' not in s.split("if host_machine.system() == 'windows'")[0]
    mb.write_text(s)


def patch_libwebrtc_meson() -> None:
    lw = worker / 'deps' / 'libwebrtc' / 'meson.build'
    s = lw.read_text()
    s = re.sub(r"abseil_cpp_proj = subproject\(.*?\n\)\n", '', s, flags=re.S)
    for proj in ('openssl', 'flatbuffers', 'libuv'):
        s = s.replace(f"{proj}_proj.get_variable('{proj}_dep')", f'{proj}_dep')
    s = re.sub(r" *abseil_cpp_proj\.get_variable\('absl_(strings|types)_dep'\),\n", '', s)
    s = s.replace('  dependencies: [\n    local_include_directories,',
                  '  dependencies: absl_deps + [\n    local_include_directories,')
    assert '_proj' not in s
    lw.write_text(s)


# mediasoup >= 3.16 calls the libsrtp 3 API (size_t lengths, separate in/out
# buffers, an mki_index argument, srtp_stream_remove); Debian 12 has libsrtp2 2.5
# (int lengths, in place, srtp_remove_stream). These overloads bridge the two.
SRTP_COMPAT = f'''// {MARK}: libsrtp 3 API on top of Debian's libsrtp2 2.5.
#ifndef MS_SRTP_COMPAT_HPP
#define MS_SRTP_COMPAT_HPP

#include <srtp.h>
#include <cstddef>
#include <cstdint>
#include <cstring>

inline srtp_err_status_t srtp_stream_remove(srtp_t session, unsigned int ssrc)
{{
	return srtp_remove_stream(session, ssrc);
}}

#define srtp_err_status_buffer_small static_cast<srtp_err_status_t>(28)
#define srtp_err_status_cryptex_err static_cast<srtp_err_status_t>(29)

// The output buffer must hold the packet plus the trailer libsrtp2 appends in place.
#define MS_SRTP_COMPAT(fn, extra_params, trailer)                                          \\
	inline srtp_err_status_t fn(                                                          \\
	  srtp_t ctx, const uint8_t* in, size_t inLen, uint8_t* out, size_t* outLen extra_params) \\
	{{                                                                                     \\
		if (*outLen < inLen + (trailer))                                                    \\
			return srtp_err_status_buffer_small;                                              \\
		if (out != in)                                                                      \\
			std::memmove(out, in, inLen);                                                     \\
		int len               = static_cast<int>(inLen);                                    \\
		srtp_err_status_t err = fn(ctx, out, &len);                                         \\
		*outLen               = static_cast<size_t>(len);                                   \\
		return err;                                                                         \\
	}}
#define MS_SRTP_MKI , size_t /*mki_index*/
MS_SRTP_COMPAT(srtp_protect, MS_SRTP_MKI, SRTP_MAX_TRAILER_LEN)
MS_SRTP_COMPAT(srtp_protect_rtcp, MS_SRTP_MKI, SRTP_MAX_TRAILER_LEN + 4)
MS_SRTP_COMPAT(srtp_unprotect, , 0)
MS_SRTP_COMPAT(srtp_unprotect_rtcp, , 0)
#undef MS_SRTP_MKI
#undef MS_SRTP_COMPAT

#endif
'''


def add_srtp_compat() -> None:
    assert 'mki_index' in (worker / 'src' / 'RTC' / 'SrtpSession.cpp').read_text(), 'expected mediasoup >= 3.16'
    (worker / 'include' / 'srtp_compat.hpp').write_text(SRTP_COMPAT)
    for header in (worker / 'include').rglob('*.hpp'):
        text = header.read_text()
        if header.name != 'srtp_compat.hpp' and '#include <srtp.h>' in text:
            header.write_text(text.replace('#include <srtp.h>', '#include "srtp_compat.hpp"'))


def fix_dtls_bio_callback() -> None:
    """The BIO callback answers every after-the-call notification with 1 instead of OpenSSL's
    result: asked whether kernel TLS is on, it says yes. Debian's OpenSSL 3.0 is built with KTLS,
    so it then skips allocating its write buffer and the worker crashes (SIGSEGV) on the first
    DTLS record a browser sends. Upstream's bundled OpenSSL has no KTLS, which hides the bug."""
    dtls = worker / 'src' / 'RTC' / 'DtlsTransport.cpp'
    s = dtls.read_text()
    old = '(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1'
    new = '(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1'
    if old in s:
        dtls.write_text(s.replace(old, new))
    assert new in dtls.read_text(), 'DtlsTransport.cpp: BIO callback not found'


if MARK in (worker / 'meson.build').read_text():
    print('build files already patched', worker)
else:
    patch_worker_meson()
    patch_libwebrtc_meson()
    add_srtp_compat()
    print('patched build files', worker)
fix_dtls_bio_callback()
