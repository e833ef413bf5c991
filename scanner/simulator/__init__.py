"""A simulated Android phone: an ADB device-side server on 127.0.0.1 for tests and demos.

It speaks the real ADB wire protocol (handshake, RSA auth, streams, legacy ``shell:`` and
``exec:``, the ``shell,v2`` shell protocol with stderr and exit status, and legacy sync),
answers shell commands and file pulls from a profile of real captures, and logs every
request it receives, so tests can prove a scan only read.

Where a client can still tell it from a real phone:

* Simple commands and lists (``;``, ``&&``, ``||``, ``$?``) only. Other shell syntax
  (pipes, redirection, ``&``, other ``$`` expansions, backquotes) is answered on stderr
  with "simulated phone: … is not modelled", status 1; ``$?`` is expanded even inside
  single quotes and globs are not. An interactive shell (no command) is refused.
* A command without a capture: ``getprop KEY``, ``pm path``, ``ls``, ``which``, ``echo``,
  ``true``/``false``/``exit N``, a missing binary (127) and a missing ``dumpsys``/``cmd``
  service answer as Android does; any other command of a binary a phone has (``ps``,
  ``pm list``, ``dumpsys package com.x``…) prints nothing and exits 0.
* ``pm path`` reads the profile's ``dumpsys package``: ``base.apk`` for apps under
  ``/data``, ``<folder>/<folder>.apk`` for system apps (Android's naming habit; a phone
  that names one otherwise differs), ``split_<name>.apk`` per split; one user only.
* ``ls`` takes one path and no option but ``-1``. A folder lists only what the profile
  holds (its files and the APKs ``pm path`` names: no ``lib/`` or ``oat/``), so
  ``ls /`` or ``ls /system`` show a fraction of a phone, and paths it does not hold
  (``/system/bin``, ``/data/local/tmp``) are "No such file or directory". The install
  folder ``/data/app/~~…`` is "Permission denied" (0771, recent Android); some releases
  made it 0775, so a phone of theirs lists the app folder inside.
* ``date +%s`` answers this computer's clock, unless the profile holds a captured
  reading; other ``date`` forms are not modelled.
* Only files in the profile can be pulled, though ``pm path`` names every app's APKs.
* Feature list ``shell_v2,cmd`` only: no ``stat_v2``, ``ls_v2``, ``sendrecv_v2``,
  ``abb``/``abb_exec`` or ``delayed_ack``, so clients use legacy sync; ``abb`` is refused.
* Output is ready at once: over the shell protocol stdout is sent before stderr rather
  than interleaved in time (the legacy stream keeps each command's order);
  stdin and window-size packets are acknowledged and ignored. Over TCP only, never USB.
"""

from __future__ import annotations

from scanner.simulator.audit import AuthEvent, AuthStep, ReceivedCommand
from scanner.simulator.phone import SimulatedPhone
from scanner.simulator.profile import FILE_GENERATORS, AuthMode, Profile, load_profile

__all__ = [
    "FILE_GENERATORS",
    "AuthEvent",
    "AuthMode",
    "AuthStep",
    "Profile",
    "ReceivedCommand",
    "SimulatedPhone",
    "load_profile",
]
