"""Widgets only: one folder per tab (chat, training, architecture, optimize), the shell, shared widgets.
No model math here."""

from playground.qt_compat import skip_feature_scan_of_non_qt_libraries

skip_feature_scan_of_non_qt_libraries()  # before the core's libraries are imported: see qt_compat
