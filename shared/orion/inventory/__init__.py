"""Inventory: stock locations and movements (optional module; not built yet beyond its manifest)."""
