"""The bottom layer every other package may use: settings, text utilities, the version."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("netlaw-helpdesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
