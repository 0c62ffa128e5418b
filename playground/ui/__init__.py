"""Widgets only: one module per tab plus the main window. No model math here."""
