"""How a status, trend or number looks, wherever it is shown: web pages (through the Jinja
environment in perfdash/jinja2.py), PDFs, charts and exports all take it from here.

`status` (status icon shapes and tones), `arrows` (trend and risk direction glyphs), `colours`
(the palette), `numbers` (formatting figures) and `svg` (sparklines for PDFs). These modules
import nothing from `perfdash`, so the apps never depend on the project package.
"""
