"""Reading who signed each app, and its hash, from parts of its APK read on the phone."""
