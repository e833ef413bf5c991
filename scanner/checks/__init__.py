"""Every check module, imported explicitly so registration does not depend on discovery."""

from scanner.checks import known, posture, special_access, spy_behaviour, traces

__all__ = ["known", "posture", "special_access", "spy_behaviour", "traces"]
