"""The built-in ``clean`` phone: an ordinary Pixel 7 on Android 14 being scanned."""

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
)

# --------------------------------------------------------------------------- the clean Pixel 7


CLEAN_SERIAL: Final = "SIMCLEAN01"


def _pixel7_props(serial: str) -> dict[str, str]:
    props = common_props(serial, "Europe/London")
    props.update(product_props("google", "Google", "Pixel 7", "panther", "panther"))
    props.update(
        build_props(
            "google/panther/panther",
            "14",
            34,
            "UQ3A.261005.001",
            "12702348",
            "2026-10-05",
            datetime(2026, 9, 10, 20, 12, 44),
            "panther",
        )
    )
    props.update(
        {
            "ro.board.platform": "gs201",
            "ro.boot.hardware": "panther",
            "ro.boot.hardware.platform": "gs201",
            "ro.boot.hardware.revision": "MP1.0",
            "ro.boot.slot_suffix": "_b",
            "ro.build.host": "abfarm-release-2004-0127",
            "ro.hardware": "panther",
            "ro.product.board": "panther",
            "ro.soc.manufacturer": "Google",
            "ro.soc.model": "GS201",
            "ro.com.google.clientidbase": "android-google",
            "ro.com.google.gmsversion": "14_202406",
            "ro.product.first_api_level": "33",
            "gsm.version.baseband": "g5300q-260812-260904-B-13487765",
            "persist.vendor.radio.default_network": "33",
            "ro.boot.bootloader": "panther-1.3-12289876",
            "ro.bootloader": "panther-1.3-12289876",
            "sys.usb.controller": "11210000.dwc3",
        }
    )
    return props


def _clean_apps() -> tuple[AppSpec, ...]:
    sdk = 34
    pixel = [
        system_app(
            "com.android.systemui",
            "System UI",
            "SystemUIGoogle",
            partition="system_ext",
            priv=True,
            persistent=True,
            runtime=perms("POST_NOTIFICATIONS", "CAMERA"),
        ),
        system_app(
            "com.android.settings",
            "Settings",
            "SettingsGoogle",
            partition="system_ext",
            priv=True,
            uid=1000,
            shared="android.uid.system",
            launcher=".Settings",
        ),
        system_app(
            "com.google.android.apps.nexuslauncher",
            "Pixel Launcher",
            "NexusLauncherRelease",
            partition="system_ext",
            priv=True,
            notification_listener="com.android.launcher3.notification.NotificationListener",
            listener_enabled=True,
        ),
        system_app(
            "com.google.android.setupwizard",
            "Android Setup",
            "SetupWizardPrebuilt",
            partition="system_ext",
            priv=True,
        ),
        system_app(
            "com.google.android.dialer",
            "Phone",
            "GoogleDialer",
            partition="product",
            priv=True,
            launcher="com.google.android.dialer.extensions.GoogleDialtactsActivity",
            runtime=(*PHONE_RUNTIME, *CONTACTS_RUNTIME),
        ),
        system_app(
            "com.google.android.apps.messaging",
            "Messages",
            "PrebuiltBugle",
            partition="product",
            launcher=".ui.ConversationListActivity",
            runtime=(*SMS_RUNTIME, "android.permission.READ_CONTACTS"),
        ),
        system_app(
            "com.google.android.contacts",
            "Contacts",
            "GoogleContacts",
            partition="product",
            launcher="com.android.contacts.activities.PeopleActivity",
            runtime=CONTACTS_RUNTIME,
        ),
        system_app(
            "com.google.android.deskclock",
            "Clock",
            "PrebuiltDeskClockGoogle",
            partition="product",
            launcher="com.android.deskclock.DeskClock",
        ),
        system_app(
            "com.google.android.calculator",
            "Calculator",
            "CalculatorGooglePrebuilt",
            partition="product",
            launcher="com.android.calculator2.Calculator",
        ),
        system_app(
            "com.google.android.calendar",
            "Calendar",
            "CalendarGooglePrebuilt",
            partition="product",
            launcher="com.android.calendar.AllInOneActivity",
        ),
        system_app(
            "com.google.android.GoogleCamera",
            "Camera",
            "GoogleCamera",
            partition="product",
            launcher="com.android.camera.CameraLauncher",
            runtime=perms("CAMERA", "RECORD_AUDIO", "ACCESS_FINE_LOCATION"),
        ),
        system_app(
            "com.google.android.apps.recorder",
            "Recorder",
            "RecorderPrebuilt",
            partition="product",
            launcher=".ui.RecorderActivity",
            runtime=perms("RECORD_AUDIO"),
        ),
        system_app(
            "com.google.android.apps.nbu.files",
            "Files by Google",
            "FilesPrebuilt",
            partition="product",
            launcher=".home.HomeActivity",
        ),
        system_app(
            "com.google.android.apps.wellbeing",
            "Digital Wellbeing",
            "WellbeingPrebuilt",
            partition="product",
            priv=True,
        ),
        system_app(
            "com.google.android.apps.safetyhub",
            "Personal Safety",
            "SafetyHubPrebuilt",
            partition="product",
            priv=True,
        ),
        system_app(
            "com.google.android.marvin.talkback",
            "Android Accessibility Suite",
            "talkback",
            partition="product",
            accessibility="com.google.android.marvin.talkback.TalkBackService",
        ),
        system_app(
            "com.google.android.inputmethod.latin",
            "Gboard",
            "LatinIMEGooglePrebuilt",
            partition="product",
        ),
        system_app(
            "com.google.android.as",
            "Android System Intelligence",
            "DevicePersonalizationPrebuiltPixel2022",
            partition="product",
            priv=True,
        ),
        system_app(
            "com.google.android.apps.turbo",
            "Device Health Services",
            "TurboPrebuilt",
            partition="product",
            priv=True,
        ),
        system_app(
            "com.google.android.settings.intelligence",
            "Settings Services",
            "SettingsIntelligenceGooglePrebuilt",
            partition="product",
            priv=True,
        ),
        system_app(
            "com.google.android.apps.restore",
            "Data Restore Tool",
            "GoogleRestorePrebuilt",
            partition="product",
            priv=True,
        ),
        system_app(
            "com.google.android.apps.wallpaper",
            "Wallpaper & style",
            "WallpaperPickerGoogleRelease",
            partition="product",
            priv=True,
        ),
        system_app(
            "com.google.android.soundpicker", "Sounds", "SoundPickerPrebuilt", partition="product"
        ),
        system_app(
            "com.google.android.partnersetup",
            "Google Partner Setup",
            "PartnerSetupPrebuilt",
            partition="product",
            priv=True,
        ),
        system_app(
            "com.google.android.feedback",
            "Market Feedback Agent",
            "GoogleFeedback",
            partition="product",
            priv=True,
        ),
        system_app(
            "com.google.android.apps.scone",
            "Adaptive Connectivity Services",
            "AdaptiveConnectivity",
            partition="product",
            priv=True,
        ),
        system_app(
            "com.google.android.apps.tips",
            "Pixel Tips",
            "TipsPrebuilt",
            partition="product",
            launcher=".TipsLauncherActivity",
        ),
        system_app(
            "com.google.android.apps.subscriptions.red",
            "Google One",
            "GoogleOne",
            partition="product",
            launcher=".main.MainActivity",
        ),
        system_app(
            "com.google.android.keep",
            "Keep Notes",
            "PrebuiltKeep",
            partition="product",
            launcher=".activities.BrowseActivity",
        ),
        system_app(
            "com.google.android.apps.walletnfcrel",
            "Google Wallet",
            "WalletPrebuilt",
            partition="product",
            launcher="com.google.commerce.tapandpay.android.wallet.WalletActivity",
        ),
        system_app(
            "com.google.android.apps.customization.pixel",
            "Pixel Themes",
            "PixelThemesStub",
            partition="product",
        ),
        system_app("com.android.traceur", "System Tracing", "Traceur", priv=True),
        system_app(
            "com.android.credentialmanager", "Credential Manager", "CredentialManager", priv=True
        ),
        system_app("com.android.intentresolver", "Intent Resolver", "IntentResolver", priv=True),
    ]
    user = [
        store_app(
            "com.whatsapp",
            "WhatsApp",
            "2.26.21.73",
            262173007,
            "2023-02-11 18:40:12",
            "2026-11-21 04:12:55",
            launcher="com.whatsapp.Main",
            granted=perms(
                "CAMERA", "READ_CONTACTS", "RECORD_AUDIO", "POST_NOTIFICATIONS", "READ_MEDIA_IMAGES"
            ),
            denied=perms("ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"),
            authenticator="com.whatsapp",
            authenticator_service=".accountsync.AccountAuthenticatorService",
        ),
        store_app(
            "org.thoughtcrime.securesms",
            "Signal",
            "7.26.3",
            159201,
            "2023-02-11 18:52:40",
            "2026-11-18 02:33:10",
            launcher=".RoutingActivity",
            granted=perms("CAMERA", "RECORD_AUDIO", "READ_CONTACTS", "POST_NOTIFICATIONS"),
            authenticator="org.thoughtcrime.securesms",
            authenticator_service=".service.AccountAuthenticatorService",
        ),
        store_app(
            "com.spotify.music",
            "Spotify",
            "9.0.88.551",
            141504732,
            "2023-02-12 09:15:03",
            "2026-11-24 03:02:17",
            launcher=".MainActivity",
            granted=perms("POST_NOTIFICATIONS", "BLUETOOTH_CONNECT"),
        ),
        store_app(
            "com.chase.sig.android",
            "Chase",
            "5.48",
            548002,
            "2024-06-03 20:04:51",
            "2026-11-12 05:44:09",
            launcher=".activity.HomeActivity",
            granted=perms("CAMERA", "POST_NOTIFICATIONS"),
            denied=perms("ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"),
        ),
        store_app(
            "com.instagram.android",
            "Instagram",
            "389.0.0.42.83",
            381904455,
            "2023-03-01 21:10:33",
            "2026-11-25 01:15:42",
            launcher="com.instagram.mainactivity.LauncherActivity",
            granted=perms("CAMERA", "POST_NOTIFICATIONS", "READ_MEDIA_IMAGES"),
            denied=perms("RECORD_AUDIO", "READ_CONTACTS"),
        ),
        store_app(
            "com.netflix.mediaclient",
            "Netflix",
            "9.22.0",
            62218,
            "2023-05-20 19:32:18",
            "2026-11-10 02:20:05",
            launcher=".ui.launch.UIWebViewActivity",
            granted=perms("POST_NOTIFICATIONS"),
        ),
        store_app(
            "com.ubercab",
            "Uber",
            "4.612.10001",
            466120001,
            "2024-01-14 23:05:49",
            "2026-11-19 03:40:30",
            launcher=".presidio.app.core.root.RootActivity",
            granted=perms("ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION", "POST_NOTIFICATIONS"),
        ),
        store_app(
            "com.duolingo",
            "Duolingo",
            "6.72.3",
            2157,
            "2025-01-02 10:11:04",
            "2026-11-23 03:58:12",
            launcher=".app.LoginActivity",
            granted=perms("POST_NOTIFICATIONS"),
        ),
        store_app(
            "com.google.android.apps.authenticator2",
            "Google Authenticator",
            "7.0",
            70000016,
            "2023-02-11 19:02:51",
            "2025-09-03 04:06:40",
            launcher="com.google.android.apps.authenticator.AuthenticatorActivity",
            granted=perms("CAMERA"),
        ),
        store_app(
            "bbc.mobile.news.uk",
            "BBC News",
            "7.6.3",
            76301,
            "2024-09-18 08:21:37",
            "2026-10-29 02:47:19",
            launcher="bbc.mobile.news.v3.app.TopLevelActivity",
            granted=perms("POST_NOTIFICATIONS"),
        ),
        store_app(
            "com.citymapper.app.release",
            "Citymapper",
            "11.42",
            11420004,
            "2024-02-27 17:35:50",
            "2026-11-14 03:12:44",
            launcher="com.citymapper.app.EntryPointActivity",
            granted=perms("ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"),
        ),
        store_app(
            "com.microsoft.office.outlook",
            "Outlook",
            "4.2547.1",
            1000547123,
            "2025-04-07 12:40:26",
            "2026-11-20 04:31:08",
            launcher="com.microsoft.office.outlook.MainActivity",
            granted=perms("POST_NOTIFICATIONS"),
            denied=perms("READ_CONTACTS", "READ_CALENDAR"),
        ),
    ]
    core = aosp_core(sdk)
    apps = [
        core[0],
        *pixel[:2],
        *core[1:],
        *pixel[2:],
        *google_core(2026),
        *user,
    ]
    return with_platform_versions(apps, sdk)


def clean_phone() -> PhoneSpec:
    """An ordinary Pixel 7 on Android 14, patched 2026-10-05, with USB debugging on."""
    serial = CLEAN_SERIAL
    props = _pixel7_props(serial)
    global_settings = base_global("Pixel 7", props["ro.build.id"])
    global_settings.update({"package_verifier_enable": "1", "package_verifier_user_consent": "1"})
    launcher_listener = (
        "com.google.android.apps.nexuslauncher/com.android.launcher3.notification"
        ".NotificationListener"
    )
    secure = base_secure(
        serial,
        "Pixel 7",
        "com.google.android.inputmethod.latin/com.android.inputmethod.latin.LatinIME",
        launcher_listener,
    )
    return PhoneSpec(
        name="clean",
        description=(
            "An ordinary Google Pixel 7 on Android 14 (security patch 2026-10-05) with Play "
            "Store apps and one Google account. USB debugging and developer options are on "
            "because it is being scanned; nothing else is risky."
        ),
        serial=serial,
        sdk=34,
        props=props,
        apps=_clean_apps(),
        accounts=(
            AccountSpec("com.google", "sam.taylor.home@gmail.com", "2023-02-11 18:21:05"),
            AccountSpec("com.whatsapp", "WhatsApp", "2023-02-11 18:44:37"),
            AccountSpec("org.thoughtcrime.securesms", "Signal", "2023-02-11 18:55:02"),
        ),
        global_settings=global_settings,
        secure_settings=secure,
        launcher_package="com.google.android.apps.nexuslauncher",
        # Trusts no computer before the scan; the scanning computer is added at run time.
        running=("com.google.android.apps.messaging", "com.whatsapp"),
    )
