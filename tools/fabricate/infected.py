"""The built-in ``infected`` phone: a Galaxy A52 on Android 13 with stalkerware planted."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from tools.fabricate.catalog import (
    CONTACTS_RUNTIME,
    PHONE_RUNTIME,
    SMS_RUNTIME,
    aosp_core,
    base_global,
    base_secure,
    build_props,
    common_props,
    google_core,
    perms,
    product_props,
    store_app,
    system_app,
    with_platform_versions,
)
from tools.fabricate.spec import (
    AccountSpec,
    AppSpec,
    PhoneSpec,
    RemovedAppSpec,
    TrustedComputerSpec,
)

# ------------------------------------------------------------------------ the infected A52

INFECTED_SERIAL: Final = "SIMINFECTED01"

KNOWN_STALKERWARE: Final = "com.systemservice"
"""TheTruthSpy family (ioc.yaml), hidden as 'System Service'."""
SECOND_STALKERWARE: Final = "com.mobiletrackerfree.www"
"""MobileTrackerFree family (ioc.yaml), with a launcher icon."""
UNKNOWN_SPY: Final = "com.android.sys.wifiservice"
"""Not in any indicator list: only its behaviour gives it away."""
DUAL_USE: Final = "com.life360.android.safetymapd"
"""Life360 (watchware.yaml), from the Play Store."""
REMOVED_STALKERWARE: Final = "com.ispyoo"
"""iSpyoo, of the TheTruthSpy family (ioc.yaml): installed, then removed before the scan."""
REMOVED_INSTALLED: Final = "2026-11-19 22:03:11"
REMOVED_REMOVED: Final = "2026-11-24 23:09:27"
OTHER_COMPUTER: Final = "mark@laptop"
"""The computer that set the phone up over a cable; it is still trusted."""
OTHER_COMPUTER_LAST_CONNECTION: Final = "2026-11-24 23:16:40"

_SPY_INSTALL_PERMS = perms(
    "INTERNET",
    "ACCESS_NETWORK_STATE",
    "ACCESS_WIFI_STATE",
    "WAKE_LOCK",
    "FOREGROUND_SERVICE",
    "RECEIVE_BOOT_COMPLETED",
    "REQUEST_IGNORE_BATTERY_OPTIMIZATIONS",
    "QUERY_ALL_PACKAGES",
    "BIND_ACCESSIBILITY_SERVICE",
    "BIND_NOTIFICATION_LISTENER_SERVICE",
    "BIND_DEVICE_ADMIN",
)
_SPY_RUNTIME = perms(
    "ACCESS_FINE_LOCATION",
    "ACCESS_COARSE_LOCATION",
    "ACCESS_BACKGROUND_LOCATION",
    "READ_SMS",
    "RECEIVE_SMS",
    "READ_CALL_LOG",
    "READ_CONTACTS",
    "RECORD_AUDIO",
    "CAMERA",
    "READ_PHONE_STATE",
    "READ_EXTERNAL_STORAGE",
    "POST_NOTIFICATIONS",
)


def _a52_props(serial: str) -> dict[str, str]:
    props = common_props(serial, "Europe/London")
    props.update(product_props("samsung", "samsung", "SM-A525F", "a52qnsxx", "a52q"))
    props.update(
        build_props(
            "samsung/a52qnsxx/a52q",
            "13",
            33,
            "TP1A.220624.014",
            "A525FXXS6EXB2",
            "2024-03-01",
            datetime(2024, 2, 14, 11, 52, 37),
            "a52q",
        )
    )
    props.update(
        {
            "ro.board.platform": "atoll",
            "ro.boot.hardware": "qcom",
            "ro.boot.bootloader": "A525FXXS6EXB2",
            "ro.bootloader": "A525FXXS6EXB2",
            "ro.boot.em.model": "SM-A525F",
            "ro.boot.warranty_bit": "0",
            "ro.build.PDA": "A525FXXS6EXB2",
            "ro.build.changelist": "27954381",
            "ro.build.display.id": "TP1A.220624.014.A525FXXS6EXB2",
            "ro.build.host": "SWDK7404",
            "ro.build.version.oneui": "50100",
            "ro.build.version.sem": "3301",
            "ro.build.version.sep": "140100",
            "ro.csc.country_code": "UK",
            "ro.csc.sales_code": "BTU",
            "ro.hardware": "qcom",
            "ro.product.board": "atoll",
            "ro.product.first_api_level": "30",
            "ro.security.vaultkeeper.feature": "1",
            "ro.soc.manufacturer": "QTI",
            "ro.soc.model": "SM7125",
            "gsm.version.baseband": "A525FXXS6EXB2,A525FXXS6EXB2",
            "persist.sys.usb.config": "mtp,adb",
            "ril.official_cscver": "A525FOXM6EXB2",
        }
    )
    return props


def _samsung_system() -> list[AppSpec]:
    return [
        system_app(
            "com.android.systemui",
            "System UI",
            "SystemUI",
            priv=True,
            persistent=True,
            runtime=perms("POST_NOTIFICATIONS"),
        ),
        system_app(
            "com.android.settings",
            "Settings",
            "SecSettings",
            priv=True,
            uid=1000,
            shared="android.uid.system",
            launcher=".Settings",
        ),
        system_app(
            "com.sec.android.app.launcher",
            "One UI Home",
            "TouchWizHome_2017",
            priv=True,
            notification_listener="com.android.launcher3.notification.NotificationListener",
            listener_enabled=True,
        ),
        system_app(
            "com.samsung.android.messaging",
            "Messages",
            "SamsungMessages_13",
            priv=True,
            launcher="com.android.mms.ui.ConversationComposer",
            runtime=(*SMS_RUNTIME, "android.permission.READ_CONTACTS"),
        ),
        system_app(
            "com.samsung.android.dialer",
            "Phone",
            "SamsungDialer",
            priv=True,
            launcher=".DialtactsActivity",
            runtime=(*PHONE_RUNTIME, *CONTACTS_RUNTIME),
        ),
        system_app(
            "com.samsung.android.app.contacts",
            "Contacts",
            "SamsungContacts",
            priv=True,
            launcher="com.android.contacts.activities.PeopleActivity",
            runtime=CONTACTS_RUNTIME,
        ),
        system_app(
            "com.sec.android.app.camera",
            "Camera",
            "SamsungCamera",
            priv=True,
            launcher=".Camera",
            runtime=perms("CAMERA", "RECORD_AUDIO", "ACCESS_FINE_LOCATION"),
        ),
        system_app(
            "com.sec.android.gallery3d",
            "Gallery",
            "SamsungGallery2018",
            priv=True,
            launcher="com.samsung.android.gallery.app.activity.GalleryActivity",
            runtime=perms("READ_MEDIA_IMAGES", "READ_MEDIA_VIDEO"),
        ),
        system_app(
            "com.sec.android.app.sbrowser",
            "Samsung Internet",
            "SBrowser_20.0",
            updated_system=True,
            installer="com.sec.android.app.samsungapps",
            version="28.0.2.1",
            code=2800021000,
            last_update="2026-10-17 03:12:40",
            launcher=".SBrowserMainActivity",
            appops=(("REQUEST_INSTALL_PACKAGES", "allow"),),
            perms=perms("INTERNET", "ACCESS_NETWORK_STATE"),
        ),
        system_app(
            "com.sec.android.app.myfiles",
            "My Files",
            "SecMyFiles2020",
            priv=True,
            launcher=".external.ui.MainActivity",
            appops=(("REQUEST_INSTALL_PACKAGES", "allow"), ("MANAGE_EXTERNAL_STORAGE", "allow")),
        ),
        system_app(
            "com.samsung.android.calendar",
            "Calendar",
            "SamsungCalendar",
            launcher="com.samsung.android.app.calendar.activity.MainActivity",
        ),
        system_app(
            "com.sec.android.app.clockpackage", "Clock", "ClockPackage", launcher=".ClockPackage"
        ),
        system_app(
            "com.sec.android.app.popupcalculator",
            "Calculator",
            "SamsungCalculator",
            launcher=".Calculator",
        ),
        system_app(
            "com.samsung.android.app.notes",
            "Samsung Notes",
            "Notes40",
            launcher=".memolist.MemoListActivity",
        ),
        system_app(
            "com.sec.android.app.voicenote",
            "Voice Recorder",
            "VoiceNote_5.0",
            launcher=".main.VNMainActivity",
            runtime=perms("RECORD_AUDIO"),
        ),
        system_app(
            "com.samsung.android.voc",
            "Samsung Members",
            "SamsungMembers",
            launcher=".LauncherActivity",
        ),
        system_app(
            "com.sec.android.app.samsungapps",
            "Galaxy Store",
            "GalaxyApps_OPEN",
            priv=True,
            launcher=".SamsungAppsMainActivity",
        ),
        system_app("com.samsung.android.scloud", "Samsung Cloud", "SamsungCloudClient", priv=True),
        system_app(
            "com.osp.app.signin",
            "Samsung account",
            "SamsungAccount",
            priv=True,
            authenticator="com.osp.app.signin",
            authenticator_service=(
                "com.samsung.android.samsungaccount.authentication.service.AuthenticatorService"
            ),
        ),
        system_app("com.samsung.android.bixby.agent", "Bixby Voice", "BixbyAgentStub", priv=True),
        system_app(
            "com.samsung.android.lool", "Device care", "SmartManager_v6_DeviceSecurity", priv=True
        ),
        system_app("com.samsung.android.honeyboard", "Samsung Keyboard", "HoneyBoard", priv=True),
        system_app(
            "com.samsung.android.accessibility.talkback",
            "Voice Assistant",
            "SamsungTalkback",
            priv=True,
            accessibility="com.samsung.android.marvin.talkback.TalkBackService",
        ),
        system_app(
            "com.samsung.accessibility",
            "Accessibility",
            "AccessibilityApp",
            priv=True,
            accessibility=".universalswitch.UniversalSwitchService",
        ),
        system_app("com.samsung.android.app.tips", "Tips", "Tips"),
        system_app(
            "com.samsung.android.game.gamehome",
            "Game Launcher",
            "GameHome",
            launcher=".main.MainActivity",
        ),
        system_app("com.samsung.android.app.spage", "Samsung Free", "BixbyHome"),
        system_app(
            "com.sec.android.easyMover",
            "Smart Switch",
            "SmartSwitch",
            priv=True,
            launcher=".IntroActivity",
        ),
        system_app(
            "com.samsung.android.forest", "Digital Wellbeing", "DigitalWellbeing", priv=True
        ),
        system_app(
            "com.samsung.android.oneconnect",
            "SmartThings",
            "OneConnect",
            priv=True,
            launcher=".ui.SCMainActivity",
        ),
        system_app("com.samsung.android.app.routines", "Modes and Routines", "Routines", priv=True),
        system_app(
            "com.samsung.android.spay",
            "Samsung Wallet",
            "SamsungPayStub",
            priv=True,
            launcher=".ui.SpayMainActivity",
        ),
        system_app("com.samsung.android.fmm", "Find My Mobile", "FMM", priv=True),
        system_app(
            "com.samsung.android.mobileservice",
            "Samsung Experience Service",
            "MobileService",
            priv=True,
        ),
        system_app(
            "com.samsung.android.video",
            "Video Player",
            "SamsungVideoPlayer",
            launcher=".player.activity.LauncherActivity",
        ),
        system_app(
            "com.google.android.apps.messaging",
            "Messages",
            "PrebuiltBugle",
            partition="product",
            runtime=SMS_RUNTIME,
        ),
    ]


def _infected_apps() -> tuple[AppSpec, ...]:
    sdk = 33
    core = aosp_core(sdk)
    samsung = _samsung_system()
    user = [
        store_app(
            "com.whatsapp",
            "WhatsApp",
            "2.24.4.78",
            240478006,
            "2021-08-14 13:22:05",
            "2026-11-22 04:40:51",
            launcher="com.whatsapp.Main",
            target=33,
            granted=perms(
                "CAMERA", "READ_CONTACTS", "RECORD_AUDIO", "POST_NOTIFICATIONS", "READ_MEDIA_IMAGES"
            ),
            authenticator="com.whatsapp",
            authenticator_service=".accountsync.AccountAuthenticatorService",
        ),
        store_app(
            "com.facebook.katana",
            "Facebook",
            "451.0.0.43.109",
            520913745,
            "2021-08-14 13:40:19",
            "2026-11-20 02:51:37",
            launcher=".LoginActivity",
            target=33,
            granted=perms("CAMERA", "POST_NOTIFICATIONS"),
            denied=perms("ACCESS_FINE_LOCATION", "READ_CONTACTS"),
        ),
        store_app(
            "com.instagram.android",
            "Instagram",
            "320.0.0.42.101",
            554912234,
            "2021-08-14 13:47:02",
            "2026-11-23 03:10:44",
            launcher="com.instagram.mainactivity.LauncherActivity",
            target=33,
            granted=perms("CAMERA", "POST_NOTIFICATIONS"),
        ),
        store_app(
            "com.zhiliaoapp.musically",
            "TikTok",
            "33.6.4",
            2023306040,
            "2022-11-02 19:31:55",
            "2026-11-27 04:05:12",
            launcher="com.ss.android.ugc.aweme.splash.SplashActivity",
            target=33,
            granted=perms("POST_NOTIFICATIONS"),
            denied=perms("CAMERA", "RECORD_AUDIO"),
        ),
        store_app(
            "com.spotify.music",
            "Spotify",
            "8.9.18.512",
            113410845,
            "2022-01-09 10:02:44",
            "2026-11-19 03:33:21",
            launcher=".MainActivity",
            target=33,
            granted=perms("POST_NOTIFICATIONS"),
        ),
        store_app(
            "com.snapchat.android",
            "Snapchat",
            "12.74.0.39",
            240521,
            "2023-04-30 16:48:09",
            "2026-11-25 02:18:36",
            launcher=".LandingPageActivity",
            target=33,
            granted=perms("CAMERA", "RECORD_AUDIO", "POST_NOTIFICATIONS"),
            denied=perms("ACCESS_FINE_LOCATION", "READ_CONTACTS"),
        ),
        store_app(
            DUAL_USE,
            "Life360",
            "24.9.0",
            2409001,
            "2026-09-02 21:14:33",
            "2026-11-15 03:26:08",
            launcher="com.life360.koko.root.RootActivity",
            target=33,
            granted=perms(
                "ACCESS_FINE_LOCATION",
                "ACCESS_COARSE_LOCATION",
                "ACCESS_BACKGROUND_LOCATION",
                "ACTIVITY_RECOGNITION",
                "POST_NOTIFICATIONS",
            ),
            denied=perms("READ_CONTACTS"),
            background_access=True,
        ),
        AppSpec(
            package=SECOND_STALKERWARE,
            label="Mobile Tracker",
            version_name="4.6.2",
            version_code=462,
            installer="com.google.android.packageinstaller",
            launcher="com.mobiletrackerfree.www.MainActivity",
            first_install="2026-10-30 22:47:13",
            last_update="2026-10-30 22:47:13",
            target_sdk=28,
            min_sdk=21,
            permissions=perms(
                "INTERNET",
                "ACCESS_NETWORK_STATE",
                "WAKE_LOCK",
                "FOREGROUND_SERVICE",
                "RECEIVE_BOOT_COMPLETED",
            ),
            runtime_granted=perms(
                "READ_SMS",
                "RECEIVE_SMS",
                "ACCESS_FINE_LOCATION",
                "ACCESS_COARSE_LOCATION",
                "READ_PHONE_STATE",
            ),
            runtime_denied=perms("RECORD_AUDIO", "CAMERA"),
            background_access=True,
        ),
        AppSpec(
            package=KNOWN_STALKERWARE,
            label="System Service",
            version_name="2.1.8",
            version_code=218,
            installer="com.google.android.packageinstaller",
            first_install="2026-11-24 23:18:52",
            last_update="2026-11-24 23:18:52",
            target_sdk=29,
            min_sdk=21,
            permissions=_SPY_INSTALL_PERMS,
            runtime_granted=_SPY_RUNTIME,
            accessibility=".services.SyncAccessibilityService",
            accessibility_enabled=True,
            device_admin=".receiver.AdminReceiver",
            admin_active=True,
            admin_policies=("force-lock", "wipe-data", "watch-login"),
            notification_listener=".services.NotificationMonitorService",
            listener_enabled=True,
            appops=(
                ("GET_USAGE_STATS", "allow"),
                ("SYSTEM_ALERT_WINDOW", "allow"),
                ("RUN_ANY_IN_BACKGROUND", "allow"),
            ),
            background_access=True,
        ),
        AppSpec(
            package=UNKNOWN_SPY,
            label="Wi-Fi Service",
            version_name="1.0.7",
            version_code=107,
            installer=None,
            first_install="2026-11-24 23:31:06",
            last_update="2026-11-24 23:31:06",
            target_sdk=30,
            min_sdk=24,
            permissions=_SPY_INSTALL_PERMS,
            runtime_granted=(*_SPY_RUNTIME, "android.permission.SEND_SMS"),
            accessibility=".core.WifiOptimizerService",
            accessibility_enabled=True,
            device_admin=".core.NetworkAdminReceiver",
            admin_active=True,
            admin_policies=("force-lock", "wipe-data", "disable-camera"),
            notification_listener=".core.ConnectionNotificationService",
            listener_enabled=True,
            appops=(
                ("GET_USAGE_STATS", "allow"),
                ("SYSTEM_ALERT_WINDOW", "allow"),
                ("MANAGE_EXTERNAL_STORAGE", "allow"),
            ),
            background_access=True,
        ),
    ]
    apps = [core[0], *samsung[:3], *core[1:], *samsung[3:], *google_core(2026), *user]
    return with_platform_versions(apps, sdk)


def infected_phone() -> PhoneSpec:
    """A Galaxy A52 on Android 13 (patch 2024-03-01) with stalkerware planted on it."""
    serial = INFECTED_SERIAL
    props = _a52_props(serial)
    global_settings = base_global("Galaxy A52", props["ro.build.id"])
    global_settings.update(
        {
            "adb_wifi_enabled": "1",
            "http_proxy": "192.168.1.47:8888",
            "package_verifier_enable": "0",
            "package_verifier_user_consent": "-1",
            "verifier_verify_adb_installs": "0",
        }
    )
    launcher_listener = (
        "com.sec.android.app.launcher/com.android.launcher3.notification.NotificationListener"
    )
    secure = base_secure(
        serial,
        "Galaxy A52",
        "com.samsung.android.honeyboard/.service.HoneyBoardService",
        launcher_listener,
    )
    secure["selected_spell_checker"] = (
        "com.samsung.android.honeyboard/.spellcheck.HoneyBoardSpellCheckerService"
    )
    return PhoneSpec(
        name="infected",
        description=(
            "A Samsung Galaxy A52 (SM-A525F) on Android 13 with a security patch from "
            "2024-03-01. Planted: TheTruthSpy (com.systemservice, hidden as 'System Service', "
            "accessibility + device admin + notification access), MobileTrackerFree "
            "(com.mobiletrackerfree.www), an unknown spy app 'Wi-Fi Service' "
            "(com.android.sys.wifiservice) and Life360 from the Play Store. Play Protect off, "
            "wireless debugging on, a global HTTP proxy and a second Google account. Traces "
            "of iSpyoo (com.ispyoo, TheTruthSpy family), installed on 2026-11-19 and removed "
            "on 2026-11-24 just before the new spyware went on, and a second computer "
            "(mark@laptop) still trusted for USB debugging."
        ),
        serial=serial,
        sdk=33,
        props=props,
        apps=_infected_apps(),
        accounts=(
            AccountSpec("com.google", "alex.morgan.1987@gmail.com", "2021-08-14 12:58:31"),
            AccountSpec("com.osp.app.signin", "alex.morgan.1987@gmail.com", "2021-08-14 13:03:10"),
            AccountSpec("com.whatsapp", "WhatsApp", "2021-08-14 13:24:47"),
            # Added the night the spyware was installed: an account the owner may not know.
            AccountSpec("com.google", "sync.backup.am@gmail.com", "2026-11-24 23:44:19"),
        ),
        global_settings=global_settings,
        secure_settings=secure,
        launcher_package="com.sec.android.app.launcher",
        removed_apps=(
            RemovedAppSpec(
                package=REMOVED_STALKERWARE,
                version_code=28,
                installed=REMOVED_INSTALLED,
                removed=REMOVED_REMOVED,
                uid=10181,
                appops=(
                    ("FINE_LOCATION", "allow"),
                    ("READ_SMS", "allow"),
                    ("RECORD_AUDIO", "allow"),
                ),
            ),
        ),
        trusted_computers=(
            TrustedComputerSpec(OTHER_COMPUTER, OTHER_COMPUTER_LAST_CONNECTION, asked_last=True),
        ),
        running=(
            "com.samsung.android.messaging",
            "com.whatsapp",
            DUAL_USE,
            SECOND_STALKERWARE,
            KNOWN_STALKERWARE,
            UNKNOWN_SPY,
        ),
    )
