# NSIS installer for Windows (built by the Windows CI workflow; untested on this project's Linux machines).
set(CPACK_GENERATOR "NSIS;ZIP")
set(CPACK_NSIS_DISPLAY_NAME "SemCompress")
set(CPACK_NSIS_PACKAGE_NAME "SemCompress")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH ON)
set(CPACK_PACKAGE_EXECUTABLES "semcompress" "SemCompress")
set(CPACK_CREATE_DESKTOP_LINKS "semcompress")
# .sem file association
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS "
  WriteRegStr HKCR '.sem' '' 'SemCompress.Image'
  WriteRegStr HKCR 'SemCompress.Image' '' 'SemCompress image'
  WriteRegStr HKCR 'SemCompress.Image\\\\shell\\\\open\\\\command' '' '\\\"$INSTDIR\\\\bin\\\\semcompress.exe\\\" \\\"%1\\\"'
")
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS "
  DeleteRegKey HKCR '.sem'
  DeleteRegKey HKCR 'SemCompress.Image'
")
