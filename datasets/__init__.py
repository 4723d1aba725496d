"""Seeded, offline data generators. Nothing here downloads anything."""
