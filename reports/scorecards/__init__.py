"""Scorecards: what they cover (scope), how they are narrowed (filters), the queries (load), the
rows (rows), the whole card (build) and an indicator's own history (history); their pages,
charts, downloads and cache."""
