; h2scope's Windows installer (NSIS 3). Not built by CMake: stage the
; install tree first, then run makensis on it (see packaging/README.md):
;
;   cmake --install build --prefix stage
;   windeployqt --release stage\bin\h2scope.exe
;   makensis /DVERSION=0.1.0 /DSTAGING=%CD%\stage packaging\windows\installer.nsi
;
; Installs per machine under Program Files, adds a Start menu shortcut, and
; registers "Open with h2scope" for folders in Explorer: on a folder's context
; menu (Directory\shell, %1 = the folder) and on the background of an open
; folder (Directory\Background\shell, %V = the folder shown). Uninstalling
; removes all of it.

Unicode true
!ifndef VERSION
  !error "pass /DVERSION=x.y.z"
!endif
!ifndef STAGING
  !error "pass /DSTAGING=<folder made by cmake --install>"
!endif

!include "MUI2.nsh"

Name "h2scope ${VERSION}"
OutFile "h2scope-${VERSION}-win64-setup.exe"
InstallDir "$PROGRAMFILES64\h2scope"
InstallDirRegKey HKLM "Software\h2scope" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\h2scope"
!define FOLDER_VERB "Software\Classes\Directory\shell\h2scope"
!define BACKGROUND_VERB "Software\Classes\Directory\Background\shell\h2scope"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "h2scope"
  SetRegView 64
  SetOutPath "$INSTDIR"
  File /r "${STAGING}\*.*"

  WriteRegStr HKLM "${FOLDER_VERB}" "" "Open with h2scope"
  WriteRegStr HKLM "${FOLDER_VERB}" "Icon" '"$INSTDIR\bin\h2scope.exe",0'
  WriteRegStr HKLM "${FOLDER_VERB}\command" "" '"$INSTDIR\bin\h2scope.exe" "%1"'
  WriteRegStr HKLM "${BACKGROUND_VERB}" "" "Open with h2scope"
  WriteRegStr HKLM "${BACKGROUND_VERB}" "Icon" '"$INSTDIR\bin\h2scope.exe",0'
  WriteRegStr HKLM "${BACKGROUND_VERB}\command" "" '"$INSTDIR\bin\h2scope.exe" "%V"'

  CreateShortcut "$SMPROGRAMS\h2scope.lnk" "$INSTDIR\bin\h2scope.exe"

  WriteRegStr HKLM "Software\h2scope" "InstallDir" "$INSTDIR"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "h2scope"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "The h2scope developers"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" '"$INSTDIR\bin\h2scope.exe",0'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetRegView 64
  DeleteRegKey HKLM "${FOLDER_VERB}"
  DeleteRegKey HKLM "${BACKGROUND_VERB}"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "Software\h2scope"
  Delete "$SMPROGRAMS\h2scope.lnk"
  RMDir /r "$INSTDIR"
SectionEnd
