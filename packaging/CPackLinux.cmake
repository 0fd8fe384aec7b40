# Debian package and tarball (CPU build against Debian's LibTorch). scripts/package-check.sh builds
# both, installs the .deb and checks what it installed.
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "SemCompress developers <semcompress@example.invalid>")
set(CPACK_DEBIAN_PACKAGE_SECTION "graphics")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/semcompress/semcompress")
# Depends: the runtime library packages found by dpkg-shlibdeps (package dpkg-dev) from the ELF
# files; the Qt platform and TLS plugins are loaded at run time but live in libqt6gui6 and
# libqt6network6, which the executables link anyway.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The .desktop file, icons and MIME XML are picked up by the dpkg triggers of desktop-file-utils,
# hicolor-icon-theme and shared-mime-info; no maintainer scripts are needed.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "libopenblas0-pthread, shared-mime-info, desktop-file-utils, hicolor-icon-theme")
# semcompress_<version>+git<hash>_<arch>.deb, with the architecture from dpkg (amd64, arm64, ...).
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")
set(CPACK_STRIP_FILES ON)
