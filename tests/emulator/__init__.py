"""Local emulator of the Prolateral Partner API and the MailUp Retailer API (see README.md)."""

from .server import Emulator

__all__ = ['Emulator']
