"""Doorstroom: the shared system for mixed-living projects (gemengd wonen)."""
