"""The apps behind the portal's tiles; each app is one blueprint with its own menu."""
