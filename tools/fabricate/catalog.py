"""Building blocks for phones: app constructors, the AOSP and Google package sets, build
properties and default settings, as real Android 13/14 phones have them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from tools.fabricate.permissions import (
    STORE_PERMISSIONS,
)
from tools.fabricate.spec import (
    AppSpec,
    digest,
    hex_id,
    stable_number,
)

# --------------------------------------------------------------------------- building blocks


def system_app(
    package: str,
    label: str,
    apk_dir: str = "",
    *,
    partition: str = "system",
    priv: bool = False,
    uid: int = 0,
    shared: str = "",
    launcher: str = "",
    version: str = "",
    code: int = 0,
    perms: Sequence[str] = (),
    runtime: Sequence[str] = (),
    **extra: object,
) -> AppSpec:
    """A preinstalled app (version defaults to the platform's, as AOSP apps report)."""
    spec = AppSpec(
        package=package,
        label=label,
        apk_dir=apk_dir,
        partition=partition,
        privileged=priv,
        system=True,
        uid=uid,
        shared_user=shared,
        launcher=launcher,
        version_name=version,
        version_code=code,
        permissions=tuple(perms),
        runtime_granted=tuple(runtime),
    )
    return replace(spec, **extra)  # type: ignore[arg-type]


def with_platform_versions(apps: Iterable[AppSpec], sdk: int) -> tuple[AppSpec, ...]:
    """Fill in platform versions (``versionName=14 versionCode=34``) and target SDKs."""
    release = {33: "13", 34: "14"}.get(sdk, str(sdk))
    return tuple(
        replace(
            app,
            version_name=app.version_name or release,
            version_code=app.version_code or sdk,
            target_sdk=sdk if app.system else app.target_sdk,
            min_sdk=sdk if app.system and not app.updated_system else app.min_sdk,
        )
        for app in apps
    )


def store_app(
    package: str,
    label: str,
    version: str,
    code: int,
    installed: str,
    updated: str = "",
    *,
    launcher: str = ".MainActivity",
    granted: Sequence[str] = (),
    denied: Sequence[str] = (),
    perms: Sequence[str] = (),
    installer: str | None = "com.android.vending",
    target: int = 34,
    **extra: object,
) -> AppSpec:
    """An app installed by the user from a store."""
    spec = AppSpec(
        package=package,
        label=label,
        version_name=version,
        version_code=code,
        installer=installer,
        launcher=launcher,
        first_install=installed,
        last_update=updated or installed,
        target_sdk=target,
        permissions=(*STORE_PERMISSIONS, *perms),
        runtime_granted=tuple(granted),
        runtime_denied=tuple(denied),
    )
    return replace(spec, **extra)  # type: ignore[arg-type]


def perms(*names: str) -> tuple[str, ...]:
    """``android.permission.`` names from their short form."""
    return tuple(name if "." in name else f"android.permission.{name}" for name in names)


PHONE_RUNTIME = perms("READ_PHONE_STATE", "CALL_PHONE", "READ_CALL_LOG", "WRITE_CALL_LOG")
SMS_RUNTIME = perms("READ_SMS", "RECEIVE_SMS", "SEND_SMS", "RECEIVE_MMS")
CONTACTS_RUNTIME = perms("READ_CONTACTS", "WRITE_CONTACTS", "GET_ACCOUNTS")
GMS_PERMS = perms(
    "INTERNET",
    "ACCESS_NETWORK_STATE",
    "WAKE_LOCK",
    "RECEIVE_BOOT_COMPLETED",
    "FOREGROUND_SERVICE",
    "GET_ACCOUNTS_PRIVILEGED",
    "INTERACT_ACROSS_USERS",
    "MANAGE_USERS",
    "READ_PRIVILEGED_PHONE_STATE",
    "WRITE_SECURE_SETTINGS",
    "BIND_DEVICE_ADMIN",
    "MANAGE_DEVICE_ADMINS",
)


def aosp_core(sdk: int) -> list[AppSpec]:
    """Packages every Android 13/14 phone has, with their real shared uids."""
    apex = f"@{sdk}0090000"
    return [
        system_app(
            "android",
            "Android System",
            code_path="/system/framework/framework-res.apk",
            uid=1000,
            shared="android.uid.system",
            persistent=True,
        ),
        system_app(
            "com.android.providers.settings",
            "Settings Storage",
            "SettingsProvider",
            priv=True,
            uid=1000,
            shared="android.uid.system",
            persistent=True,
        ),
        system_app(
            "com.android.server.telecom",
            "Call Management",
            "Telecom",
            priv=True,
            uid=1000,
            shared="android.uid.system",
        ),
        system_app(
            "com.android.location.fused",
            "Fused Location",
            "FusedLocation",
            priv=True,
            uid=1000,
            shared="android.uid.system",
        ),
        system_app(
            "com.android.keychain",
            "Key Chain",
            "KeyChain",
            priv=True,
            uid=1000,
            shared="android.uid.system",
        ),
        system_app(
            "com.android.inputdevices",
            "Input Devices",
            "InputDevices",
            priv=True,
            uid=1000,
            shared="android.uid.system",
        ),
        system_app(
            "com.android.localtransport",
            "Local Transport",
            "LocalTransport",
            priv=True,
            uid=1000,
            shared="android.uid.system",
        ),
        system_app(
            "com.android.wallpaperbackup",
            "Wallpaper Backup",
            "WallpaperBackup",
            priv=True,
            uid=1000,
            shared="android.uid.system",
        ),
        system_app(
            "com.android.dynsystem",
            "Dynamic System Updates",
            "DynamicSystemInstallationService",
            priv=True,
            uid=1000,
            shared="android.uid.system",
        ),
        system_app(
            "com.android.phone",
            "Phone Services",
            "TeleService",
            priv=True,
            uid=1001,
            shared="android.uid.phone",
            persistent=True,
            runtime=perms("READ_CONTACTS", "READ_SMS", "RECEIVE_SMS", "READ_CALL_LOG"),
        ),
        system_app(
            "com.android.providers.telephony",
            "Phone and Messaging Storage",
            "TelephonyProvider",
            priv=True,
            uid=1001,
            shared="android.uid.phone",
        ),
        system_app("com.android.stk", "SIM Toolkit", "Stk", uid=1001, shared="android.uid.phone"),
        system_app(
            "com.android.mms.service",
            "MmsService",
            "MmsService",
            priv=True,
            uid=1001,
            shared="android.uid.phone",
        ),
        system_app(
            "com.android.bluetooth",
            "Bluetooth",
            code_path=f"/apex/com.android.btservices/app/Bluetooth{apex}",
            uid=1002,
            shared="android.uid.bluetooth",
            persistent=True,
        ),
        system_app(
            "com.android.nfc",
            "NFC Service",
            "NfcNci",
            uid=1027,
            shared="android.uid.nfc",
            persistent=True,
        ),
        system_app(
            "com.android.se",
            "SecureElementApplication",
            "SecureElement",
            uid=1068,
            shared="android.uid.se",
            persistent=True,
        ),
        system_app(
            "com.android.shell", "Shell", "Shell", priv=True, uid=2000, shared="android.uid.shell"
        ),
        system_app(
            "com.android.providers.downloads",
            "Download Manager",
            "DownloadProvider",
            priv=True,
            uid=10040,
            shared="android.media",
        ),
        system_app(
            "com.android.providers.downloads.ui",
            "Downloads",
            "DownloadProviderUi",
            uid=10040,
            shared="android.media",
        ),
        system_app(
            "com.android.mtp",
            "MTP Host",
            "MtpService",
            priv=True,
            uid=10040,
            shared="android.media",
        ),
        system_app(
            "com.android.providers.contacts",
            "Contacts Storage",
            "ContactsProvider",
            priv=True,
            uid=10045,
            shared="android.uid.shared",
        ),
        system_app(
            "com.android.providers.userdictionary",
            "User Dictionary",
            "UserDictionaryProvider",
            uid=10045,
            shared="android.uid.shared",
        ),
        system_app(
            "com.android.providers.blockednumber",
            "Blocked Numbers Storage",
            "BlockedNumberProvider",
            priv=True,
            uid=10045,
            shared="android.uid.shared",
        ),
        system_app(
            "com.android.calllogbackup",
            "Call Log Backup/Restore",
            "CallLogBackup",
            priv=True,
            uid=10045,
            shared="android.uid.shared",
        ),
        system_app(
            "com.android.providers.calendar",
            "Calendar Storage",
            "CalendarProvider",
            priv=True,
            uid=10046,
            shared="android.uid.calendar",
        ),
        system_app(
            "com.android.externalstorage", "External Storage", "ExternalStorageProvider", priv=True
        ),
        system_app("com.android.certinstaller", "Certificate Installer", "CertInstaller"),
        system_app("com.android.vpndialogs", "VpnDialogs", "VpnDialogs", priv=True),
        system_app("com.android.emergency", "Emergency information", "EmergencyInfo", priv=True),
        system_app("com.android.printspooler", "Print Spooler", "PrintSpooler"),
        system_app("com.android.bips", "Default Print Service", "BuiltInPrintService"),
        system_app("com.android.egg", "Android S Easter Egg", "EasterEgg"),
        system_app(
            "com.android.wallpaper.livepicker", "Live Wallpaper Picker", "LiveWallpapersPicker"
        ),
        system_app(
            "com.android.managedprovisioning", "Work Setup", "ManagedProvisioning", priv=True
        ),
        system_app(
            "com.android.companiondevicemanager",
            "Companion Device Manager",
            "CompanionDeviceManager",
            priv=True,
        ),
        system_app("com.android.storagemanager", "Storage Manager", "StorageManager", priv=True),
        system_app(
            "com.android.sharedstoragebackup",
            "Shared Storage Backup",
            "SharedStorageBackup",
            priv=True,
        ),
        system_app(
            "com.android.backupconfirm",
            "com.android.backupconfirm",
            "BackupRestoreConfirmation",
            priv=True,
        ),
        system_app("com.android.proxyhandler", "ProxyHandler", "ProxyHandler", priv=True),
        system_app("com.android.smspush", "com.android.smspush", "WAPPushManager"),
        system_app(
            "com.android.statementservice", "Intent Filter Verification Service", "StatementService"
        ),
        system_app(
            "com.google.android.packageinstaller",
            "Package installer",
            "GooglePackageInstaller",
            priv=True,
        ),
        system_app(
            "com.google.android.permissioncontroller",
            "Permission controller",
            code_path=f"/apex/com.android.permission/priv-app/GooglePermissionController{apex}",
            priv=True,
        ),
        system_app(
            "com.google.android.providers.media.module",
            "Media Storage",
            code_path=f"/apex/com.android.mediaprovider/priv-app/MediaProviderGoogle{apex}",
            priv=True,
        ),
        system_app(
            "com.google.android.ext.services",
            "Android Services Library",
            code_path=f"/apex/com.android.extservices/priv-app/GoogleExtServices{apex}",
            priv=True,
        ),
        system_app("com.google.android.documentsui", "Files", "DocumentsUIGoogle", priv=True),
        system_app(
            "com.google.android.cellbroadcastreceiver",
            "Wireless emergency alerts",
            code_path=f"/apex/com.android.cellbroadcast/priv-app/GoogleCellBroadcastApp{apex}",
            priv=True,
        ),
    ]


def google_core(now_year: int) -> list[AppSpec]:
    """Google Mobile Services, preinstalled and kept up to date by the Play Store."""
    updated = (
        f"{now_year}-11-0{stable_number(1, 9, 'gmsday')} 03:1{stable_number(0, 9, 'gmsmin')}:42"
    )
    return [
        system_app(
            "com.google.android.gms",
            "Google Play services",
            "PrebuiltGmsCore",
            partition="product",
            priv=True,
            updated_system=True,
            installer="com.android.vending",
            version="26.44.31 (190400-812764005)",
            code=264431035,
            last_update=updated,
            perms=GMS_PERMS,
            runtime=perms(
                "ACCESS_FINE_LOCATION",
                "ACCESS_COARSE_LOCATION",
                "ACCESS_BACKGROUND_LOCATION",
                "READ_CONTACTS",
                "GET_ACCOUNTS",
                "READ_PHONE_STATE",
                "CAMERA",
                "RECORD_AUDIO",
            ),
            device_admin=".mdm.receivers.MdmDeviceAdminReceiver",
            admin_active=True,
            admin_policies=("force-lock", "wipe-data", "reset-password"),
            authenticator="com.google",
            authenticator_service=(
                "com.google.android.gms.auth.account.authenticator"
                ".GoogleAccountAuthenticatorService"
            ),
        ),
        system_app(
            "com.google.android.gsf",
            "Google Services Framework",
            "GoogleServicesFramework",
            partition="product",
            priv=True,
        ),
        system_app(
            "com.android.vending",
            "Google Play Store",
            "Phonesky",
            partition="product",
            priv=True,
            updated_system=True,
            installer="com.android.vending",
            version="46.3.21-31 [0] [PR] 812955163",
            code=84632110,
            last_update=updated,
            launcher="com.android.vending.AssetBrowserActivity",
            perms=perms(
                "INTERNET",
                "INSTALL_PACKAGES",
                "DELETE_PACKAGES",
                "PACKAGE_VERIFICATION_AGENT",
                "RECEIVE_BOOT_COMPLETED",
            ),
        ),
        system_app(
            "com.android.chrome",
            "Chrome",
            "Chrome",
            partition="product",
            updated_system=True,
            installer="com.android.vending",
            version="142.0.7444.171",
            code=744417133,
            last_update=updated,
            launcher="com.google.android.apps.chrome.Main",
            perms=perms("INTERNET", "ACCESS_NETWORK_STATE"),
            runtime=perms("POST_NOTIFICATIONS"),
        ),
        system_app(
            "com.google.android.webview",
            "Android System WebView",
            "WebViewGoogle",
            partition="product",
            updated_system=True,
            installer="com.android.vending",
            version="142.0.7444.171",
            code=744417134,
            last_update=updated,
        ),
        system_app(
            "com.google.android.googlequicksearchbox",
            "Google",
            "Velvet",
            partition="product",
            priv=True,
            updated_system=True,
            installer="com.android.vending",
            version="16.44.38.sa.arm64",
            code=301567823,
            last_update=updated,
            launcher="com.google.android.googlequicksearchbox.SearchActivity",
            runtime=perms("RECORD_AUDIO", "ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"),
        ),
        system_app(
            "com.google.android.youtube",
            "YouTube",
            "YouTube",
            partition="product",
            launcher="com.google.android.youtube.app.honeycomb.Shell$HomeActivity",
        ),
        system_app(
            "com.google.android.apps.maps",
            "Maps",
            "Maps",
            partition="product",
            launcher="com.google.android.maps.MapsActivity",
            runtime=perms("ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"),
        ),
        system_app(
            "com.google.android.gm",
            "Gmail",
            "PrebuiltGmail",
            partition="product",
            launcher=".ConversationListActivityGmail",
        ),
        system_app(
            "com.google.android.apps.photos",
            "Photos",
            "Photos",
            partition="product",
            launcher=".home.HomeActivity",
            runtime=perms("READ_MEDIA_IMAGES", "READ_MEDIA_VIDEO"),
        ),
        system_app(
            "com.google.android.apps.docs",
            "Drive",
            "Drive",
            partition="product",
            launcher="com.google.android.apps.docs.app.NewMainProxyActivity",
        ),
        system_app(
            "com.google.android.apps.tachyon",
            "Meet",
            "Duo",
            partition="product",
            launcher=".MainActivity",
        ),
        system_app(
            "com.google.android.apps.youtube.music",
            "YouTube Music",
            "YouTubeMusicPrebuilt",
            partition="product",
            launcher="com.google.android.apps.youtube.music.activities.MusicActivity",
        ),
        system_app(
            "com.google.android.tts", "Speech Services by Google", "GoogleTTS", partition="product"
        ),
        system_app(
            "com.google.android.projection.gearhead",
            "Android Auto",
            "AndroidAutoStubPrebuilt",
            partition="product",
        ),
        system_app(
            "com.google.android.overlay.gmsconfig",
            "GMS config overlay",
            "GmsConfigOverlayCommon",
            partition="product",
            overlay=True,
        ),
    ]


# --------------------------------------------------------------------------- properties


def common_props(serial: str, timezone: str) -> dict[str, str]:
    """Properties every modern phone has; the device-specific ones are added on top."""
    return {
        "apex.all.ready": "true",
        "bluetooth.profile.a2dp.source.enabled": "true",
        "bluetooth.profile.gatt.enabled": "true",
        "bluetooth.profile.hfp.ag.enabled": "true",
        "bluetooth.profile.hid.host.enabled": "true",
        "bluetooth.profile.opp.enabled": "true",
        "bluetooth.profile.pan.nap.enabled": "true",
        "bootreceiver.enable": "1",
        "dalvik.vm.appimageformat": "lz4",
        "dalvik.vm.dex2oat-Xms": "64m",
        "dalvik.vm.dex2oat-Xmx": "512m",
        "dalvik.vm.dex2oat-max-image-block-size": "524288",
        "dalvik.vm.dex2oat-minidebuginfo": "true",
        "dalvik.vm.dex2oat-resolve-startup-strings": "true",
        "dalvik.vm.dexopt.secondary": "true",
        "dalvik.vm.heapgrowthlimit": "256m",
        "dalvik.vm.heapmaxfree": "16m",
        "dalvik.vm.heapminfree": "2m",
        "dalvik.vm.heapsize": "512m",
        "dalvik.vm.heapstartsize": "8m",
        "dalvik.vm.heaptargetutilization": "0.5",
        "dalvik.vm.isa.arm.variant": "cortex-a76",
        "dalvik.vm.isa.arm64.features": "default",
        "dalvik.vm.isa.arm64.variant": "cortex-a76",
        "dalvik.vm.lockprof.threshold": "500",
        "dalvik.vm.usejit": "true",
        "dalvik.vm.usejitprofiles": "true",
        "debug.sf.latch_unsignaled": "1",
        "dev.bootcomplete": "1",
        "drm.service.enabled": "true",
        "gsm.current.phone-type": "1",
        "gsm.network.type": "LTE",
        "gsm.nitz.time": "1764316921000",
        "gsm.operator.alpha": "EE",
        "gsm.operator.iso-country": "gb",
        "gsm.operator.isroaming": "false",
        "gsm.operator.numeric": "23430",
        "gsm.sim.operator.alpha": "EE",
        "gsm.sim.operator.iso-country": "gb",
        "gsm.sim.operator.numeric": "23430",
        "gsm.sim.state": "LOADED",
        "init.svc.adbd": "running",
        "init.svc.bootanim": "stopped",
        "init.svc.servicemanager": "running",
        "init.svc.surfaceflinger": "running",
        "init.svc.vold": "running",
        "init.svc.zygote": "running",
        "net.bt.name": "Android",
        "persist.sys.dalvik.vm.lib.2": "libart.so",
        "persist.sys.locale": "en-GB",
        "persist.sys.timezone": timezone,
        "persist.sys.usb.config": "adb",
        "pm.dexopt.ab-ota": "speed-profile",
        "pm.dexopt.bg-dexopt": "speed-profile",
        "pm.dexopt.boot-after-ota": "verify",
        "pm.dexopt.first-boot": "verify",
        "pm.dexopt.install": "speed-profile",
        "pm.dexopt.shared": "speed",
        "ro.adb.secure": "1",
        "ro.allow.mock.location": "0",
        "ro.boot.flash.locked": "1",
        "ro.boot.serialno": serial,
        "ro.boot.vbmeta.avb_version": "1.0",
        "ro.boot.vbmeta.device_state": "locked",
        "ro.boot.vbmeta.hash_alg": "sha256",
        "ro.boot.verifiedbootstate": "green",
        "ro.boot.veritymode": "enforcing",
        "ro.build.characteristics": "nosdcard",
        "ro.build.type": "user",
        "ro.build.tags": "release-keys",
        "ro.build.user": "android-build",
        "ro.build.version.all_codenames": "REL",
        "ro.build.version.codename": "REL",
        "ro.build.version.min_supported_target_sdk": "23",
        "ro.build.version.preview_sdk": "0",
        "ro.build.version.preview_sdk_fingerprint": "REL",
        "ro.crypto.state": "encrypted",
        "ro.crypto.type": "file",
        "ro.debuggable": "0",
        "ro.oem_unlock_supported": "1",
        "ro.opengles.version": "196610",
        "ro.product.cpu.abi": "arm64-v8a",
        "ro.product.cpu.abilist": "arm64-v8a,armeabi-v7a,armeabi",
        "ro.product.cpu.abilist32": "armeabi-v7a,armeabi",
        "ro.product.cpu.abilist64": "arm64-v8a",
        "ro.product.first_api_level": "30",
        "ro.product.locale": "en-GB",
        "ro.secure": "1",
        "ro.serialno": serial,
        "ro.treble.enabled": "true",
        "ro.zygote": "zygote64_32",
        "security.perf_harden": "1",
        "service.bootanim.exit": "1",
        "sys.boot_completed": "1",
        "sys.oem_unlock_allowed": "0",
        "sys.usb.config": "mtp,adb",
        "sys.usb.configfs": "1",
        "sys.usb.controller": "a600000.dwc3",
        "sys.usb.state": "mtp,adb",
        "sys.user.0.ce_available": "true",
        "vold.has_adoptable": "0",
        "wifi.interface": "wlan0",
    }


def product_props(
    brand: str, manufacturer: str, model: str, name: str, device: str
) -> dict[str, str]:
    props: dict[str, str] = {}
    for partition in ("", "odm.", "product.", "system.", "system_ext.", "vendor."):
        props[f"ro.product.{partition}brand"] = brand
        props[f"ro.product.{partition}device"] = device
        props[f"ro.product.{partition}manufacturer"] = manufacturer
        props[f"ro.product.{partition}model"] = model
        props[f"ro.product.{partition}name"] = name
    return props


def build_props(
    fingerprint_head: str,
    release: str,
    sdk: int,
    build_id: str,
    incremental: str,
    patch: str,
    build_date: datetime,
    product: str,
) -> dict[str, str]:
    fingerprint = f"{fingerprint_head}:{release}/{build_id}/{incremental}:user/release-keys"
    props = {
        "ro.build.date": build_date.strftime("%a %b %d %H:%M:%S UTC %Y"),
        "ro.build.date.utc": str(int((build_date - datetime(1970, 1, 1)).total_seconds())),
        "ro.build.description": f"{product}-user {release} {build_id} {incremental} release-keys",
        "ro.build.display.id": build_id,
        "ro.build.fingerprint": fingerprint,
        "ro.build.flavor": f"{product}-user",
        "ro.build.id": build_id,
        "ro.build.product": product,
        "ro.build.version.incremental": incremental,
        "ro.build.version.release": release,
        "ro.build.version.release_or_codename": release,
        "ro.build.version.release_or_preview_display": release,
        "ro.build.version.sdk": str(sdk),
        "ro.build.version.security_patch": patch,
        "ro.vendor.build.security_patch": patch,
    }
    for partition in ("odm", "product", "system", "system_ext", "vendor"):
        props[f"ro.{partition}.build.fingerprint"] = fingerprint
        props[f"ro.{partition}.build.version.sdk"] = str(sdk)
        props[f"ro.{partition}.build.version.release"] = release
        props[f"ro.{partition}.build.id"] = build_id
        props[f"ro.{partition}.build.type"] = "user"
        props[f"ro.{partition}.build.tags"] = "release-keys"
    return props


def base_global(device_name: str, build_id: str) -> dict[str, str]:
    return {
        "adb_enabled": "1",
        "adb_wifi_enabled": "0",
        "airplane_mode_on": "0",
        "airplane_mode_radios": "cell,bluetooth,uwb,wifi,wimax",
        "airplane_mode_toggleable_radios": "bluetooth,wifi",
        "animator_duration_scale": "1.0",
        "apply_ramping_ringer": "0",
        "assisted_gps_enabled": "1",
        "audio_safe_volume_state": "3",
        "auto_time": "1",
        "auto_time_zone": "1",
        "ble_scan_always_enabled": "1",
        "bluetooth_on": "1",
        "boot_count": "47",
        "call_auto_retry": "0",
        "captive_portal_mode": "1",
        "cdma_cell_broadcast_sms": "1",
        "charging_started_sound": "/product/media/audio/ui/ChargingStarted.ogg",
        "data_roaming": "0",
        "database_creation_buildid": build_id,
        "default_install_location": "0",
        "development_settings_enabled": "1",
        "device_name": device_name,
        "device_provisioned": "1",
        "dock_sounds_enabled": "0",
        "emergency_tone": "0",
        "heads_up_notifications_enabled": "1",
        "lock_sound": "/product/media/audio/ui/Lock.ogg",
        "low_battery_sound": "/product/media/audio/ui/LowBattery.ogg",
        "mobile_data": "1",
        "mobile_data_always_on": "1",
        "mode_ringer": "2",
        "multi_sim_data_call": "1",
        "network_recommendations_enabled": "1",
        "power_sounds_enabled": "1",
        "private_dns_mode": "opportunistic",
        "stay_on_while_plugged_in": "0",
        "transition_animation_scale": "1.0",
        "unlock_sound": "/product/media/audio/ui/Unlock.ogg",
        "usb_mass_storage_enabled": "1",
        "verifier_verify_adb_installs": "1",
        "wifi_max_dhcp_retry_count": "9",
        "wifi_networks_available_notification_on": "1",
        "wifi_on": "1",
        "wifi_scan_always_enabled": "1",
        "wifi_wakeup_enabled": "1",
        "window_animation_scale": "1.0",
        "wireless_charging_started_sound": "/product/media/audio/ui/WirelessChargingStarted.ogg",
        "zen_mode": "0",
    }


def base_secure(
    serial: str, device_name: str, keyboard: str, launcher_service: str
) -> dict[str, str]:
    return {
        "accessibility_button_mode": "1",
        "accessibility_display_inversion_enabled": "0",
        "accessibility_display_magnification_enabled": "0",
        "accessibility_enabled": "0",
        "android_id": hex_id("android_id", serial).rjust(8, "0")
        + hex_id("aid2", serial).rjust(8, "0"),
        "backup_enabled": "1",
        "backup_transport": "com.google.android.gms/.backup.BackupTransportService",
        "bluetooth_address": "F4:" + ":".join(f"{b:02X}" for b in digest("bt", serial)[:5]),
        "bluetooth_name": device_name,
        "charging_sounds_enabled": "1",
        "default_input_method": keyboard,
        "doze_always_on": "0",
        "enabled_input_methods": keyboard,
        "enabled_notification_assistant": (
            "com.google.android.ext.services/android.ext.services.notification.Assistant"
        ),
        "enabled_notification_listeners": launcher_service,
        "install_non_market_apps": "1",
        "location_mode": "3",
        "lock_screen_allow_private_notifications": "1",
        "lock_screen_show_notifications": "1",
        "long_press_timeout": "400",
        "mock_location": "0",
        "multi_press_timeout": "300",
        "navigation_mode": "2",
        "notification_badging": "1",
        "screensaver_activate_on_dock": "1",
        "screensaver_activate_on_sleep": "0",
        "screensaver_enabled": "0",
        "selected_spell_checker": (
            "com.google.android.inputmethod.latin/com.android.inputmethod.latin.spellcheck"
            ".AndroidSpellCheckerService"
        ),
        "skip_first_use_hints": "1",
        "touch_exploration_enabled": "0",
        "tts_default_synth": "com.google.android.tts",
        "user_setup_complete": "1",
        "voice_interaction_service": (
            "com.google.android.googlequicksearchbox/com.google.android.voiceinteraction"
            ".GsaVoiceInteractionService"
        ),
    }
