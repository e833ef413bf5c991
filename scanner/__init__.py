"""Phone check: an offline, read-only stalkerware and device-safety scanner for Android."""

__version__ = "0.1.0"
TOOL_NAME = "phone-check"
