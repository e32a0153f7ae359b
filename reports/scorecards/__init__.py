"""Scorecards: what they cover (scope), how they are narrowed (filters), the queries (load), the
rows (rows), the whole card (build), its pages, downloads and cache."""
