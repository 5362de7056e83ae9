; Inno Setup script: a per-user installer for lendready (no administrator rights needed).
;
; Build on Windows, after the bundle (see packaging/README.md):
;   py -m pip install -e ".[bundle]"
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\pyinstaller\lendready.spec
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\lendready.iss
; (packaging\windows\build.ps1 does all three and reads the version from src\lendready\__init__.py.)
; Output: dist\lendready-<version>-windows-x64-setup.exe
;
; It installs dist\lendready\ (lendready.exe, windowed; lendready-console.exe, the command line) into
; %LOCALAPPDATA%\Programs\lendready, adds a Start-menu shortcut, associates *.lendready case files with
; lendready under HKCU, and registers an uninstaller in "Apps & features".

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "lendready"
#define AppExe "lendready.exe"
#define ProgId "lendready.case"

[Setup]
AppId={{6B2C8E4F-3D1A-4F0B-9C7E-2A5D8B1F4E60}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=lendready engineers
AppPublisherURL=https://example.org/lendready
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoDescription=lendready installer
; Per-user: no UAC prompt, installs under %LOCALAPPDATA%\Programs, writes only HKCU.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=lendready.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\lendready\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle's private folder whole, so no stale library from an older Qt is left.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Lending-readiness advisor for mutuals"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; *.lendready opens with lendready (HKCU\Software\Classes, as the install is per user).
Root: HKA; Subkey: "Software\Classes\.lendready"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.lendready"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-lendready"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.lendready\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "lendready case"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".lendready"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
