"""Every check module, imported explicitly so registration does not depend on discovery."""

from scanner.checks import (
    installer_claim,
    known,
    posture,
    special_access,
    spy_behaviour,
    traces,
)

__all__ = ["installer_claim", "known", "posture", "special_access", "spy_behaviour", "traces"]
