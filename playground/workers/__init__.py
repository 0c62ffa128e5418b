"""The only bridge between the core and Qt: QObject workers on QThreads, emitting frozen dataclasses."""
