"""``dumpsys package`` as Android 13 and 14 print it (Settings.dumpPackageLPr and friends)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from tools.fabricate.permissions import (
    PLATFORM_PERMISSIONS,
    RUNTIME_FLAGS_DEFAULT,
    RUNTIME_FLAGS_DENIED,
    RUNTIME_FLAGS_SYSTEM,
    RUNTIME_FLAGS_USER,
)
from tools.fabricate.resolve import (
    APPOP_PERMISSION,
    STORES,
    ResolvedApp,
    is_runtime,
)
from tools.fabricate.spec import (
    SYSTEM_IMAGE_TIME,
    AppSpec,
    PhoneSpec,
    hex_id,
    short_component,
    stable_number,
)

# --------------------------------------------------------------------------- dumpsys package


_LIBRARIES: Final[tuple[tuple[str, str], ...]] = (
    ("android.test.base", "/system/framework/android.test.base.jar"),
    ("android.test.mock", "/system/framework/android.test.mock.jar"),
    ("android.test.runner", "/system/framework/android.test.runner.jar"),
    ("android.hidl.base-V1.0-java", "/system/framework/android.hidl.base-V1.0-java.jar"),
    ("android.hidl.manager-V1.0-java", "/system/framework/android.hidl.manager-V1.0-java.jar"),
    ("android.net.ipsec.ike", "/apex/com.android.ipsec/javalib/android.net.ipsec.ike.jar"),
    ("com.android.future.usb.accessory", "/system/framework/com.android.future.usb.accessory.jar"),
    ("com.android.location.provider", "/system/framework/com.android.location.provider.jar"),
    ("com.android.media.remotedisplay", "/system/framework/com.android.media.remotedisplay.jar"),
    ("com.android.mediadrm.signer", "/system/framework/com.android.mediadrm.signer.jar"),
    ("javax.obex", "/system/framework/javax.obex.jar"),
    ("org.apache.http.legacy", "/system/framework/org.apache.http.legacy.jar"),
    ("androidx.window.extensions", "/system_ext/framework/androidx.window.extensions.jar"),
    ("androidx.window.sidecar", "/system_ext/framework/androidx.window.sidecar.jar"),
)

_FEATURES: Final[tuple[str, ...]] = (
    "reqGlEsVersion=0x30002",
    "android.hardware.audio.low_latency",
    "android.hardware.audio.output",
    "android.hardware.bluetooth",
    "android.hardware.bluetooth_le",
    "android.hardware.camera",
    "android.hardware.camera.any",
    "android.hardware.camera.autofocus",
    "android.hardware.camera.flash",
    "android.hardware.camera.front",
    "android.hardware.faketouch",
    "android.hardware.fingerprint",
    "android.hardware.location",
    "android.hardware.location.gps",
    "android.hardware.location.network",
    "android.hardware.microphone",
    "android.hardware.nfc",
    "android.hardware.nfc.hce",
    "android.hardware.ram.normal",
    "android.hardware.screen.landscape",
    "android.hardware.screen.portrait",
    "android.hardware.sensor.accelerometer",
    "android.hardware.sensor.compass",
    "android.hardware.sensor.gyroscope",
    "android.hardware.sensor.light",
    "android.hardware.sensor.proximity",
    "android.hardware.telephony",
    "android.hardware.telephony.gsm",
    "android.hardware.telephony.ims",
    "android.hardware.touchscreen",
    "android.hardware.touchscreen.multitouch",
    "android.hardware.usb.accessory",
    "android.hardware.usb.host",
    "android.hardware.wifi",
    "android.hardware.wifi.direct",
    "android.hardware.wifi.passpoint",
    "android.software.app_widgets",
    "android.software.autofill",
    "android.software.backup",
    "android.software.companion_device_setup",
    "android.software.credentials",
    "android.software.device_admin",
    "android.software.file_based_encryption",
    "android.software.home_screen",
    "android.software.input_methods",
    "android.software.managed_users",
    "android.software.midi",
    "android.software.print",
    "android.software.secure_lock_screen",
    "android.software.verified_boot",
    "android.software.webview",
)


def _flags(app: ResolvedApp) -> str:
    spec = app.spec
    names = []
    if spec.system:
        names.append("SYSTEM")
    if not spec.overlay:
        names.append("HAS_CODE")
    if spec.persistent:
        names.append("PERSISTENT")
    names.append("ALLOW_CLEAR_USER_DATA")
    if spec.updated_system:
        names.append("UPDATED_SYSTEM_APP")
    names.append("ALLOW_BACKUP")
    return "[ " + " ".join(names) + " ]"


def _private_flags(app: ResolvedApp) -> str:
    spec = app.spec
    names = ["PRIVATE_FLAG_ACTIVITIES_RESIZE_MODE_RESIZEABLE_VIA_SDK_VERSION"]
    names.append("ALLOW_AUDIO_PLAYBACK_CAPTURE")
    if spec.target_sdk <= 29 and not spec.system:
        names.append("PRIVATE_FLAG_REQUEST_LEGACY_EXTERNAL_STORAGE")
    if spec.persistent:
        names.extend(("DEFAULT_TO_DEVICE_PROTECTED_STORAGE", "DIRECT_BOOT_AWARE"))
    if spec.system:
        if spec.privileged:
            names.append("PRIVILEGED")
        partition_flag = {"product": "PRODUCT", "system_ext": "SYSTEM_EXT", "vendor": "VENDOR"}
        if spec.partition in partition_flag:
            names.append(partition_flag[spec.partition])
    names.append("PRIVATE_FLAG_ALLOW_NATIVE_HEAP_POINTER_TAGGING")
    return "[ " + " ".join(names) + " ]"


def _data_dir(app: ResolvedApp, user: int = 0) -> str:
    if app.spec.persistent:
        return f"/data/user_de/{user}/{app.spec.package}"
    return f"/data/user/{user}/{app.spec.package}"


def _runtime_lines(app: ResolvedApp, out: list[str], indent: str) -> None:
    spec = app.spec
    granted_flags = RUNTIME_FLAGS_DEFAULT if spec.system else RUNTIME_FLAGS_USER
    if spec.shared_user:
        granted_flags = RUNTIME_FLAGS_SYSTEM
    out.extend(
        f"{indent}{name}: granted=true, flags=[ {granted_flags}]" for name in spec.runtime_granted
    )
    out.extend(
        f"{indent}{name}: granted=false, flags=[ {RUNTIME_FLAGS_DENIED}]"
        for name in spec.runtime_denied
    )


def _package_block(
    out: list[str],
    phone: PhoneSpec,
    app: ResolvedApp,
    by_package: Mapping[str, ResolvedApp],
    *,
    hidden: bool,
) -> None:
    spec = app.spec
    sdk = phone.sdk
    pkg = spec.package
    code_path = app.system_path if hidden else app.code_path
    version_name = spec.version_name
    version_code = spec.version_code
    if hidden:
        # The preinstalled copy is the version the system image shipped.
        version_name = f"{version_name.split('.')[0]}.0.0"
        version_code = max(1, version_code // 10)
    out.append(f"  Package [{pkg}] ({hex_id('ps', pkg, hidden)}):")
    out.append(f"    appId={app.uid}")
    if spec.shared_user:
        out.append(
            f"    sharedUser=SharedUserSetting{{{hex_id('su', spec.shared_user)} "
            f"{spec.shared_user}/{app.uid}}}"
        )
    out.append(f"    pkg=Package{{{hex_id('pkg', pkg, hidden)} {pkg}}}")
    out.append(f"    codePath={code_path}")
    out.append(f"    resourcePath={code_path}")
    out.append(f"    legacyNativeLibraryDir={code_path}/lib")
    on_system = not code_path.startswith("/data/")
    out.append(f"    extractNativeLibs={'true' if spec.system and on_system else 'false'}")
    abi = "null" if spec.overlay or (spec.system and not spec.updated_system) else "arm64-v8a"
    out.append(f"    primaryCpuAbi={abi}")
    out.append("    secondaryCpuAbi=null")
    out.append("    cpuAbiOverride=null")
    out.append(f"    versionCode={version_code} minSdk={spec.min_sdk} targetSdk={spec.target_sdk}")
    out.append("    minExtensionVersions=[]")
    out.append(f"    versionName={version_name}")
    out.append(f"    usesNonSdkApi={'true' if spec.system and not spec.overlay else 'false'}")
    out.append(f"    splits=[{', '.join(spec.splits)}]")
    out.append(f"    apkSigningVersion={3 if spec.system else 2}")
    out.append(f"    flags={_flags(app)}")
    out.append(f"    privateFlags={_private_flags(app)}")
    out.append(f"    forceQueryable={'true' if spec.system and spec.uid < 10000 else 'false'}")
    out.append("    queriesPackages=[]")
    out.append(f"    dataDir={_data_dir(app)}")
    out.append("    supportsScreens=[small, medium, large, xlarge, resizeable, anyDensity]")
    first = SYSTEM_IMAGE_TIME if hidden else app.first_install
    last = SYSTEM_IMAGE_TIME if hidden else app.last_update
    out.append(f"    timeStamp={last}")
    if sdk < 34:
        out.append(f"    firstInstallTime={first}")
    out.append(f"    lastUpdateTime={last}")
    from_installer = not hidden and (not spec.system or spec.updated_system)
    if from_installer:
        installer = spec.installer or "null"
        out.append(f"    installerPackageName={installer}")
        if sdk >= 34:
            installer_app = by_package.get(installer)
            out.append(f"    installerPackageUid={installer_app.uid if installer_app else -1}")
        initiating = spec.installer or "com.android.shell"
        out.append(f"    initiatingPackageName={initiating}")
        originating = "null"
        if spec.installer and "packageinstaller" in spec.installer:
            originating = _browser(phone)
        out.append(f"    originatingPackageName={originating}")
        source = 0 if spec.installer in STORES else (4 if spec.installer else 1)
        out.append(f"    packageSource={source}")
        if sdk >= 34:
            out.append("    appMetadataFilePath=null")
    out.append(
        f"    signatures=PackageSignatures{{{hex_id('sig', pkg, hidden)} version:"
        f"{3 if spec.system else 2}, signatures:[{hex_id('cert', pkg)}], past signatures:[]}}"
    )
    out.append(f"    installPermissionsFixed={'false' if spec.overlay else 'true'}")
    out.append(f"    pkgFlags={_flags(app)}")
    if sdk >= 34:
        out.append(f"    privatePkgFlags={_private_flags(app)}")
        out.append("    apexModuleName=null")
    if spec.overlay:
        out.append("    overlayTarget=android")
        out.append("    overlayCategory=null")
    if hidden:
        out.extend(_user_line(app, user, installed=True) for user in phone.users)
        return
    if not spec.system and sdk >= 33:
        suffix = "" if sdk >= 34 else ", INSTALLED"
        out.append("    declared permissions:")
        out.append(f"      {pkg}.DYNAMIC_RECEIVER_NOT_EXPORTED_PERMISSION: prot=signature{suffix}")
    if pkg == "android":
        suffix = "" if sdk >= 34 else ", INSTALLED"
        out.append("    declared permissions:")
        out.extend(f"      {name}: prot={prot}{suffix}" for name, prot in PLATFORM_PERMISSIONS)
    permissions = [p for p in app.install_permissions if not is_runtime(p)]
    if not spec.system and sdk >= 33:
        permissions.append(f"{pkg}.DYNAMIC_RECEIVER_NOT_EXPORTED_PERMISSION")
    if permissions and not spec.shared_user:
        out.append("    install permissions:")
        out.extend(f"      {name}: granted=true" for name in permissions)
    for user in phone.users:
        out.append(_user_line(app, user, installed=True))
        if sdk >= 34:
            out.append(f"      installReason={4 if from_installer else 0}")
            out.append(f"      firstInstallTime={app.first_install}")
            out.append("      uninstallReason=0")
        if from_installer and spec.installer:
            out.append(f"      lastDisabledCaller: {spec.installer}")
        if spec.shared_user:
            continue
        if "android.permission.INTERNET" in app.install_permissions:
            out.append("      gids=[3003]")
        if spec.runtime_granted or spec.runtime_denied:
            out.append("      runtime permissions:")
            _runtime_lines(app, out, "        ")


def _browser(phone: PhoneSpec) -> str:
    for candidate in ("com.sec.android.app.sbrowser", "com.android.chrome"):
        if phone.app(candidate) is not None:
            return candidate
    return "null"


def _user_line(app: ResolvedApp, user: int, *, installed: bool) -> str:
    spec = app.spec
    inode = stable_number(2000, 990000, "inode", spec.package, user)
    stopped = "false"
    return (
        f"    User {user}: ceDataInode={inode} installed={'true' if installed else 'false'}"
        f" hidden=false suspended=false distractionFlags=0 stopped={stopped}"
        f" notLaunched=false enabled={spec.enabled_state} instant=false virtual=false"
    )


def _known_packages(phone: PhoneSpec, by_package: Mapping[str, ResolvedApp]) -> list[str]:
    def first(*candidates: str) -> str:
        for candidate in candidates:
            if candidate in by_package:
                return candidate
        return "none"

    roles = (
        ("System", "android"),
        (
            "Setup Wizard",
            first("com.google.android.setupwizard", "com.sec.android.app.SecSetupWizard"),
        ),
        ("Installer", first("com.google.android.packageinstaller", "com.android.packageinstaller")),
        (
            "Uninstaller",
            first("com.google.android.packageinstaller", "com.android.packageinstaller"),
        ),
        ("Verifier", first("com.android.vending")),
        ("Browser", "null"),
        (
            "System Text Classifier",
            first("com.google.android.as", "com.google.android.ext.services"),
        ),
        ("Permission Controller", first("com.google.android.permissioncontroller")),
        ("Wellbeing", first("com.google.android.apps.wellbeing", "com.samsung.android.forest")),
        ("Documenter", first("com.google.android.documentsui")),
        ("Configurator", "none"),
        ("Incident Report Approver", first("com.google.android.permissioncontroller")),
        ("App Predictor", first("com.google.android.as")),
        ("Overlay Config Signature", "none"),
        ("Wi-Fi", "none"),
        ("Companion", first("com.android.companiondevicemanager")),
        ("Retail Demo", "none"),
        ("Recents", first(phone.launcher_package)),
    )
    lines = ["Known Packages:"]
    for role, package in roles:
        lines.append(f"  {role}:")
        lines.append(f"    {package}")
    return lines


def _resolver_section(
    title: str, actions: Mapping[str, list[tuple[str, str]]], out: list[str]
) -> None:
    out.append(f"{title}:")
    out.append("  Non-Data Actions:")
    for action, components in actions.items():
        out.append(f"      {action}:")
        out.extend(
            f"        {hex_id('ri', title, action, pkg, cls)} {short_component(pkg, cls)}"
            for pkg, cls in components
        )
    out.append("")


def render_dumpsys_package(phone: PhoneSpec, apps: Sequence[ResolvedApp]) -> str:
    by_package = {a.spec.package: a for a in apps}
    fingerprint = phone.props.get("ro.build.fingerprint", "")
    out: list[str] = ["Database versions:"]
    for volume in ("Internal", "External"):
        out.append(f"  {volume}:")
        out.append(f"    sdkVersion={phone.sdk} databaseVersion=3 ")
        out.append(f"    fingerprint={fingerprint} ")
    out.append("")
    out.extend(_known_packages(phone, by_package))
    out.append("")
    out.append("Verifiers:")
    vending = by_package.get("com.android.vending")
    out.append(
        f"  Required: com.android.vending (uid={vending.uid})"
        if vending
        else "  Required: null (uid=-1)"
    )
    out.append("")
    out.append("Domain Verifier:")
    gms = by_package.get("com.google.android.gms")
    verifier = gms or by_package.get("com.android.statementservice")
    if verifier:
        out.append(f"  Using: {verifier.spec.package} (uid={verifier.uid})")
    out.append("")
    out.append("Libraries:")
    out.extend(f"  {name} ->  (jar) {path}" for name, path in _LIBRARIES)
    out.append("")
    out.append("Features:")
    out.extend(f"  {feature}" for feature in _FEATURES)
    out.append("")

    activities: dict[str, list[tuple[str, str]]] = {"android.intent.action.MAIN": []}
    receivers: dict[str, list[tuple[str, str]]] = {
        "android.app.action.DEVICE_ADMIN_ENABLED": [],
        "android.intent.action.BOOT_COMPLETED": [],
    }
    services: dict[str, list[tuple[str, str]]] = {
        "android.accessibilityservice.AccessibilityService": [],
        "android.service.notification.NotificationListenerService": [],
        "android.accounts.AccountAuthenticator": [],
    }
    service_permissions: list[str] = []
    for app in apps:
        spec = app.spec
        if spec.launcher:
            activities["android.intent.action.MAIN"].append((spec.package, spec.launcher))
        if spec.device_admin:
            receivers["android.app.action.DEVICE_ADMIN_ENABLED"].append(
                (spec.package, spec.device_admin)
            )
        if "android.permission.RECEIVE_BOOT_COMPLETED" in app.install_permissions:
            receivers["android.intent.action.BOOT_COMPLETED"].append(
                (spec.package, _boot_receiver(spec))
            )
        for action, cls, permission in (
            (
                "android.accessibilityservice.AccessibilityService",
                spec.accessibility,
                "android.permission.BIND_ACCESSIBILITY_SERVICE",
            ),
            (
                "android.service.notification.NotificationListenerService",
                spec.notification_listener,
                "android.permission.BIND_NOTIFICATION_LISTENER_SERVICE",
            ),
        ):
            if cls:
                services[action].append((spec.package, cls))
                service_permissions.append(
                    f"    {short_component(spec.package, cls)}: {permission}"
                )
        if spec.authenticator_service:
            services["android.accounts.AccountAuthenticator"].append(
                (spec.package, spec.authenticator_service)
            )
    _resolver_section("Activity Resolver Table", activities, out)
    _resolver_section("Receiver Resolver Table", receivers, out)
    _resolver_section("Service Resolver Table", services, out)

    out.append("Permissions:")
    for name, prot in PLATFORM_PERMISSIONS:
        out.append(f"  Permission [{name}] ({hex_id('perm', name)}):")
        out.append("    sourcePackage=android")
        out.append(f"    uid=1000 gids=[] type=0 prot={prot}")
        out.append(f"    perm=PermissionInfo{{{hex_id('pi', name)} {name}}}")
        if phone.sdk >= 34:
            out.append("    flags=0x0")
    if phone.sdk >= 33:
        for app in apps:
            if app.spec.system:
                continue
            name = f"{app.spec.package}.DYNAMIC_RECEIVER_NOT_EXPORTED_PERMISSION"
            out.append(f"  Permission [{name}] ({hex_id('perm', name)}):")
            out.append(f"    sourcePackage={app.spec.package}")
            out.append(f"    uid={app.uid} gids=[] type=0 prot=signature")
            out.append(f"    perm=PermissionInfo{{{hex_id('pi', name)} {name}}}")
            if phone.sdk >= 34:
                out.append("    flags=0x0")
    out.append("")
    out.append("AppOp Permissions:")
    for permission in sorted(set(APPOP_PERMISSION.values())):
        holders = [a.spec.package for a in apps if permission in a.install_permissions]
        if holders:
            out.append(f"  AppOp Permission {permission}:")
            out.extend(f"    {holder}" for holder in holders)
    out.append("")
    out.append("Key Set Manager:")
    for app in apps:
        out.append(f"  [{app.spec.package}]")
        out.append(f"      Signing KeySets: {stable_number(1, 60, 'ks', app.spec.package)}")
    out.append("")
    out.append("Packages:")
    for app in apps:
        _package_block(out, phone, app, by_package, hidden=False)
    updated = [a for a in apps if a.spec.updated_system]
    if updated:
        out.append("")
        out.append("Hidden system packages:")
        for app in updated:
            _package_block(out, phone, app, by_package, hidden=True)
    out.append("")
    out.extend(_queries_section(apps))
    out.append("")
    out.append("Shared users:")
    shared: dict[str, list[ResolvedApp]] = {}
    for app in apps:
        if app.spec.shared_user:
            shared.setdefault(app.spec.shared_user, []).append(app)
    for name, members in shared.items():
        out.append(f"  SharedUser [{name}] ({hex_id('su', name)}):")
        out.append(f"    userId={members[0].uid}")
        out.append("    Packages")
        out.extend(
            f"      PackageSetting{{{hex_id('ps', m.spec.package, False)} "
            f"{m.spec.package}/{m.uid}}}"
            for m in members
        )
        runtime = [m for m in members if m.spec.runtime_granted]
        if runtime:
            out.append("    User 0: ")
            out.append("      runtime permissions:")
            for member in runtime:
                _runtime_lines(member, out, "        ")
    out.append("")
    user_apps = [a for a in apps if not a.spec.system or a.spec.updated_system]
    out.append("Package Changes:")
    out.append(f"  Sequence number={len(user_apps) + 3}")
    out.append("  User 0:")
    out.extend(f"    seq={i}, package={a.spec.package}" for i, a in enumerate(user_apps[-8:]))
    out.append("")
    out.append("")
    out.append("Frozen packages:")
    out.append("  (none)")
    out.append("")
    out.append("")
    out.append("Loaded volumes:")
    out.append("  (none)")
    out.append("")
    out.append("Service permissions:")
    out.extend(service_permissions)
    out.append("")
    out.append("")
    out.append("Dexopt state:")
    for app in apps:
        out.append(f"  [{app.spec.package}]")
        if app.spec.overlay:
            continue
        out.append(f"    path: {app.apk_file}")
        status = "speed-profile" if app.code_path.startswith("/data/") else "verify"
        reason = "bg-dexopt" if app.code_path.startswith("/data/") else "prebuilt"
        suffix = " [primary-abi]" if phone.sdk >= 34 else ""
        out.append(f"      arm64: [status={status}] [reason={reason}]{suffix}")
    out.append("")
    out.append("")
    out.append("Compiler stats:")
    for app in apps:
        out.append(f"  [{app.spec.package}]")
        if app.code_path.startswith("/data/"):
            out.append(f"     base.apk - {stable_number(200, 9000, 'cs', app.spec.package)}")
        else:
            out.append("    (No recorded stats)")
    out.append("")
    out.append("Settings parse messages:")
    out.append(f"Read completed successfully: {len(apps)} packages, {len(shared)} shared uids")
    out.append("")
    return "\n".join(out) + "\n"


def _boot_receiver(spec: AppSpec) -> str:
    return ".BootReceiver" if not spec.system else ".receivers.BootCompletedReceiver"


def _queries_section(apps: Sequence[ResolvedApp]) -> list[str]:
    forced = [a.spec.package for a in apps if a.spec.system and a.uid < 10000]
    lines = ["Queries:", "  system apps queryable: false", "  queries via forceQueryable:"]
    lines.append(f"    [{','.join(forced)}]")
    lines.append("  queries via package name:")
    lines.append("  queries via component:")
    lines.append("  queryable via interaction:")
    lines.append("    User 0:")
    system_uid = [a.spec.package for a in apps if a.uid == 1000]
    for app in apps:
        if app.spec.system:
            continue
        lines.append(f"      [{','.join(system_uid)}]:")
        lines.append(f"        {app.spec.package}")
    lines.append("  queryable via uses-library:")
    return lines
