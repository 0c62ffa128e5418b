"""Tests of the packaged app's recipe (the bundle itself is checked by `make package-test`)."""
