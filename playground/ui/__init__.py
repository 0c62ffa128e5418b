"""Widgets only: one module per tab plus the main window. No model math here."""

from playground.ui.pyside_fixes import protect_singletons

protect_singletons()  # before any widget paints: see pyside_fixes
