"""Widgets only: one module per tab plus the main window. No model math here."""

from playground.ui.pyside_fixes import protect_singletons, skip_feature_scan_of_non_qt_libraries

protect_singletons()  # before any widget paints: see pyside_fixes
skip_feature_scan_of_non_qt_libraries()  # before the core's libraries are imported: see pyside_fixes
