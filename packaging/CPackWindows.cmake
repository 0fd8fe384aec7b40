# NSIS installer (and a zip) for Windows, built by .github/workflows/windows.yml with the
# windows-msvc preset. Untested on this project's Linux machines: see the README's Windows section.
# What the installer holds is decided by the install rules (packaging/Install.cmake): the
# executables, the Qt runtime from Qt's deploy script, the LibTorch, OpenCV and other DLLs beside
# them in bin\, the model and samples in share\semcompress\.
set(CPACK_GENERATOR "NSIS;ZIP")
# Write the values below into CPackConfig.cmake as they are, so the NSIS lines need no extra escaping.
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_NSIS_DISPLAY_NAME "SemCompress")
set(CPACK_NSIS_PACKAGE_NAME "SemCompress")
set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)  # the uninstaller: Add/Remove Programs entry
set(CPACK_NSIS_MODIFY_PATH ON)                       # offers to put bin\ (semc) on the PATH
set(CPACK_NSIS_MUI_ICON "${PROJECT_SOURCE_DIR}/packaging/windows/semcompress.ico")
set(CPACK_NSIS_MUI_UNIICON "${PROJECT_SOURCE_DIR}/packaging/windows/semcompress.ico")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\semcompress.exe")
set(CPACK_NSIS_URL_INFO_ABOUT "https://github.com/semcompress/semcompress")
# Start-menu entry "SemCompress" for bin\semcompress.exe.
set(CPACK_PACKAGE_EXECUTABLES "semcompress" "SemCompress")
# .sem files: "SemCompress image", opened by the app on double-click. Written under
# Software\Classes of HKLM (install for all users) or HKCU (current user), which Windows merges into
# HKEY_CLASSES_ROOT; SHCTX follows the installer's shell context. The uninstaller removes the keys
# (.sem only while it still points to us) and tells Explorer.
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS [=[
  WriteRegStr SHCTX "Software\Classes\.sem" "" "SemCompress.Image"
  WriteRegStr SHCTX "Software\Classes\.sem" "Content Type" "application/x-semcompress"
  WriteRegStr SHCTX "Software\Classes\SemCompress.Image" "" "SemCompress image"
  WriteRegStr SHCTX "Software\Classes\SemCompress.Image\DefaultIcon" "" "$INSTDIR\bin\semcompress.exe,0"
  WriteRegStr SHCTX "Software\Classes\SemCompress.Image\shell\open\command" "" '"$INSTDIR\bin\semcompress.exe" "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
]=])
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS [=[
  DeleteRegKey SHCTX "Software\Classes\SemCompress.Image"
  ReadRegStr $0 SHCTX "Software\Classes\.sem" ""
  StrCmp $0 "SemCompress.Image" 0 +2
  DeleteRegKey SHCTX "Software\Classes\.sem"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
]=])
