# Builds the Windows installer: the PyInstaller bundle, its self-test, then Inno Setup.
# Run from the repository root in PowerShell, with Python 3.11+ and Inno Setup 6 installed:
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
$version = (Select-String -Path src\lendready\__init__.py -Pattern '__version__ = "(.+)"').Matches[0].Groups[1].Value
if (-not (Test-Path .venv)) { py -3 -m venv .venv }
.\.venv\Scripts\python -m pip install --quiet -e ".[bundle]"
.\.venv\Scripts\pyinstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller packaging\pyinstaller\lendready.spec
$env:QT_QPA_PLATFORM = "offscreen"
.\dist\lendready\lendready-console.exe --self-test
if ($LASTEXITCODE -ne 0) { throw "the bundle's self-test failed" }
Remove-Item Env:\QT_QPA_PLATFORM
$iscc = if ($env:ISCC) { $env:ISCC } else { "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" packaging\windows\lendready.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Host "dist\lendready-$version-windows-x64-setup.exe"
